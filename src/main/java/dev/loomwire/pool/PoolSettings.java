package dev.loomwire.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizes and timeouts of a {@link ConnectionPool}. Immutable; build with {@link #builder()}.
 * A zero duration switches the corresponding limit off (except the acquire timeout, which must
 * be positive: a caller never waits forever).
 */
public final class PoolSettings {
    /** Defaults: 10 connections, none kept idle, 30 min lifetime, 10 min idle timeout, 10 s acquire timeout. */
    public static final PoolSettings DEFAULTS = builder().build();

    private final String name;
    private final int maxSize;
    private final int minIdle;
    private final Duration maxLifetime;
    private final Duration idleTimeout;
    private final Duration acquireTimeout;
    private final Duration validateAfterIdle;
    private final Duration housekeepingInterval;

    private PoolSettings(Builder b) {
        this.name = b.name;
        this.maxSize = b.maxSize;
        this.minIdle = b.minIdle;
        this.maxLifetime = b.maxLifetime;
        this.idleTimeout = b.idleTimeout;
        this.acquireTimeout = b.acquireTimeout;
        this.validateAfterIdle = b.validateAfterIdle;
        this.housekeepingInterval = b.housekeepingInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a variant. */
    public Builder toBuilder() {
        return new Builder().name(name).maxSize(maxSize).minIdle(minIdle).maxLifetime(maxLifetime).idleTimeout(idleTimeout)
                .acquireTimeout(acquireTimeout).validateAfterIdle(validateAfterIdle).housekeepingInterval(housekeepingInterval);
    }

    /** Used in messages and log lines. */
    public String name() { return name; }
    /** Most connections open at once (lent + idle + being opened). */
    public int maxSize() { return maxSize; }
    /** Idle connections the housekeeper keeps open (opened in the background). */
    public int minIdle() { return minIdle; }
    /** A connection older than this is closed instead of being lent again; ZERO = no limit. */
    public Duration maxLifetime() { return maxLifetime; }
    /** An idle connection above {@link #minIdle()} unused this long is closed; ZERO = never. */
    public Duration idleTimeout() { return idleTimeout; }
    /** How long a caller waits for a free connection before {@link PoolTimeoutException}. */
    public Duration acquireTimeout() { return acquireTimeout; }
    /** A connection idle longer than this is validated (a round trip) before it is lent; ZERO = always. */
    public Duration validateAfterIdle() { return validateAfterIdle; }
    /** How often the housekeeper evicts expired idle connections and tops up {@link #minIdle()}. */
    public Duration housekeepingInterval() { return housekeepingInterval; }

    @Override
    public String toString() {
        return name + "[max_size=" + maxSize + " min_idle=" + minIdle + " max_lifetime=" + maxLifetime
                + " idle_timeout=" + idleTimeout + " acquire_timeout=" + acquireTimeout
                + " validate_after_idle=" + validateAfterIdle + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSettings s && name.equals(s.name) && maxSize == s.maxSize && minIdle == s.minIdle
                && maxLifetime.equals(s.maxLifetime) && idleTimeout.equals(s.idleTimeout)
                && acquireTimeout.equals(s.acquireTimeout) && validateAfterIdle.equals(s.validateAfterIdle)
                && housekeepingInterval.equals(s.housekeepingInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, maxSize, minIdle, maxLifetime, idleTimeout, acquireTimeout);
    }

    /** Builds {@link PoolSettings}; every setter validates its argument and names it in the message. */
    public static final class Builder {
        private String name = "pool";
        private int maxSize = 10;
        private int minIdle = 0;
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration acquireTimeout = Duration.ofSeconds(10);
        private Duration validateAfterIdle = Duration.ofSeconds(5);
        private Duration housekeepingInterval = Duration.ofSeconds(30);

        private Builder() {}

        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("pool name must not be empty");
            }
            this.name = name;
            return this;
        }

        public Builder maxSize(int maxSize) {
            if (maxSize < 1) {
                throw new IllegalArgumentException("max_size must be at least 1, got " + maxSize);
            }
            this.maxSize = maxSize;
            return this;
        }

        public Builder minIdle(int minIdle) {
            if (minIdle < 0) {
                throw new IllegalArgumentException("min_idle must not be negative, got " + minIdle);
            }
            this.minIdle = minIdle;
            return this;
        }

        public Builder maxLifetime(Duration d) {
            this.maxLifetime = nonNegative("max_lifetime", d);
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = nonNegative("idle_timeout", d);
            return this;
        }

        public Builder acquireTimeout(Duration d) {
            if (nonNegative("acquire_timeout", d).isZero()) {
                throw new IllegalArgumentException("acquire_timeout must be positive");
            }
            this.acquireTimeout = d;
            return this;
        }

        public Builder validateAfterIdle(Duration d) {
            this.validateAfterIdle = nonNegative("validate_after_idle", d);
            return this;
        }

        public Builder housekeepingInterval(Duration d) {
            if (nonNegative("housekeeping_interval", d).toMillis() < 10) {
                throw new IllegalArgumentException("housekeeping_interval must be at least 10 ms, got " + d);
            }
            this.housekeepingInterval = d;
            return this;
        }

        public PoolSettings build() {
            if (minIdle > maxSize) {
                throw new IllegalArgumentException("min_idle (" + minIdle + ") must not exceed max_size (" + maxSize + ")");
            }
            return new PoolSettings(this);
        }

        private static Duration nonNegative(String what, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be zero or positive, got " + d);
            }
            return d;
        }
    }
}
