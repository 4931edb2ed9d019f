package dev.loomwire.bench;

/**
 * One report row: the medians over repetitions of a subject's value, of its p99 latency, of the
 * client's CPU µs per operation and of the bytes it allocated per operation (NaN where not
 * measured, e.g. for external tools), or a note saying why there is no number.
 */
record Result(Scenario scenario, String mode, String driver, double median, double p99Micros, double cpuMicrosPerOp,
              double bytesPerOp, int reps, String note) {
    boolean measured() {
        return !Double.isNaN(median);
    }

    static Result failed(Scenario scenario, String mode, String driver, String why) {
        return new Result(scenario, mode, driver, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, why);
    }
}
