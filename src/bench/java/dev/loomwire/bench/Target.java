package dev.loomwire.bench;

/**
 * A goal from an issue as a ratio in the same run: loomwire's {@code metric} in {@code
 * scenario}/{@code mode} divided by the {@code peer} driver's (or, with {@code peerMode} set to
 * another mode, loomwire's own in that mode), which must be at most (lower is better) or at least
 * the threshold; or, for a {@link #difference} target, {@code self − peer} in the metric's unit
 * (e.g. the bytes the TLS layer adds per round trip over a plain socket) against an absolute threshold.
 */
record Target(String text, Scenario scenario, Metric metric, String mode, String self, String peer, String peerMode,
              double threshold, boolean atLeast, String pendingReason, boolean difference) {
    /** Which number of a {@link Result} a target compares. */
    enum Metric {
        /** The scenario's own median (latency, throughput, memory). */
        MEDIAN,
        /** Client CPU µs per operation. */
        CPU,
        /** Bytes allocated per operation. */
        BYTES;

        double of(Result r) {
            return switch (this) {
                case MEDIAN -> r.median();
                case CPU -> r.cpuMicrosPerOp();
                case BYTES -> r.bytesPerOp();
            };
        }
    }

    static Target vs(String text, Scenario s, String mode, String peer, double threshold, boolean atLeast) {
        return new Target(text, s, Metric.MEDIAN, mode, RedisSuite.LOOMWIRE, peer, mode, threshold, atLeast, null, false);
    }

    /** A goal on client CPU per operation (lower is better): loomwire ≤ threshold × peer. */
    static Target cpu(String text, Scenario s, String mode, String peer, double threshold) {
        return new Target(text, s, Metric.CPU, mode, RedisSuite.LOOMWIRE, peer, mode, threshold, false, null, false);
    }

    /** A goal on bytes allocated per operation (lower is better): loomwire ≤ threshold × peer. */
    static Target bytes(String text, Scenario s, String mode, String peer, double threshold) {
        return new Target(text, s, Metric.BYTES, mode, RedisSuite.LOOMWIRE, peer, mode, threshold, false, null, false);
    }

    /** A goal on the bytes per operation {@code self} allocates beyond {@code baseline} (same scenario and mode): at most {@code maxBytes}. */
    static Target extraBytes(String text, Scenario s, String mode, String self, String baseline, double maxBytes) {
        return new Target(text, s, Metric.BYTES, mode, self, baseline, mode, maxBytes, false, null, true);
    }

    static Target tlsOverPlain(String text, Scenario s, double threshold) {
        return new Target(text, s, Metric.MEDIAN, "TLS", RedisSuite.LOOMWIRE, RedisSuite.LOOMWIRE, "plain", threshold, false, null, false);
    }

    /** The same goal for another loomwire row, e.g. the multiplexed client. */
    Target as(String loomwireRow, String newText) {
        return new Target(newText, scenario, metric, mode, loomwireRow, peer, peerMode, threshold, atLeast, pendingReason, difference);
    }

    Target pending(String reason) {
        return new Target(text, scenario, metric, mode, self, peer, peerMode, threshold, atLeast, reason, difference);
    }
}
