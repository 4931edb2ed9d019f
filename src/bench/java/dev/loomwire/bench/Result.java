package dev.loomwire.bench;

/**
 * One report row: the median over repetitions of a subject's value and of its p99 latency, or
 * a note saying why there is no number.
 */
record Result(Scenario scenario, String mode, String driver, double median, double p99Micros, int reps, String note) {
    boolean measured() {
        return !Double.isNaN(median);
    }

    static Result failed(Scenario scenario, String mode, String driver, String why) {
        return new Result(scenario, mode, driver, Double.NaN, Double.NaN, 0, why);
    }
}
