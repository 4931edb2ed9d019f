package dev.loomwire.bench;

import java.util.List;

/** The PostgreSQL scenarios: waiting for the PostgreSQL driver (branch pg) to reach main. */
final class PgSuites {
    static final Scenario SELECT1 = new Scenario("pg", "prepared SELECT 1", "µs", false, 20_000, 3_000);
    static final Scenario ROWS = new Scenario("pg", "read 200,000 rows", "rows/s", true, 10, 3);
    static final String PENDING = "the PostgreSQL driver is not on main yet";

    private PgSuites() {}

    static void runAll(Runner runner, List<String> notes) {
        notes.add("PostgreSQL scenarios: not run, " + PENDING + ".");
    }

    static List<Target> targets() {
        return List.of(
                Target.vs("PG SELECT 1 ≤ 0.8× pgjdbc (plain)", SELECT1, "plain", "pgjdbc", 0.8, false).pending(PENDING),
                Target.vs("PG 200k rows ≥ 1.25× pgjdbc (plain)", ROWS, "plain", "pgjdbc", 1.25, true).pending(PENDING),
                Target.tlsOverPlain("PG TLS/plain per-op latency (SELECT 1) ≤ 1.15×", SELECT1, 1.15).pending(PENDING));
    }
}
