import dev.loomwire.redis.PubSubMessage;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisException;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Two Redis features over one URI (TLS or not): a pipeline (many commands, one socket write, one
 * round trip) compared with the same commands one by one, then pub/sub between two connections.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/RedisPipelinePubSub.java \
 *     'rediss://redis.example.com:6380?sslrootcert=ca.crt' [commands, default 1000]
 * </pre>
 */
public class RedisPipelinePubSub {
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || !args[0].matches("rediss?://.*")) {
            System.err.println("usage: RedisPipelinePubSub 'redis[s]://[user:password@]host:port?...' [commands]");
            System.exit(2);
        }
        int n = args.length == 2 ? Integer.parseInt(args[1]) : 1000;
        String prefix = "loomwire:example:" + ProcessHandle.current().pid() + ":";
        try (RedisConnection redis = RedisConnection.connect(args[0]);
             RedisConnection subscriber = RedisConnection.connect(args[0])) {
            System.out.println("connected to " + redis.config().host() + ":" + redis.config().port()
                    + redis.tls().map(t -> " over " + t.protocol()).orElse(" without TLS"));

            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                redis.set(prefix + i, "v" + i);
            }
            double oneByOne = (System.nanoTime() - start) / 1e6;

            var pipeline = redis.pipeline();
            for (int i = 0; i < n; i++) {
                pipeline.command("SET", prefix + i, "p" + i);
            }
            for (int i = 0; i < n; i++) {
                pipeline.command("GET", prefix + i);
            }
            start = System.nanoTime();
            List<RedisReply> replies = pipeline.execute();
            double pipelined = (System.nanoTime() - start) / 1e6;
            for (int i = 0; i < n; i++) {
                if (!replies.get(n + i).asString().equals("p" + i)) {
                    throw new IllegalStateException("pipeline reply " + (n + i) + " is " + replies.get(n + i));
                }
            }
            System.out.printf("one by one: %d SETs in %.1f ms%n", n, oneByOne);
            System.out.printf("pipeline: %d SETs + %d GETs in one write: %d replies in %.1f ms, all match%n",
                    n, n, replies.size(), pipelined);
            var cleanup = redis.pipeline();
            for (int i = 0; i < n; i++) {
                cleanup.command("DEL", prefix + i);
            }
            cleanup.execute();

            String channel = prefix + "news";
            try (RedisSubscription sub = subscriber.subscribe(channel)) {
                sub.psubscribe(prefix + "alerts.*");
                System.out.println("subscribed to " + sub.channels() + " and patterns " + sub.patterns());
                long receivers = redis.publish(channel, "hello");
                redis.publish(channel, "world");
                redis.publish(prefix + "alerts.disk", "90% full");
                System.out.println("published 3 messages (first reached " + receivers + " subscriber)");
                for (int i = 0; i < 3; i++) {
                    Optional<PubSubMessage> m = sub.receive(Duration.ofSeconds(5));
                    PubSubMessage msg = m.orElseThrow(() -> new IllegalStateException("no message within 5 s"));
                    System.out.println("received on " + msg.channel().substring(prefix.length())
                            + (msg.pattern() == null ? "" : " (pattern " + msg.pattern().substring(prefix.length()) + ")")
                            + ": " + msg.text());
                }
            }
            System.out.println("subscriber back to normal: PING -> " + subscriber.ping());
        } catch (RedisException e) {
            System.err.println("RedisPipelinePubSub: " + e.getMessage());
            System.exit(1);
        }
    }
}
