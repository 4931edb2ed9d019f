package dev.loomwire.bench;

/**
 * What one repetition of one subject measured: its value in the scenario's unit (latency in µs,
 * throughput in operations or bytes per second, memory per connection) and the 99th percentile
 * of the per-operation (or per-batch) latency in µs, NaN when the scenario has none.
 */
record Sample(double value, double p99Micros) {}
