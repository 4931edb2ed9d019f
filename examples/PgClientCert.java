import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pg.PgTlsInfo;
import dev.loomwire.pg.SslMode;
import java.security.cert.X509Certificate;

/**
 * PostgreSQL with sslmode=verify-full and a client certificate: the server's chain and host name
 * are checked, and the server checks ours (pg_hba.conf {@code cert} or {@code clientcert=verify-full}).
 * Prints both certificates and what the server saw.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/PgClientCert.java \
 *     "host=db.example.com dbname=app user=me sslrootcert=ca.crt sslcert=me.crt sslkey=me.key"
 * </pre>
 * sslmode defaults to verify-full and sslcertmode to require (no certificate configured or
 * requested is an error); weaker sslmodes are refused. sslkey may be PKCS#1, PKCS#8 (also
 * encrypted, with sslpassword), SEC1 or DER, and must not be readable by others.
 */
public class PgClientCert {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: PgClientCert \"host=... dbname=... user=... sslrootcert=ca.crt sslcert=client.crt sslkey=client.key\"");
            System.exit(2);
        }
        PgConfig config;
        try {
            config = PgConfig.builder().set("sslmode", "verify-full").set("sslcertmode", "require").conninfo(args[0]).build();
        } catch (PgException e) {
            System.err.println("PgClientCert: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.sslMode() != SslMode.VERIFY_FULL || config.sslCert().isEmpty()) {
            System.err.println("PgClientCert: needs sslmode=verify-full and sslcert/sslkey");
            System.exit(2);
        }
        try (PgConnection c = PgConnection.connect(config)) {
            PgTlsInfo tls = c.tls().orElseThrow();
            System.out.println("connected to " + config.host() + ":" + config.port() + ", database " + config.database()
                    + ", server " + c.serverVersion());
            System.out.println("TLS " + tls.protocol() + " " + tls.cipherSuite() + ", verify-full, handshake "
                    + tls.session().handshakeTime().toMillis() + " ms");
            X509Certificate server = tls.peerCertificates().get(0);
            System.out.println("server certificate: " + server.getSubjectX500Principal() + " (issuer "
                    + server.getIssuerX500Principal() + ")");
            X509Certificate mine = tls.session().clientChain().get(0);
            System.out.println("client certificate sent: " + mine.getSubjectX500Principal() + " (issuer "
                    + mine.getIssuerX500Principal() + ", valid until " + mine.getNotAfter().toInstant() + ")");
            PgRow row = c.query("SELECT current_user, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
            System.out.println("server saw client certificate: " + row.getString(1) + ", logged in as " + row.getString(0));
        } catch (PgException e) {
            System.err.println("PgClientCert: " + e.getMessage());
            System.exit(1);
        }
    }
}
