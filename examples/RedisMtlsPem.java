import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisException;
import dev.loomwire.tls.TlsSession;
import java.security.cert.X509Certificate;

/**
 * Redis over mutual TLS with PEM files: the server ({@code tls-auth-clients yes}) checks our
 * client certificate, we check its chain and host name. Prints both certificates and a round trip.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/RedisMtlsPem.java \
 *     'rediss://redis.example.com:6380?sslrootcert=ca.crt&sslcert=client.crt&sslkey=client.key'
 * </pre>
 * sslkey may be PKCS#1, PKCS#8 (encrypted: add sslpassword=...), SEC1 or DER; sslverify defaults to full.
 */
public class RedisMtlsPem {
    public static void main(String[] args) {
        if (args.length != 1 || !args[0].startsWith("rediss://") || !args[0].contains("sslcert=")) {
            System.err.println("usage: RedisMtlsPem 'rediss://host:port?sslrootcert=ca.crt&sslcert=client.crt&sslkey=client.key'");
            System.exit(2);
        }
        try (RedisConnection redis = RedisConnection.connect(args[0])) {
            TlsSession tls = redis.tls().orElseThrow();
            System.out.println("connected to " + redis.config().host() + ":" + redis.config().port() + ", Redis "
                    + redis.serverVersion() + ", RESP" + redis.protocol());
            System.out.println("TLS " + tls.protocol() + " " + tls.cipherSuite() + ", verification "
                    + redis.config().tls().orElseThrow().verification() + ", handshake " + tls.handshakeTime().toMillis() + " ms");
            X509Certificate server = tls.peerChain().get(0);
            System.out.println("server certificate: " + server.getSubjectX500Principal() + " (issuer "
                    + server.getIssuerX500Principal() + ")");
            if (!tls.clientCertificateSent()) {
                System.err.println("RedisMtlsPem: the server did not ask for a client certificate (tls-auth-clients no?)");
                System.exit(1);
            }
            X509Certificate mine = tls.clientChain().get(0);
            System.out.println("client certificate sent: " + mine.getSubjectX500Principal() + " (issuer "
                    + mine.getIssuerX500Principal() + ", valid until " + mine.getNotAfter().toInstant() + ")");
            String key = "loomwire:example:mtls:" + ProcessHandle.current().pid();
            redis.set(key, "hello over mutual TLS");
            System.out.println("PING -> " + redis.ping() + ", GET " + key + " -> " + redis.get(key));
            redis.del(key);
        } catch (RedisException e) {
            System.err.println("RedisMtlsPem: " + e.getMessage());
            System.exit(1);
        }
    }
}
