package dev.loomwire.bench;

/**
 * What one repetition of one subject measured: its value in the scenario's unit (latency in µs,
 * throughput in operations or bytes per second, memory per connection) and the 99th percentile
 * of the per-operation (or per-batch) latency in µs, NaN when the scenario has none; for subjects
 * wrapped by {@link Measure#withCosts}, also the client's CPU time (µs) and heap allocation
 * (bytes) per operation, otherwise NaN.
 */
record Sample(double value, double p99Micros, double cpuMicrosPerOp, double bytesPerOp) {
    Sample(double value, double p99Micros) {
        this(value, p99Micros, Double.NaN, Double.NaN);
    }
}
