package dev.loomwire.bench;

/**
 * A benchmark scenario: its group (redis, pg, tls), a row title, the unit of its value and
 * whether a higher value is better; iterations per repetition for the full and the quick run.
 */
record Scenario(String group, String title, String unit, boolean higherIsBetter, int iterations, int quickIterations) {
    int iterations(boolean quick) {
        return quick ? quickIterations : iterations;
    }
}
