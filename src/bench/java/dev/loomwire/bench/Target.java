package dev.loomwire.bench;

/**
 * A goal from issue 6 as a ratio in the same run: loomwire's median divided by the {@code peer}
 * driver's median in {@code scenario}/{@code mode} (or, with {@code peerMode} set, loomwire's own
 * median in another mode), which must be at most (lower is better) or at least the threshold.
 */
record Target(String text, Scenario scenario, String mode, String self, String peer, String peerMode, double threshold,
              boolean atLeast, String pendingReason) {
    static Target vs(String text, Scenario s, String mode, String peer, double threshold, boolean atLeast) {
        return new Target(text, s, mode, RedisSuite.LOOMWIRE, peer, mode, threshold, atLeast, null);
    }

    static Target tlsOverPlain(String text, Scenario s, double threshold) {
        return new Target(text, s, "TLS", RedisSuite.LOOMWIRE, RedisSuite.LOOMWIRE, "plain", threshold, false, null);
    }

    /** The same goal for another loomwire row, e.g. the multiplexed client. */
    Target as(String loomwireRow, String newText) {
        return new Target(newText, scenario, mode, loomwireRow, peer, peerMode, threshold, atLeast, pendingReason);
    }

    Target pending(String reason) {
        return new Target(text, scenario, mode, self, peer, peerMode, threshold, atLeast, reason);
    }
}
