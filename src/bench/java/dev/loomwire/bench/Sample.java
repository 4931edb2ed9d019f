package dev.loomwire.bench;

/**
 * What one repetition of one subject measured: its value in the scenario's unit (latency in µs,
 * throughput in operations or bytes per second, memory per connection), the 99th percentile of
 * the per-operation (or per-batch) latency in µs (NaN when the scenario has none), how many
 * operations ran, and what this JVM spent on them ({@link Measure.Costs}, taken around the timed
 * loop only, so histograms and thread start-up stay out). An operation is one timed call for
 * latency scenarios and one unit of the rate for throughput scenarios (a row for rows/s, a GET for
 * GET/s, a MB for MB/s). {@code spent} is null only for {@link #external} readings: work done in
 * another process (pgbench, redis-benchmark), about which this JVM's costs say nothing.
 */
record Sample(double value, double p99Micros, double operations, Measure.Costs spent) {
    Sample {
        if (spent != null && !(operations > 0)) {
            throw new IllegalArgumentException("a measured sample needs operations > 0, got " + operations);
        }
    }

    /** A reading of an external tool: the client's costs are not this JVM's. */
    static Sample external(double value, double p99Micros) {
        return new Sample(value, p99Micros, 0, null);
    }

    /** Client CPU µs per operation, NaN for external readings. */
    double cpuMicrosPerOp() {
        return spent == null ? Double.NaN : spent.cpuNanos() / 1000.0 / operations;
    }

    /** Bytes allocated per operation by all of this JVM's threads, NaN for external readings. */
    double bytesPerOp() {
        return spent == null ? Double.NaN : spent.allocatedBytes() / operations;
    }
}
