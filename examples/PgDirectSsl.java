import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pg.PgTlsInfo;

/**
 * PostgreSQL 17+ direct SSL ({@code sslnegotiation=direct}): the TLS ClientHello goes out right
 * after the TCP connect, with ALPN {@code postgresql}, instead of an SSLRequest round trip first.
 * Connects both ways and prints the negotiation, ALPN and connect times side by side.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/PgDirectSsl.java \
 *     "host=db.example.com dbname=app user=me password=... sslrootcert=ca.crt"
 * </pre>
 * sslmode defaults to verify-full; direct negotiation needs require or stricter (as in libpq).
 */
public class PgDirectSsl {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: PgDirectSsl \"host=... port=... dbname=... user=... sslrootcert=ca.crt\"");
            System.exit(2);
        }
        try {
            for (String negotiation : new String[] {"direct", "postgres"}) {
                PgConfig config = PgConfig.builder().set("sslmode", "verify-full").conninfo(args[0])
                        .set("sslnegotiation", negotiation).build();
                long start = System.nanoTime();
                try (PgConnection c = PgConnection.connect(config)) {
                    long micros = (System.nanoTime() - start) / 1000;
                    PgTlsInfo tls = c.tls().orElseThrow();
                    PgRow row = c.query("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
                    System.out.printf("sslnegotiation=%-8s -> %s negotiation, ALPN %s, %s %s, server says %s, connected in %.1f ms%n",
                            negotiation, tls.directNegotiation() ? "direct" : "postgres (SSLRequest)",
                            tls.alpn() == null ? "none" : tls.alpn(), tls.protocol(), tls.cipherSuite(),
                            row.getString(0), micros / 1000.0);
                    if (negotiation.equals("direct")) {
                        System.out.println("server version " + c.serverVersion() + ", certificate "
                                + tls.peerCertificates().get(0).getSubjectX500Principal());
                    }
                }
            }
        } catch (PgException e) {
            System.err.println("PgDirectSsl: " + e.getMessage());
            System.exit(1);
        }
    }
}
