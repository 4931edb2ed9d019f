import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.SetOptions;
import dev.loomwire.tls.TlsSession;

import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Connects to Redis over TLS with full verification (chain + host name) and prints the TLS
 * session facts and a few commands' results.
 *
 * <pre>
 * mvn -q compile
 * java -cp target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *     examples/RedissExample.java 'rediss://localhost:6380?sslrootcert=/path/ca.crt'
 * </pre>
 *
 * Add {@code sslcert=...&sslkey=...} (or {@code sslkeystore=...p12&sslkeystorepassword=...}) for a
 * server with {@code tls-auth-clients yes}, and {@code user:password@} for an ACL user.
 */
public class RedissExample {
    public static void main(String[] args) {
        if (args.length != 1 || !args[0].startsWith("rediss://")) {
            System.err.println("usage: java -cp target/classes:slf4j-api.jar examples/RedissExample.java"
                    + " 'rediss://[user:password@]host:port[/db]?sslrootcert=ca.crt[&sslverify=full]'");
            System.exit(2);
        }
        try (RedisConnection redis = RedisConnection.connect(args[0])) {
            TlsSession tls = redis.tls().orElseThrow();
            System.out.println("connected to   " + redis.config());
            System.out.println("verification   " + redis.config().tls().orElseThrow().verification());
            System.out.println("TLS protocol   " + tls.protocol());
            System.out.println("cipher suite   " + tls.cipherSuite());
            System.out.println("SNI sent       " + (tls.sniSent() == null ? "(none)" : tls.sniSent()));
            System.out.println("resumed        " + tls.resumed());
            System.out.println("handshake      " + tls.handshakeTime().toMillis() + " ms");
            for (X509Certificate c : tls.peerChain()) {
                System.out.println("peer cert      " + c.getSubjectX500Principal().getName()
                        + " (issuer " + c.getIssuerX500Principal().getName() + ", expires " + c.getNotAfter().toInstant() + ")");
            }
            System.out.println("RESP version   " + redis.protocol());
            System.out.println("server version " + redis.serverVersion());
            System.out.println("PING           " + redis.ping());
            String key = "loomwire:example:" + ProcessHandle.current().pid();
            redis.set(key, "hello over TLS", SetOptions.none().expireIn(Duration.ofSeconds(60)));
            System.out.println("GET " + key + " -> " + redis.get(key) + " (TTL " + redis.ttl(key) + " s)");
            System.out.println("INCR counter   " + redis.incr(key + ":n"));
            redis.del(key, key + ":n");
        }
    }
}
