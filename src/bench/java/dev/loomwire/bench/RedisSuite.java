package dev.loomwire.bench;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.redis.RedisPipeline;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.HdrHistogram.Histogram;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * The Redis scenarios for loomwire, Jedis and Lettuce, plain and TLS, against the harness's
 * Redis; the C reference ({@code redis-benchmark}) runs in {@link RedisBenchmarkTool}.
 */
final class RedisSuite implements AutoCloseable {
    static final String LOOMWIRE = "loomwire";
    static final String JEDIS = "Jedis";
    static final String LETTUCE = "Lettuce";
    static final int THREADS = 1000;
    static final int POOL_SIZE = 50;

    static final Scenario CONNECT = new Scenario("redis", "connect + PING", "µs", false, 200, 50);
    static final Scenario GET = new Scenario("redis", "GET latency (1 connection)", "µs", false, 10_000, 2_000, 4);
    static final Scenario SETGET_1K = new Scenario("redis", "SET+GET 1 KiB", "µs", false, 3_000, 600, 3);
    static final Scenario SETGET_100K = new Scenario("redis", "SET+GET 100 KiB", "µs", false, 300, 60);
    static final Scenario PIPELINE = new Scenario("redis", "pipeline of 1,000 GETs", "GET/s", true, 40, 10);
    static final Scenario THREADS_1000 = new Scenario("redis", "1,000 virtual threads GET/SET", "ops/s", true, 50, 10);
    static final Scenario IDLE = new Scenario("redis", "idle TLS connections (heap)", "KiB/conn", false, 10_000, 1_000);

    private final RedisServer server;
    private final ClientResources lettuceResources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    private final SSLContext jdkContext = Trust.jdkContext();
    private final List<io.lettuce.core.RedisClient> lettuceClients = new ArrayList<>();

    RedisSuite() {
        this.server = TestServers.redis();
    }

    void runAll(Runner runner) {
        for (String mode : List.of("plain", "TLS")) {
            runner.run(CONNECT, mode, List.of(
                    candidate(LOOMWIRE, () -> latency(() -> RedisConnection.connect(config(mode)).close()), ""),
                    candidate(JEDIS, () -> latency(() -> {
                        try (Jedis j = new Jedis(hostAndPort(mode), jedisConfig(mode))) {
                            j.ping();
                        }
                    }), mode.equals("TLS") ? "shared SSLSocketFactory + endpoint identification" : ""),
                    candidate(LETTUCE, () -> {
                        io.lettuce.core.RedisClient client = lettuce(mode);
                        RedisURI uri = lettuceUri(mode);
                        return latency(() -> {
                            try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                                c.sync().ping();
                            }
                        });
                    }, ""),
                    tool(mode, List.of("-t", "ping", "-c", "1", "-k", "0"), n -> n, RedisBenchmarkTool.latency("PING_MBULK"),
                            "-t ping -c 1 -k 0 (reconnects for every request; verifies the chain, not the host name)")));
            if (mode.equals("TLS")) {
                runner.run(CONNECT, "TLS", List.of(candidate(JEDIS + " (SslOptions)", () -> latency(() -> {
                    try (Jedis j = new Jedis(hostAndPort(mode), jedisSslOptionsConfig())) {
                        j.ping();
                    }
                }), "Jedis' own SslOptions(truststore.jks, FULL): a new SSLContext per connection")));
            }
        }
        for (String mode : List.of("plain", "TLS")) {
            runner.run(GET, mode, List.of(
                    candidate(LOOMWIRE, () -> {
                        RedisConnection c = RedisConnection.connect(config(mode));
                        c.set("bench:get", "0123456789abcdef");
                        return latency(() -> c.get("bench:get"), c::close);
                    }, ""),
                    candidate(JEDIS, () -> {
                        Jedis j = new Jedis(hostAndPort(mode), jedisConfig(mode));
                        j.set("bench:get", "0123456789abcdef");
                        return latency(() -> j.get("bench:get"), j::close);
                    }, "one Jedis connection"),
                    candidate(LETTUCE, () -> {
                        StatefulRedisConnection<String, String> c = lettuce(mode).connect(lettuceUri(mode));
                        RedisCommands<String, String> sync = c.sync();
                        sync.set("bench:get", "0123456789abcdef");
                        return latency(() -> sync.get("bench:get"), c::close);
                    }, "sync API"),
                    tool(mode, List.of("-t", "set,get", "-c", "1", "-d", "16"), n -> n, RedisBenchmarkTool.latency("GET"), "-t set,get -c 1 -d 16: the GET row"),
                    candidate(LOOMWIRE + ", platform thread", () -> {
                        RedisConnection c = RedisConnection.connect(config(mode));
                        return onPlatformThread(latency(() -> c.get("bench:get"), c::close));
                    }, "same loop on a platform thread: shows what parking a virtual thread on the poller costs"),
                    candidate(JEDIS + ", platform thread", () -> {
                        Jedis j = new Jedis(hostAndPort(mode), jedisConfig(mode));
                        return onPlatformThread(latency(() -> j.get("bench:get"), j::close));
                    }, "same loop on a platform thread")));
        }
        for (Scenario s : List.of(SETGET_1K, SETGET_100K)) {
            int size = s == SETGET_1K ? 1024 : 100 * 1024;
            byte[] key = ("bench:value:" + size).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[size];
            Arrays.fill(value, (byte) 'v');
            for (String mode : List.of("plain", "TLS")) {
                runner.run(s, mode, List.of(
                        candidate(LOOMWIRE, () -> {
                            RedisConnection c = RedisConnection.connect(config(mode));
                            return latency(() -> {
                                c.set(key, value);
                                check(c.get(key), size);
                            }, c::close);
                        }, ""),
                        candidate(JEDIS, () -> {
                            Jedis j = new Jedis(hostAndPort(mode), jedisConfig(mode));
                            return latency(() -> {
                                j.set(key, value);
                                check(j.get(key), size);
                            }, j::close);
                        }, ""),
                        candidate(LETTUCE, () -> {
                            StatefulRedisConnection<byte[], byte[]> c = lettuce(mode).connect(ByteArrayCodec.INSTANCE, lettuceUri(mode));
                            RedisCommands<byte[], byte[]> sync = c.sync();
                            return latency(() -> {
                                sync.set(key, value);
                                check(sync.get(key), size);
                            }, c::close);
                        }, ""),
                        tool(mode, List.of("-t", "set,get", "-c", "1", "-d", Integer.toString(size)), n -> n, RedisBenchmarkTool.setThenGet(),
                                "-t set,get -c 1 -d " + size + ": SET p50 + GET p50")));
            }
        }
        for (String mode : List.of("plain", "TLS")) {
            runner.run(PIPELINE, mode, List.of(
                    candidate(LOOMWIRE, () -> {
                        RedisConnection c = RedisConnection.connect(config(mode));
                        c.set("bench:pipe", "0123456789abcdef");
                        RedisPipeline p = c.pipeline();
                        return throughput(1000, () -> {
                            for (int i = 0; i < 1000; i++) {
                                p.command("GET", "bench:pipe");
                            }
                            expect(p.execute().size(), 1000);
                        }, c::close);
                    }, ""),
                    candidate(JEDIS, () -> {
                        Jedis j = new Jedis(hostAndPort(mode), jedisConfig(mode));
                        j.set("bench:pipe", "0123456789abcdef");
                        return throughput(1000, () -> {
                            Pipeline p = j.pipelined();
                            List<Response<String>> rs = new ArrayList<>(1000);
                            for (int i = 0; i < 1000; i++) {
                                rs.add(p.get("bench:pipe"));
                            }
                            p.sync();
                            expect(rs.size(), 1000);
                        }, j::close);
                    }, "Jedis.pipelined()"),
                    candidate(LETTUCE, () -> {
                        StatefulRedisConnection<String, String> c = lettuce(mode).connect(lettuceUri(mode));
                        c.sync().set("bench:pipe", "0123456789abcdef");
                        c.setAutoFlushCommands(false);
                        RedisAsyncCommands<String, String> async = c.async();
                        return throughput(1000, () -> {
                            List<RedisFuture<String>> fs = new ArrayList<>(1000);
                            for (int i = 0; i < 1000; i++) {
                                fs.add(async.get("bench:pipe"));
                            }
                            c.flushCommands();
                            if (!LettuceFutures.awaitAll(30, TimeUnit.SECONDS, fs.toArray(new RedisFuture[0]))) {
                                throw new IllegalStateException("Lettuce pipeline timed out");
                            }
                        }, c::close);
                    }, "async API, auto-flush off"),
                    tool(mode, List.of("-t", "set,get", "-c", "1", "-P", "1000", "-d", "16"), n -> Math.max(n * 1000, 300_000), RedisBenchmarkTool.rate("GET"),
                            "-t set,get -c 1 -P 1000 -d 16: the GET row")));
        }
        for (String mode : List.of("plain", "TLS")) {
            runner.run(THREADS_1000, mode, List.of(
                    candidate(LOOMWIRE, () -> {
                        RedisClient client = RedisClient.createPooled(config(mode), poolSettings());
                        return setGetWorkload(client);
                    }, "RedisClient.createPooled, pool of " + POOL_SIZE),
                    candidate(LOOMWIRE + ", multiplexed", () -> {
                        RedisClient client = RedisClient.create(config(mode), poolSettings());
                        return setGetWorkload(client);
                    }, "RedisClient.create (the default): one shared multiplexed connection, replies matched in order"),
                    candidate(JEDIS, () -> {
                        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
                        pool.setMaxTotal(POOL_SIZE);
                        pool.setMaxIdle(POOL_SIZE);
                        pool.setMinIdle(POOL_SIZE);
                        pool.setJmxEnabled(false);
                        JedisPooled j = new JedisPooled(pool, hostAndPort(mode), jedisConfig(mode));
                        return concurrent(i -> {
                            String key = "bench:vt:" + i;
                            return n -> {
                                if ((n & 1) == 0) {
                                    j.set(key, "0123456789abcdef");
                                } else {
                                    j.get(key);
                                }
                            };
                        }, j::close);
                    }, "JedisPooled, pool of " + POOL_SIZE),
                    candidate(LETTUCE, () -> {
                        StatefulRedisConnection<String, String> c = lettuce(mode).connect(lettuceUri(mode));
                        RedisCommands<String, String> sync = c.sync();
                        return concurrent(i -> {
                            String key = "bench:vt:" + i;
                            return n -> {
                                if ((n & 1) == 0) {
                                    sync.set(key, "0123456789abcdef");
                                } else {
                                    sync.get(key);
                                }
                            };
                        }, c::close);
                    }, "one shared connection, sync API"),
                    tool(mode, List.of("-t", "set,get", "-c", "50", "-d", "16"), n -> Math.max(n * THREADS, 200_000), RedisBenchmarkTool.mixedRate(),
                            "-t set,get -c 50 -d 16: harmonic mean of the GET and SET rates")));
        }
        runIdle(runner);
    }

    /** Heap per idle TLS connection, each held by its own parked virtual thread, on a Redis with room for them. */
    private void runIdle(Runner runner) {
        if (!runner.wanted(IDLE)) {
            return;
        }
        int n = IDLE.iterations(runner.quick());
        RedisServer big;
        try {
            big = TestServers.startRedis(RedisServer.Options.defaults().withPlainPort(false)
                    .withConfig("maxclients " + (n + 2_000)));
        } catch (RuntimeException e) {
            runner.add(Result.failed(IDLE, "TLS", LOOMWIRE, "could not start a Redis with maxclients " + (n + 2_000) + ": " + e.getMessage()));
            return;
        }
        try {
            RedisConfig cfg = RedisConfig.builder().host(Trust.HOST).port(big.tlsPort()).tls(Trust.loomwire())
                    .connectTimeout(Duration.ofSeconds(60)).build();
            JedisClientConfig jcfg = jedisTls(60_000);
            HostAndPort hp = new HostAndPort(Trust.HOST, big.tlsPort());
            runner.run(IDLE, "TLS", List.of(
                    candidate(LOOMWIRE, () -> idle(() -> {
                        RedisConnection c = RedisConnection.connect(cfg);
                        c.ping();
                        return c;
                    }), "connection + its parked virtual thread"),
                    candidate(JEDIS, () -> idle(() -> {
                        Jedis j = new Jedis(hp, jcfg);
                        j.ping();
                        return j;
                    }), "connection + its parked virtual thread")));
        } finally {
            big.close();
        }
    }

    // ---------------------------------------------------------------- subjects

    interface Closer {
        void close() throws Exception;
    }

    interface PerThread {
        /** The operation thread {@code i} runs, given its operation number. */
        IntOp forThread(int i) throws Exception;
    }

    interface IntOp {
        void run(int n) throws Exception;
    }

    interface Opener<T extends AutoCloseable> {
        T open() throws Exception;
    }

    private static Runner.Candidate candidate(String driver, Runner.Opener opener, String note) {
        return new Runner.Candidate(driver, opener, note);
    }

    private Runner.Candidate tool(String mode, List<String> args, java.util.function.IntUnaryOperator requests,
                                  RedisBenchmarkTool.Reading reading, String note) {
        return candidate(RedisBenchmarkTool.NAME, () -> RedisBenchmarkTool.subject(server, mode, args, requests, reading), note);
    }

    /** Runs each repetition of {@code subject} on a new platform thread instead of the runner's virtual thread. */
    static Subject onPlatformThread(Subject subject) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                Sample[] result = new Sample[1];
                Exception[] failure = new Exception[1];
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        result[0] = subject.rep(n);
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                });
                t.join();
                if (failure[0] != null) {
                    throw failure[0];
                }
                return result[0];
            }

            public void close() throws Exception {
                subject.close();
            }
        };
    }

    private static Subject latency(Op op) {
        return latency(op, () -> {});
    }

    private static Subject latency(Op op, Closer closer) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                return Measure.latency(n, op);
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    private static Subject throughput(int opsPerBatch, Op batch, Closer closer) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                return Measure.throughput(n, opsPerBatch, batch);
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    /** {@value #THREADS} virtual threads released together, each running {@code n} operations; p99 is per operation. */
    static Subject concurrent(PerThread perThread, Closer closer) throws Exception {
        return concurrent(THREADS, perThread, closer);
    }

    /** {@code threads} virtual threads released together, each running {@code n} operations; p99 is per operation. */
    static Subject concurrent(int threads, PerThread perThread, Closer closer) throws Exception {
        final int THREADS = threads;
        IntOp[] ops = new IntOp[THREADS];
        for (int i = 0; i < THREADS; i++) {
            ops[i] = perThread.forThread(i);
        }
        return new Subject() {
            public Sample rep(int n) throws Exception {
                long[][] lat = new long[THREADS][n];
                CountDownLatch go = new CountDownLatch(1);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>(THREADS);
                for (int i = 0; i < THREADS; i++) {
                    int t = i;
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            for (int k = 0; k < n; k++) {
                                long t0 = System.nanoTime();
                                ops[t].run(k);
                                lat[t][k] = System.nanoTime() - t0;
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }));
                }
                Measure.Costs costs = Measure.Costs.now();
                long start = System.nanoTime();
                go.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Measure.Costs spent = Measure.Costs.since(costs);
                if (failure.get() != null) {
                    throw new IllegalStateException("a virtual thread failed: " + failure.get(), failure.get());
                }
                Histogram h = Measure.histogram();
                for (long[] row : lat) {
                    for (long v : row) {
                        h.recordValue(v);
                    }
                }
                return new Sample(THREADS * (double) n / seconds, h.getValueAtPercentile(99) / 1000.0, (double) THREADS * n, spent);
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    /**
     * Opens {@code n} connections, each on its own virtual thread that then parks until released;
     * value = retained heap per connection (after GC) in KiB; p99 = per-connection open time.
     */
    static <T extends AutoCloseable> Subject idle(Opener<T> opener) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                long before = usedHeapAfterGc();
                Measure.Costs costs = Measure.Costs.now();
                CountDownLatch opened = new CountDownLatch(n);
                CountDownLatch release = new CountDownLatch(1);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                long[] openNanos = new long[n];
                List<Thread> threads = new ArrayList<>(n);
                java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(64);
                for (int i = 0; i < n; i++) {
                    int t = i;
                    threads.add(Thread.ofVirtual().start(() -> {
                        T c = null;
                        try {
                            connecting.acquire();
                            try {
                                long t0 = System.nanoTime();
                                c = opener.open();
                                openNanos[t] = System.nanoTime() - t0;
                            } finally {
                                connecting.release();
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                        opened.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (c != null) {
                            try {
                                c.close();
                            } catch (Exception ignored) {
                                // closing at the end of the scenario
                            }
                        }
                    }));
                }
                opened.await();
                Measure.Costs spent = Measure.Costs.since(costs);
                long after = usedHeapAfterGc();
                release.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("connection " + "failed: " + failure.get(), failure.get());
                }
                Histogram h = Measure.histogram();
                for (long v : openNanos) {
                    h.recordValue(v);
                }
                return new Sample((after - before) / 1024.0 / n, h.getValueAtPercentile(99) / 1000.0, n, spent);
            }
        };
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static <T> List<T> openMany(int n, Opener<? extends T> opener) throws Exception {
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(opener.open());
        }
        return out;
    }

    private static void check(byte[] got, int size) {
        if (got == null || got.length != size) {
            throw new IllegalStateException("expected " + size + " bytes, got " + (got == null ? "null" : got.length));
        }
    }

    private static void expect(int got, int expected) {
        if (got != expected) {
            throw new IllegalStateException("expected " + expected + " replies, got " + got);
        }
    }

    // ---------------------------------------------------------------- configuration per driver

    private int port(String mode) {
        return mode.equals("TLS") ? server.tlsPort() : server.plainPort();
    }

    RedisConfig config(String mode) {
        RedisConfig.Builder b = RedisConfig.builder().host(Trust.HOST).port(port(mode));
        return (mode.equals("TLS") ? b.tls(Trust.loomwire()) : b).build();
    }

    static PoolSettings poolSettings() {
        return PoolSettings.builder().maxSize(POOL_SIZE).minIdle(POOL_SIZE).acquireTimeout(Duration.ofSeconds(60)).build();
    }

    private HostAndPort hostAndPort(String mode) {
        return new HostAndPort(Trust.HOST, port(mode));
    }

    private JedisClientConfig jedisConfig(String mode) {
        return mode.equals("TLS") ? jedisTls(10_000) : DefaultJedisClientConfig.builder().timeoutMillis(10_000).build();
    }

    private JedisClientConfig jedisTls(int timeoutMillis) {
        return DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis).ssl(true)
                .sslSocketFactory(jdkContext.getSocketFactory()).sslParameters(Trust.verifyHost()).build();
    }

    private JedisClientConfig jedisSslOptionsConfig() {
        redis.clients.jedis.SslOptions options = redis.clients.jedis.SslOptions.builder()
                .truststore(TestCerts.file("truststore.jks").toFile(), TestCerts.password())
                .trustStoreType("JKS")
                .sslVerifyMode(redis.clients.jedis.SslVerifyMode.FULL).build();
        return DefaultJedisClientConfig.builder().timeoutMillis(10_000).ssl(true).sslOptions(options).build();
    }

    private io.lettuce.core.RedisClient lettuce(String mode) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(lettuceResources);
        ClientOptions.Builder options = ClientOptions.builder();
        if (mode.equals("TLS")) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(TestCerts.file("ca.crt").toFile()).build());
        }
        client.setOptions(options.build());
        lettuceClients.add(client);
        return client;
    }

    private RedisURI lettuceUri(String mode) {
        RedisURI.Builder b = RedisURI.builder().withHost(Trust.HOST).withPort(port(mode)).withTimeout(Duration.ofSeconds(10));
        if (mode.equals("TLS")) {
            b.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
        }
        return b.build();
    }

    @Override
    public void close() {
        for (io.lettuce.core.RedisClient c : lettuceClients) {
            try {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // best effort at the end of the run
            }
        }
        lettuceResources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Each virtual thread alternates SET and GET on its own key through the shared client. */
    private static Subject setGetWorkload(RedisClient client) throws Exception {
        return setGet("bench:vt:", key -> client.set(key, VALUE_16), client::get, client::close);
    }

    static final String VALUE_16 = "0123456789abcdef";

    interface KeyOp {
        void run(String key) throws Exception;
    }

    /** {@value #THREADS} virtual threads, thread {@code i} alternating {@code set} and {@code get} on the key {@code prefix + i}. */
    static Subject setGet(String prefix, KeyOp set, KeyOp get, Closer closer) throws Exception {
        return concurrent(i -> {
            String key = prefix + i;
            return n -> {
                if ((n & 1) == 0) {
                    set.run(key);
                } else {
                    get.run(key);
                }
            };
        }, closer);
    }
}
