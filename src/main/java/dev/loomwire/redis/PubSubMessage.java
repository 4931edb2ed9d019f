package dev.loomwire.redis;

import java.nio.charset.StandardCharsets;

/**
 * A message received on a subscription: the channel it was published to, the pattern that
 * matched (PSUBSCRIBE) or null, and the payload bytes.
 */
public record PubSubMessage(String channel, String pattern, byte[] payload) {
    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PubSubMessage[channel=" + channel + (pattern == null ? "" : ", pattern=" + pattern)
                + ", " + payload.length + " bytes]";
    }
}
