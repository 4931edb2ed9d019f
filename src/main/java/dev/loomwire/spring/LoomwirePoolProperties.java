package dev.loomwire.spring;

import java.time.Duration;

/**
 * Pool settings under {@code loomwire.postgres.pool.*} and {@code loomwire.redis.pool.*}; every
 * value left unset keeps the driver's default (10 connections, none kept idle, 30 min lifetime,
 * 10 min idle timeout, 10 s acquire timeout).
 */
public class LoomwirePoolProperties {
    /** Most connections open at once. */
    private Integer maxSize;
    /** Idle connections kept open in the background. */
    private Integer minIdle;
    /** A connection older than this is closed instead of lent again; 0 = no limit. */
    private Duration maxLifetime;
    /** An idle connection above min-idle unused this long is closed; 0 = never. */
    private Duration idleTimeout;
    /** How long a caller waits for a free connection. */
    private Duration acquireTimeout;
    /** A connection idle longer than this is validated before it is lent; 0 = always. */
    private Duration validateAfterIdle;

    public Integer getMaxSize() { return maxSize; }
    public void setMaxSize(Integer maxSize) { this.maxSize = maxSize; }
    public Integer getMinIdle() { return minIdle; }
    public void setMinIdle(Integer minIdle) { this.minIdle = minIdle; }
    public Duration getMaxLifetime() { return maxLifetime; }
    public void setMaxLifetime(Duration maxLifetime) { this.maxLifetime = maxLifetime; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public Duration getAcquireTimeout() { return acquireTimeout; }
    public void setAcquireTimeout(Duration acquireTimeout) { this.acquireTimeout = acquireTimeout; }
    public Duration getValidateAfterIdle() { return validateAfterIdle; }
    public void setValidateAfterIdle(Duration validateAfterIdle) { this.validateAfterIdle = validateAfterIdle; }
}
