package dev.loomwire.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The PostgreSQL scenarios for loomwire and pgjdbc (+ HikariCP for the pooled case), plain and
 * TLS (sslmode=verify-full, sslrootcert=ca.crt, host localhost), against the harness's PostgreSQL
 * 18 as user loomwire (SCRAM-SHA-256); pgbench is the C reference.
 */
final class PgSuites {
    static final String PGJDBC = "pgjdbc";
    static final int THREADS = 200;
    static final String PGJDBC_HIKARI = PGJDBC + " + HikariCP";
    static final String PGJDBC_REWRITE = "pgjdbc (reWriteBatchedInserts)";
    static final String LOOMWIRE_MULTI_ROW = "loomwire (multi-row INSERT)";
    static final int POOL_SIZE = 16;
    static final int ROWS = 200_000;
    static final int INSERT_ROWS = 100_000;
    static final int BATCH_ROWS = 1_000;
    static final String INSERT_SQL = "INSERT INTO bench_insert (id, name) VALUES ($1, $2)";

    static final Scenario CONNECT = new Scenario("pg", "connect (SCRAM)", "µs", false, 100, 30);
    static final Scenario SELECT1 = new Scenario("pg", "prepared SELECT 1", "µs", false, 6_000, 1_500, 4);
    static final Scenario READ = new Scenario("pg", "read 200,000 rows", "rows/s", true, 3, 1);
    static final Scenario COPY = new Scenario("pg", "COPY 100,000 rows in", "rows/s", true, 2, 1);
    static final Scenario BATCH = new Scenario("pg", "batch INSERT 1,000 rows", "rows/s", true, 30, 8);
    static final Scenario POOLED = new Scenario("pg", "200 virtual threads SELECT via pool", "queries/s", true, 50, 15);
    static final Scenario POOLED_1000 = new Scenario("pg", "1,000 virtual threads SELECT via pool", "queries/s", true, 10, 3);

    private PgSuites() {}

    /** Issues 6 and 12: latency and rate against pgjdbc, bytes per operation (plain), the pool, the pipelined batch. */
    static List<Target> targets() {
        List<Target> t = new ArrayList<>(List.of(
                Target.vs("PG SELECT 1 ≤ 0.8× pgjdbc (plain)", SELECT1, "plain", PGJDBC, 0.8, false),
                Target.vs("PG SELECT 1 ≤ 0.8× pgjdbc (TLS)", SELECT1, "TLS", PGJDBC, 0.8, false),
                Target.vs("PG 200k rows ≥ 1.25× pgjdbc (plain)", READ, "plain", PGJDBC, 1.25, true),
                Target.vs("PG 200k rows ≥ 1.25× pgjdbc (TLS)", READ, "TLS", PGJDBC, 1.25, true),
                Target.tlsOverPlain("PG TLS/plain per-op latency (SELECT 1) ≤ 1.15×", SELECT1, 1.15),
                Target.bytes("PG prepared SELECT bytes allocated ≤ 0.5× pgjdbc (plain)", SELECT1, "plain", PGJDBC, 0.5),
                Target.bytes("PG bytes allocated per row of a large read ≤ 0.75× pgjdbc (plain)", READ, "plain", PGJDBC, 0.75)));
        for (String mode : List.of("plain", "TLS")) {
            t.add(Target.vs("PG pool, " + THREADS + " threads / " + POOL_SIZE + " connections: throughput ≥ 1.25× HikariCP + pgjdbc (" + mode + ")",
                    POOLED, mode, PGJDBC_HIKARI, 1.25, true));
            t.add(Target.cpu("PG pool, " + THREADS + " threads / " + POOL_SIZE + " connections: CPU per query ≤ 0.8× HikariCP + pgjdbc (" + mode + ")",
                    POOLED, mode, PGJDBC_HIKARI, 0.8));
        }
        for (String mode : List.of("plain", "TLS")) {
            t.add(Target.vs("PG batch INSERT of 1,000 rows ≥ 2× pgjdbc executeBatch (" + mode + ")", BATCH, mode, PGJDBC, 2.0, true));
            t.add(Target.vs("PG batch INSERT of 1,000 rows ≥ 2× pgjdbc executeBatch, reWriteBatchedInserts=true (" + mode + ")",
                    BATCH, mode, PGJDBC_REWRITE, 2.0, true));
        }
        return t;
    }

    static void runAll(Runner runner, List<String> notes) {
        PgServer pg = TestServers.pg18();
        pg.psql("loomwire", "DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows(id int, name text, v float8);"
                + " INSERT INTO bench_rows SELECT g, 'row number ' || g, g * 1.5 FROM generate_series(1, " + ROWS + ") g;"
                + " DROP TABLE IF EXISTS bench_insert; CREATE UNLOGGED TABLE bench_insert(id int, name text);"
                + " GRANT ALL ON bench_rows, bench_insert TO loomwire; ALTER TABLE bench_rows OWNER TO loomwire; ALTER TABLE bench_insert OWNER TO loomwire;");
        for (String mode : List.of("plain", "TLS", "TLS direct")) {
            PgConfig cfg = PgConfig.parse(conninfo(pg, mode), Map.of());
            String url = jdbcUrl(pg, mode);
            runner.run(CONNECT, mode, List.of(
                    candidate(RedisSuite.LOOMWIRE, () -> latency(() -> PgConnection.connect(cfg).close()), ""),
                    candidate(PGJDBC, () -> latency(() -> DriverManager.getConnection(url).close()),
                            mode.startsWith("TLS") ? "builds an SSLContext per connection (LibPQFactory)" : "")));
        }
        for (String mode : List.of("plain", "TLS")) {
            PgConfig cfg = PgConfig.parse(conninfo(pg, mode), Map.of());
            String url = jdbcUrl(pg, mode);
            runner.run(SELECT1, mode, List.of(
                    candidate(RedisSuite.LOOMWIRE, () -> {
                        PgConnection c = PgConnection.connect(cfg);
                        return latency(() -> c.query("SELECT 1").single(), c::close);
                    }, "query(\"SELECT 1\"): cached prepared statement"),
                    candidate(PGJDBC, () -> {
                        Connection c = DriverManager.getConnection(url);
                        PreparedStatement ps = c.prepareStatement("SELECT 1");
                        return latency(() -> {
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                rs.getInt(1);
                            }
                        }, c::close);
                    }, "one PreparedStatement, server-prepared after 5 uses"),
                    candidate(Pgbench.NAME, () -> Pgbench.subject(pg, mode, 1, n -> n), "-M prepared -c 1, script SELECT 1; mean latency")));
            runner.run(READ, mode, List.of(
                    candidate(RedisSuite.LOOMWIRE, () -> {
                        PgConnection c = PgConnection.connect(cfg);
                        return throughput(ROWS, () -> {
                            long[] sum = {0};
                            long n = c.stream("SELECT id, name, v FROM bench_rows", List.of(), r -> {
                                sum[0] += r.getInt(0) + r.getString(1).length() + (long) r.getDouble(2);
                            });
                            expect(n, ROWS);
                        }, c::close);
                    }, "stream(): rows handed over as they arrive"),
                    candidate(PGJDBC, () -> {
                        Connection c = DriverManager.getConnection(url);
                        return throughput(ROWS, () -> {
                            long sum = 0;
                            long n = 0;
                            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, v FROM bench_rows");
                                 ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    sum += rs.getInt(1) + rs.getString(2).length() + (long) rs.getDouble(3);
                                    n++;
                                }
                            }
                            expect(n, ROWS);
                        }, c::close);
                    }, "default fetch size (whole result, as most code runs it)")));
            byte[] copyData = copyData();
            runner.run(COPY, mode, List.of(
                    candidate(RedisSuite.LOOMWIRE, () -> {
                        PgConnection c = PgConnection.connect(cfg);
                        return throughput(INSERT_ROWS, () -> {
                            c.execute("TRUNCATE bench_insert");
                            expect(c.copyIn("COPY bench_insert (id, name) FROM STDIN", new ByteArrayInputStream(copyData)), INSERT_ROWS);
                        }, c::close);
                    }, "copyIn(InputStream), text format; includes TRUNCATE"),
                    candidate(PGJDBC, () -> {
                        Connection c = DriverManager.getConnection(url);
                        return throughput(INSERT_ROWS, () -> {
                            try (var st = c.createStatement()) {
                                st.execute("TRUNCATE bench_insert");
                            }
                            expect(c.unwrap(PGConnection.class).getCopyAPI()
                                    .copyIn("COPY bench_insert (id, name) FROM STDIN", new ByteArrayInputStream(copyData)), INSERT_ROWS);
                        }, c::close);
                    }, "CopyManager.copyIn(InputStream); includes TRUNCATE")));
            runner.run(BATCH, mode, List.of(
                    candidate(RedisSuite.LOOMWIRE, () -> {
                        PgConnection c = PgConnection.connect(cfg);
                        return batchInsert(c::execute, base -> {
                            List<List<Object>> rows = new ArrayList<>(BATCH_ROWS);
                            for (int i = 0; i < BATCH_ROWS; i++) {
                                rows.add(List.of(base + i, "name " + (base + i)));
                            }
                            expect(c.executeBatch(INSERT_SQL, rows).orThrow().updateCounts().length, BATCH_ROWS);
                        }, c::close);
                    }, "executeBatch(sql, 1,000 parameter sets), auto-commit: Bind/Execute per row and one Sync, written once"),
                    candidate(PGJDBC, () -> pgjdbcBatchInsert(url), "addBatch ×1,000 then executeBatch, auto-commit (reWriteBatchedInserts=false, the default)"),
                    candidate(PGJDBC_REWRITE, () -> pgjdbcBatchInsert(url + "&reWriteBatchedInserts=true"),
                            "addBatch ×1,000 then executeBatch, auto-commit, reWriteBatchedInserts=true (multi-row VALUES)"),
                    candidate(LOOMWIRE_MULTI_ROW, () -> {
                        PgConnection c = PgConnection.connect(cfg);
                        String sql = multiRowInsert(BATCH_ROWS);
                        Object[] params = new Object[2 * BATCH_ROWS];
                        return batchInsert(c::execute, base -> {
                            for (int i = 0; i < BATCH_ROWS; i++) {
                                params[2 * i] = base + i;
                                params[2 * i + 1] = "name " + (base + i);
                            }
                            expect(c.execute(sql, params), BATCH_ROWS);
                        }, c::close);
                    }, "no batch API: one INSERT with 1,000 VALUES rows (2,000 parameters), auto-commit")));
            pooled(runner, POOLED, THREADS, pg, mode, cfg, url);
            pooled(runner, POOLED_1000, 1_000, pg, mode, cfg, url);
        }
        if (runner.wanted(BATCH)) {
            notes.add("batch INSERT 1,000 rows: every row of executeBatch (loomwire's, and pgjdbc's without reWriteBatchedInserts)"
                    + " is its own Bind/Execute, which the server runs one by one (a portal, an executor start-up and a CommandComplete"
                    + " per row); compare the client CPU per row with the rate to see how much of a row's time is the client's."
                    + " reWriteBatchedInserts and the multi-row INSERT send one statement per 1,000 rows.");
        }
    }

    /** {@code threads} virtual threads, each running {@code SELECT $1::int} through a pool of {@value #POOL_SIZE}. */
    private static void pooled(Runner runner, Scenario s, int threads, PgServer pg, String mode, PgConfig cfg, String url) {
        runner.run(s, mode, List.of(
                candidate(RedisSuite.LOOMWIRE, () -> {
                    PgPool pool = PgPool.create(cfg, PoolSettings.builder().maxSize(POOL_SIZE).minIdle(POOL_SIZE)
                            .acquireTimeout(Duration.ofSeconds(60)).build(), Duration.ZERO);
                    return RedisSuite.concurrent(threads, i -> n -> pool.query("SELECT $1::int", n).single(), pool::close);
                }, "PgPool, " + POOL_SIZE + " connections"),
                candidate(PGJDBC_HIKARI, () -> {
                    HikariConfig hc = new HikariConfig();
                    hc.setJdbcUrl(url);
                    hc.setMaximumPoolSize(POOL_SIZE);
                    hc.setMinimumIdle(POOL_SIZE);
                    hc.setConnectionTimeout(60_000);
                    HikariDataSource ds = new HikariDataSource(hc);
                    return RedisSuite.concurrent(threads, i -> n -> {
                        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
                            ps.setInt(1, n);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                    }, ds::close);
                }, "HikariCP pool of " + POOL_SIZE),
                candidate(Pgbench.NAME, () -> Pgbench.subject(pg, mode, POOL_SIZE, n -> n * threads),
                        "-M prepared -c " + POOL_SIZE + " -j 2, script SELECT 1")));
    }

    /**
     * {@value #BATCH_ROWS}-row batches into an emptied {@code bench_insert}, with ids going on
     * across batches; the TRUNCATE runs before the timed loop.
     */
    private static Subject batchInsert(SqlRunner truncate, RedisSuite.IntOp batch, RedisSuite.Closer closer) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                truncate.execute("TRUNCATE bench_insert");
                int[] base = {0};
                return Measure.throughput(n, BATCH_ROWS, () -> {
                    batch.run(base[0]);
                    base[0] += BATCH_ROWS;
                });
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    private static Subject pgjdbcBatchInsert(String url) throws Exception {
        Connection c = DriverManager.getConnection(url);
        return batchInsert(sql -> {
            try (var st = c.createStatement()) {
                return st.executeUpdate(sql);
            }
        }, base -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_insert (id, name) VALUES (?, ?)")) {
                for (int i = 0; i < BATCH_ROWS; i++) {
                    ps.setInt(1, base + i);
                    ps.setString(2, "name " + (base + i));
                    ps.addBatch();
                }
                expect(ps.executeBatch().length, BATCH_ROWS);
            }
        }, c::close);
    }

    @FunctionalInterface
    private interface SqlRunner {
        long execute(String sql) throws Exception;
    }

    private static String multiRowInsert(int rows) {
        StringBuilder sb = new StringBuilder("INSERT INTO bench_insert (id, name) VALUES ");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ", ").append("($").append(2 * i + 1).append("::int, $").append(2 * i + 2).append("::text)");
        }
        return sb.toString();
    }

    private static byte[] copyData() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < INSERT_ROWS; i++) {
            sb.append(i).append('\t').append("name ").append(i).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String conninfo(PgServer pg, String mode) {
        String base = "host=" + Trust.HOST + " port=" + pg.port() + " dbname=loomwire user=" + PgServer.USER
                + " password=" + PgServer.PASSWORD;
        return switch (mode) {
            case "plain" -> base + " sslmode=disable";
            case "TLS" -> base + " sslmode=verify-full sslrootcert=" + TestCerts.file("ca.crt");
            default -> base + " sslmode=verify-full sslnegotiation=direct sslrootcert=" + TestCerts.file("ca.crt");
        };
    }

    static String jdbcUrl(PgServer pg, String mode) {
        String base = "jdbc:postgresql://" + Trust.HOST + ":" + pg.port() + "/loomwire?user=" + PgServer.USER
                + "&password=" + PgServer.PASSWORD;
        return switch (mode) {
            case "plain" -> base + "&sslmode=disable";
            case "TLS" -> base + "&sslmode=verify-full&sslrootcert=" + TestCerts.file("ca.crt");
            default -> base + "&sslmode=verify-full&sslNegotiation=direct&sslrootcert=" + TestCerts.file("ca.crt");
        };
    }

    private static Runner.Candidate candidate(String driver, Runner.Opener opener, String note) {
        return new Runner.Candidate(driver, opener, note);
    }

    private static Subject latency(Op op) {
        return latency(op, () -> {});
    }

    private static Subject latency(Op op, RedisSuite.Closer closer) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                return Measure.latency(n, op);
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    private static Subject throughput(int opsPerBatch, Op batch, RedisSuite.Closer closer) {
        return new Subject() {
            public Sample rep(int n) throws Exception {
                return Measure.throughput(n, opsPerBatch, batch);
            }

            public void close() throws Exception {
                closer.close();
            }
        };
    }

    private static void expect(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("expected " + expected + " rows, got " + got);
        }
    }
}
