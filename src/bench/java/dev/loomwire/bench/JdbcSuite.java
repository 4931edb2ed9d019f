package dev.loomwire.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * Issue 11's JDBC scenarios: loomwire's JDBC driver against pgjdbc, both behind HikariCP with the
 * same pool size, plain and TLS (verify-full), on the harness's PostgreSQL 18: a prepared
 * {@code SELECT}, a 200,000-row read and a 1,000-row {@code executeBatch} insert. Every scenario
 * also reports the client's CPU time and bytes allocated per operation (per row for the read and
 * the insert).
 */
final class JdbcSuite {
    static final String LOOMWIRE_JDBC = "loomwire JDBC + HikariCP";
    static final String PGJDBC = "pgjdbc + HikariCP";
    static final int POOL_SIZE = 4;
    static final int ROWS = PgSuites.ROWS;
    static final int BATCH_ROWS = 1_000;

    static final Scenario SELECT = new Scenario("jdbc", "JDBC prepared SELECT via HikariCP", "µs", false, 6_000, 1_500, 4);
    static final Scenario READ = new Scenario("jdbc", "JDBC read 200,000 rows via HikariCP", "rows/s", true, 3, 1);
    static final Scenario BATCH = new Scenario("jdbc", "JDBC executeBatch 1,000-row INSERT via HikariCP", "rows/s", true, 40, 10);

    private JdbcSuite() {}

    /** Issue 11: per-operation CPU and allocation ≤ pgjdbc's, batch insert ≥ 2× pgjdbc (one round trip). */
    static List<Target> targets() {
        List<Target> t = new java.util.ArrayList<>();
        for (String mode : List.of("plain", "TLS")) {
            t.add(vs("JDBC batch insert ≥ 2× pgjdbc (" + mode + ")", BATCH, mode, 2.0, true));
            for (Scenario s : List.of(SELECT, READ, BATCH)) {
                String what = (s == SELECT ? "prepared SELECT" : s == READ ? "read (per row)" : "executeBatch (per row)") + " (" + mode + ")";
                String cpu = "JDBC client CPU per op ≤ pgjdbc, " + what;
                String bytes = "JDBC bytes allocated per op ≤ pgjdbc, " + what;
                t.add(Target.cpu(cpu, s, mode, PGJDBC, 1.0).as(LOOMWIRE_JDBC, cpu));
                t.add(Target.bytes(bytes, s, mode, PGJDBC, 1.0).as(LOOMWIRE_JDBC, bytes));
            }
        }
        return t;
    }

    private static Target vs(String text, Scenario s, String mode, double threshold, boolean atLeast) {
        return Target.vs(text, s, mode, PGJDBC, threshold, atLeast).as(LOOMWIRE_JDBC, text);
    }

    static void runAll(Runner runner) {
        PgServer pg = TestServers.pg18();
        pg.psql("loomwire", "DROP TABLE IF EXISTS bench_rows; CREATE TABLE bench_rows(id int, name text, v float8);"
                + " INSERT INTO bench_rows SELECT g, 'row number ' || g, g * 1.5 FROM generate_series(1, " + ROWS + ") g;"
                + " DROP TABLE IF EXISTS bench_jdbc_insert; CREATE UNLOGGED TABLE bench_jdbc_insert(id int, name text);"
                + " ALTER TABLE bench_rows OWNER TO loomwire; ALTER TABLE bench_jdbc_insert OWNER TO loomwire;");
        for (String mode : List.of("plain", "TLS")) {
            String loomwireUrl = "jdbc:loomwire:" + PgSuites.jdbcUrl(pg, mode).substring("jdbc:".length());
            String pgjdbcUrl = PgSuites.jdbcUrl(pg, mode);
            runner.run(SELECT, mode, List.of(
                    candidate(LOOMWIRE_JDBC, loomwireUrl, JdbcSuite::select, "server-prepared through the statement cache"),
                    candidate(PGJDBC, pgjdbcUrl, JdbcSuite::select, "server-prepared after 5 uses (prepareThreshold)")));
            runner.run(READ, mode, List.of(
                    candidate(LOOMWIRE_JDBC, loomwireUrl, JdbcSuite::read, "default fetch size (whole result)"),
                    candidate(PGJDBC, pgjdbcUrl, JdbcSuite::read, "default fetch size (whole result)")));
            runner.run(BATCH, mode, List.of(
                    candidate(LOOMWIRE_JDBC, loomwireUrl, JdbcSuite::batch,
                            "addBatch ×1,000 then executeBatch, auto-commit: one pipelined round trip"),
                    candidate(PGJDBC, pgjdbcUrl, JdbcSuite::batch,
                            "addBatch ×1,000 then executeBatch, auto-commit (reWriteBatchedInserts off, the default)")));
        }
    }

    /** What one repetition does with the pool: n operations (SELECT), n reads, or n batches. */
    @FunctionalInterface
    private interface Work {
        Sample rep(HikariDataSource pool, int n) throws Exception;
    }

    private static Runner.Candidate candidate(String driver, String url, Work work, String note) {
        return new Runner.Candidate(driver, () -> {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(url);
            hc.setMaximumPoolSize(POOL_SIZE);
            hc.setMinimumIdle(POOL_SIZE);
            hc.setConnectionTimeout(60_000);
            hc.setPoolName(driver);
            HikariDataSource pool = new HikariDataSource(hc);
            return new Subject() {
                public Sample rep(int n) throws Exception {
                    return work.rep(pool, n);
                }

                public void close() {
                    pool.close();
                }
            };
        }, note + "; HikariCP pool of " + POOL_SIZE);
    }

    /** Borrow, prepare {@code SELECT ?::int}, bind, execute, read, return: as a JdbcTemplate call does. */
    private static Sample select(HikariDataSource pool, int n) throws Exception {
        int[] i = {0};
        return Measure.latency(n, () -> {
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT ?::int")) {
                ps.setInt(1, ++i[0]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expect(rs.getInt(1), i[0]);
                }
            }
        });
    }

    private static Sample read(HikariDataSource pool, int n) throws Exception {
        return Measure.throughput(n, ROWS, () -> {
            long sum = 0;
            long rows = 0;
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT id, name, v FROM bench_rows");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getInt(1) + rs.getString(2).length() + (long) rs.getDouble(3);
                    rows++;
                }
            }
            expect(rows, ROWS);
            if (sum == 0) {
                throw new IllegalStateException("nothing read");
            }
        });
    }

    private static Sample batch(HikariDataSource pool, int n) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE bench_jdbc_insert");
        }
        int[] base = {0};
        return Measure.throughput(n, BATCH_ROWS, () -> {
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO bench_jdbc_insert (id, name) VALUES (?, ?)")) {
                for (int i = 0; i < BATCH_ROWS; i++) {
                    ps.setInt(1, base[0] + i);
                    ps.setString(2, "name " + (base[0] + i));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                expect(counts.length, BATCH_ROWS);
            }
            base[0] += BATCH_ROWS;
        });
    }

    private static void expect(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + got);
        }
    }
}
