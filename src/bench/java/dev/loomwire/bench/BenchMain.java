package dev.loomwire.bench;

import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./loomwire bench [--quick] [--only redis|cluster|pg|jdbc|tls[,...]] [--reps N] [--match TEXT]}: starts the local
 * TLS servers through the test harness, runs every scenario for loomwire and its peers (Jedis,
 * Lettuce, pgjdbc + HikariCP, redis-benchmark, pgbench; loomwire's JDBC driver against pgjdbc, both
 * behind HikariCP) plain and TLS, and writes
 * {@code target/bench/report.md}, {@code report.svg} and {@code results.csv}.
 */
public final class BenchMain {
    /** The groups of scenarios {@code --only} chooses from; all run by default. */
    static final List<String> GROUPS = List.of("redis", "cluster", "pg", "jdbc", "tls");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int reps = 5;
        String match = null;
        Set<String> only = new LinkedHashSet<>(GROUPS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--match" -> match = value(args, ++i, "--match");
                case "--reps" -> reps = Integer.parseInt(value(args, ++i, "--reps"));
                case "--only" -> {
                    only = new LinkedHashSet<>(List.of(value(args, ++i, "--only").split(",")));
                    for (String g : only) {
                        if (!GROUPS.contains(g)) {
                            usage("unknown group \"" + g + "\" for --only: expected one of " + String.join(", ", GROUPS));
                        }
                    }
                }
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument \"" + args[i] + "\"");
            }
        }
        if (reps < 1) {
            usage("--reps must be at least 1");
        }
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        out.printf("loomwire bench: %s run, %d repetitions per subject, groups %s%n", quick ? "quick" : "full", reps, only);
        out.println("starting the local servers (PostgreSQL 15, PostgreSQL 18, Redis) ...");
        TestServers.redis();
        out.printf("servers ready after %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());

        Runner runner = new Runner(quick, reps, match, out);
        List<String> notes = new ArrayList<>();
        if (only.contains("redis")) {
            try (RedisSuite redis = new RedisSuite()) {
                redis.runAll(runner);
            }
        }
        if (only.contains("cluster")) {
            try (ClusterSuite cluster = new ClusterSuite()) {
                cluster.runAll(runner);
            }
        }
        if (only.contains("pg")) {
            PgSuites.runAll(runner, notes);
        }
        if (only.contains("jdbc")) {
            JdbcSuite.runAll(runner);
        }
        if (only.contains("tls")) {
            TlsSuite.runAll(runner, notes);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<String> header = List.of(
                String.format(Locale.ROOT, "Run: %s, `./loomwire bench%s`, %s run, %d repetitions per subject (plus one warm-up; sliced latency scenarios take more, shorter turns: see Reps), took %d s.",
                        Instant.now().toString().substring(0, 19) + "Z", String.join(" ", args).isEmpty() ? "" : " " + String.join(" ", args),
                        quick ? "quick" : "full", reps, took.toSeconds()),
                String.format(Locale.ROOT, "Machine: %d CPUs, %s %s, Java %s (%s), heap max %d MiB. Servers: loopback, started by the test harness.",
                        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                        System.getProperty("java.version"), System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20),
                "Drivers: " + Versions.describe() + ".",
                "TLS everywhere: TLS 1.3 as negotiated, trust = the test root CA (`ca.crt`), host name `localhost` verified"
                        + " (full verification) by every Java driver; the C tools verify the chain (redis-benchmark does not check host names; pgbench uses sslmode=verify-full).",
                "Redis Cluster: the harness's TLS-only cluster of 3 primaries + 3 replicas (Redis 7), nodes announcing nodeN.cluster.test, each verified against its own certificate.",
                "PostgreSQL: the harness's PostgreSQL 18, database loomwire, user loomwire (SCRAM-SHA-256); pgbench is PostgreSQL 15's.",
                "Every measured call runs on a virtual thread; subjects of one scenario take turns repetition by repetition.",
                "Client costs per operation: CPU from " + ProcessCpu.source() + ", allocation from ThreadMXBean.getTotalThreadAllocatedBytes()"
                        + " (all threads), both read around each repetition's timed loop.");
        Report report = new Report(runner.results(), Targets.all(only), header, notes);
        Path dir = TestCerts.targetDir().resolve("bench");
        report.write(dir);
        out.println();
        out.println(report.markdown());
        out.printf("wrote %s, %s and %s in %d s%n", dir.resolve("report.md"), dir.resolve("report.svg"), dir.resolve("results.csv"), took.toSeconds());
        System.exit(0);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("loomwire bench: " + problem);
        }
        System.err.println("usage: ./loomwire bench [--quick] [--only redis|cluster|pg|jdbc|tls[,...]] [--reps N] [--match TEXT]");
        System.exit(problem == null ? 0 : 2);
    }
}
