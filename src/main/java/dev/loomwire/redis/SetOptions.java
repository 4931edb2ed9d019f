package dev.loomwire.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code SET}: expiry ({@code EX}/{@code PX}/{@code KEEPTTL}) and condition
 * ({@code NX}/{@code XX}). Immutable; start from {@link #none()}, e.g.
 * {@code SetOptions.none().expireIn(Duration.ofSeconds(30)).onlyIfAbsent()}.
 */
public final class SetOptions {
    private static final SetOptions NONE = new SetOptions(null, false, null);

    private final Duration expiry;
    private final boolean keepTtl;
    private final String condition;

    private SetOptions(Duration expiry, boolean keepTtl, String condition) {
        this.expiry = expiry;
        this.keepTtl = keepTtl;
        this.condition = condition;
    }

    /** Plain SET. */
    public static SetOptions none() {
        return NONE;
    }

    /** Expire after {@code ttl}: sent as {@code EX seconds} when whole seconds, else {@code PX millis}. */
    public SetOptions expireIn(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.toMillis() == 0) {
            throw new IllegalArgumentException("SET expiry must be at least 1 ms");
        }
        return new SetOptions(ttl, false, condition);
    }

    /** {@code KEEPTTL}: keep the key's current expiry. */
    public SetOptions keepTtl() {
        return new SetOptions(null, true, condition);
    }

    /** {@code NX}: only set when the key does not exist. */
    public SetOptions onlyIfAbsent() {
        return new SetOptions(expiry, keepTtl, "NX");
    }

    /** {@code XX}: only set when the key exists. */
    public SetOptions onlyIfPresent() {
        return new SetOptions(expiry, keepTtl, "XX");
    }

    List<Object> arguments() {
        List<Object> args = new ArrayList<>(3);
        if (expiry != null) {
            long ms = expiry.toMillis();
            if (ms % 1000 == 0) {
                args.add("EX");
                args.add(ms / 1000);
            } else {
                args.add("PX");
                args.add(ms);
            }
        }
        if (keepTtl) {
            args.add("KEEPTTL");
        }
        if (condition != null) {
            args.add(condition);
        }
        return args;
    }

    @Override
    public String toString() {
        return "SetOptions" + arguments();
    }
}
