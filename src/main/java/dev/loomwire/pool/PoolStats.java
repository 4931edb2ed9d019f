package dev.loomwire.pool;

/**
 * A consistent snapshot of a pool's counters.
 *
 * @param total   open connections plus ones being opened (never above max size)
 * @param idle    open connections waiting in the pool
 * @param inUse   connections lent to callers
 * @param pending connections being opened right now
 * @param waiting callers parked in the FIFO queue
 */
public record PoolStats(int total, int idle, int inUse, int pending, int waiting) {
    @Override
    public String toString() {
        return "total=" + total + " idle=" + idle + " in_use=" + inUse + " opening=" + pending + " waiting=" + waiting;
    }
}
