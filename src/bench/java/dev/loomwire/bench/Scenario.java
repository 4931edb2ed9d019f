package dev.loomwire.bench;

/**
 * A benchmark scenario: its group (redis, pg, tls), a row title, the unit of its value and
 * whether a higher value is better; iterations per repetition for the full and the quick run.
 * {@code slices} > 1 splits each repetition into that many shorter ones, so the subjects take
 * turns more often: single-connection latency on two shared cores flips between modes (which
 * core the server and the client land on), and finer turns let every driver see both.
 */
record Scenario(String group, String title, String unit, boolean higherIsBetter, int iterations, int quickIterations, int slices) {
    Scenario(String group, String title, String unit, boolean higherIsBetter, int iterations, int quickIterations) {
        this(group, title, unit, higherIsBetter, iterations, quickIterations, 1);
    }

    int iterations(boolean quick) {
        return Math.max(1, (quick ? quickIterations : iterations) / slices);
    }
}
