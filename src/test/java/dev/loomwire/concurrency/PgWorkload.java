package dev.loomwire.concurrency;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgPool;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The concurrency suite's PostgreSQL workload: many virtual threads, each with its own rows,
 * running queries, updates, parameter echoes and transactions through one shared {@link PgPool},
 * checking that every result is its own.
 */
final class PgWorkload {
    private PgWorkload() {}

    /** Mismatches (a result that belongs to someone else or is wrong) and failures (exceptions). */
    record Result(int threads, int statements, List<String> mismatches, List<Throwable> failures, Duration took) {
        String summary() {
            return threads + " threads, " + statements + " statements in " + took.toMillis() + " ms, "
                    + mismatches.size() + " mismatches, " + failures.size() + " failures"
                    + (mismatches.isEmpty() ? "" : "; first mismatch: " + mismatches.get(0))
                    + (failures.isEmpty() ? "" : "; first failure: " + failures.get(0));
        }
    }

    /** Verify-full TLS as user loomwire, with an empty HOME and no PG* variables; {@code port} may be a proxy's. */
    static PgConfig config(PgServer s, int port, String extra) {
        return PgConfig.builder().environment(Map.of("HOME", EmptyHome.DIR.toString(), "USER", "nobody"))
                .conninfo("host=localhost port=" + port + " user=" + PgServer.USER + " password=" + PgServer.PASSWORD
                        + " dbname=loomwire connect_timeout=10 sslmode=verify-full sslrootcert=" + TestCerts.file("ca.crt") + " " + extra)
                .build();
    }

    private static final class EmptyHome {
        static final Path DIR = create();

        private static Path create() {
            try {
                Path p = Files.createTempDirectory("loomwire-home");
                p.toFile().deleteOnExit();
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Creates {@code table (id text primary key, value text, n int)}. */
    static void createTable(PgPool pool, String table) {
        pool.execute("CREATE TABLE IF NOT EXISTS " + table + " (id text PRIMARY KEY, value text NOT NULL, n int NOT NULL DEFAULT 0)");
    }

    static Result run(PgPool pool, String table, int threads, String prefix) throws InterruptedException {
        AtomicInteger statements = new AtomicInteger();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        List<Thread> all = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            String me = prefix + ":" + i;
            all.add(Thread.ofVirtual().name("pg-workload-" + i).start(() -> {
                try {
                    oneCaller(pool, table, me, mismatches);
                    statements.addAndGet(8);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        return new Result(threads, statements.get(), List.copyOf(mismatches), List.copyOf(failures),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void oneCaller(PgPool pool, String table, String me, ConcurrentLinkedQueue<String> mismatches) {
        String value = "value-of-" + me;
        check(mismatches, me, "INSERT", 1L, pool.execute("INSERT INTO " + table + " (id, value) VALUES ($1, $2)", me, value));
        check(mismatches, me, "SELECT", value, pool.query("SELECT value FROM " + table + " WHERE id = $1", me).single().getString(0));
        check(mismatches, me, "echo", me, pool.query("SELECT $1::text", me).single().getString(0));
        check(mismatches, me, "UPDATE RETURNING", me + "/1",
                pool.query("UPDATE " + table + " SET n = n + 1 WHERE id = $1 RETURNING id || '/' || n", me).single().getString(0));
        String inTx = pool.inTransaction(c -> {
            c.execute("UPDATE " + table + " SET value = $2 WHERE id = $1", me, value + "!");
            return c.query("SELECT value FROM " + table + " WHERE id = $1", me).single().getString(0);
        });
        check(mismatches, me, "transaction", value + "!", inTx);
        check(mismatches, me, "pid is a number", Boolean.TRUE, pool.query("SELECT pg_backend_pid()").single().getInt(0) > 0);
        check(mismatches, me, "DELETE", 1L, pool.execute("DELETE FROM " + table + " WHERE id = $1", me));
    }

    private static void check(ConcurrentLinkedQueue<String> mismatches, String me, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            mismatches.add(me + " " + what + ": expected " + expected + " but got " + actual);
        }
    }
}
