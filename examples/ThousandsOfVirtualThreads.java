import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Plain blocking code on thousands of virtual threads, sharing one PostgreSQL pool and one
 * RedisClient: every thread runs a PostgreSQL query and a few Redis commands over TLS and checks
 * its own answers. The pool parks the threads that wait for a connection; the RedisClient sends
 * everyone's commands over one shared multiplexed connection (its pool serves only exclusive
 * operations such as withConnection); no callbacks, no reactive types.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/ThousandsOfVirtualThreads.java \
 *     "host=db.example.com dbname=app user=me sslmode=verify-full sslrootcert=ca.crt" \
 *     'rediss://redis.example.com:6380?sslrootcert=ca.crt' [threads, default 10000] [pool size, default 16]
 * </pre>
 */
public class ThousandsOfVirtualThreads {
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: ThousandsOfVirtualThreads \"<pg conninfo>\" 'redis[s]://...' [threads] [pool size]");
            System.exit(2);
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int poolSize = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        PoolSettings pool = PoolSettings.builder().maxSize(poolSize).acquireTimeout(Duration.ofSeconds(60)).build();
        String counter = "loomwire:example:vthreads:" + ProcessHandle.current().pid();
        AtomicInteger wrong = new AtomicInteger();
        LongAdder done = new LongAdder();
        try (PgPool db = PgPool.create(PgConfig.parse(args[0]), pool, Duration.ofSeconds(30));
             RedisClient cache = RedisClient.create(args[1], pool)) {
            long start = System.nanoTime();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < threads; i++) {
                    int n = i;
                    executor.submit(() -> {
                        try {
                            long doubled = db.query("SELECT $1::int8 * 2", (long) n).single().getLong(0);
                            String key = counter + ":" + n;
                            cache.set(key, Integer.toString(n));
                            boolean same = cache.get(key).equals(Integer.toString(n));
                            cache.del(key);
                            cache.incr(counter);
                            if (doubled != 2L * n || !same) {
                                wrong.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            wrong.incrementAndGet();
                            System.err.println("thread " + n + ": " + e.getMessage());
                        }
                        done.increment();
                    });
                }
            } // waits for every task
            double seconds = (System.nanoTime() - start) / 1e9;
            long counted = Long.parseLong(cache.get(counter));
            cache.del(counter);
            System.out.printf("%d virtual threads, each 1 PostgreSQL query + 4 Redis commands, through pools of %d: %.2f s (%.0f threads/s)%n",
                    threads, poolSize, seconds, threads / seconds);
            System.out.println("postgres pool " + db.stats() + ", redis pool " + cache.stats());
            System.out.println("TLS: postgres " + db.withConnection(c -> c.tls().map(t -> t.protocol()).orElse("none"))
                    + ", redis " + cache.withConnection(c -> c.tls().map(t -> t.protocol()).orElse("none")));
            System.out.println("finished " + done.sum() + ", wrong answers " + wrong.get() + ", redis counter " + counted);
            if (wrong.get() != 0 || counted != threads) {
                System.exit(1);
            }
        }
    }
}
