import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pg.PgTlsInfo;
import dev.loomwire.pg.SslMode;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * psql-style connection check with full server verification: connects with sslmode=verify-full
 * (chain and host name), prints what the TLS session looks like, then runs an optional query.
 *
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) examples/PgVerifyFull.java \
 *     "host=db.example.com dbname=app user=me sslrootcert=/path/to/ca.crt" [-c "SELECT version()"]
 * </pre>
 * Like psql, the PG* environment variables, ~/.postgresql/root.crt and ~/.pgpass supply whatever
 * the connection string leaves out. An sslmode other than verify-full is refused.
 */
public class PgVerifyFull {
    public static void main(String[] args) {
        String conninfo = args.length > 0 ? args[0] : "";
        String sql = args.length > 2 && args[1].equals("-c") ? args[2] : null;
        PgConfig config;
        try {
            config = PgConfig.builder().set("sslmode", "verify-full").conninfo(conninfo).build();
        } catch (PgException e) {
            System.err.println("PgVerifyFull: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.sslMode() != SslMode.VERIFY_FULL) {
            System.err.println("PgVerifyFull: sslmode=" + config.sslMode().keyword() + " given; this example only does verify-full");
            System.exit(2);
        }
        try (PgConnection c = PgConnection.connect(config)) {
            PgTlsInfo tls = c.tls().orElseThrow();
            System.out.printf("connected to %s:%d as %s, database %s, server %s%n", config.host(), config.port(),
                    config.user(), config.database(), c.serverVersion());
            System.out.printf("SSL connection (protocol: %s, cipher: %s, ALPN: %s, negotiation: %s, SNI: %s, channel binding: %s, handshake: %d ms)%n",
                    tls.protocol(), tls.cipherSuite(), tls.alpn() == null ? "none" : tls.alpn(),
                    tls.directNegotiation() ? "direct" : "postgres", tls.session().sniSent() == null ? "none" : tls.session().sniSent(),
                    tls.channelBound() ? "SCRAM-SHA-256-PLUS" : "not used", tls.session().handshakeTime().toMillis());
            List<X509Certificate> chain = tls.peerCertificates();
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate cert = chain.get(i);
                System.out.printf("  certificate %d: %s%n    issuer: %s%n    valid until: %s, signature: %s%n", i,
                        cert.getSubjectX500Principal(), cert.getIssuerX500Principal(), cert.getNotAfter().toInstant(),
                        cert.getSigAlgName());
            }
            if (sql != null) {
                for (PgRow row : c.query(sql)) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < row.size(); i++) {
                        line.append(i == 0 ? "" : "|").append(row.isNull(i) ? "" : row.getString(i));
                    }
                    System.out.println(line);
                }
            }
        } catch (PgException e) {
            System.err.println("PgVerifyFull: " + e.getMessage());
            System.exit(1);
        }
    }
}
