package dev.loomwire.concurrency;

import dev.loomwire.redis.RedisClusterClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Virtual threads that each SET and GET their own keys (every tenth thread MSET and MGET two keys)
 * through a {@link RedisClusterClient} and
 * check every reply: a GET must return a value this thread wrote to this key (never another
 * caller's), and no call may outlast the bound. Counts successes, failures by message, wrong
 * replies, stale reads (an older own value: writes a crash lost), and when each thread last
 * succeeded, so a test can wait for every caller to succeed again after a fault.
 */
final class ClusterLoad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterLoad.class);
    private static final int KEYS_PER_THREAD = 8;

    private final RedisClusterClient client;
    private final String prefix;
    private final int threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong wrong = new AtomicLong();
    final AtomicLong stale = new AtomicLong();
    final AtomicLong slowestCallNanos = new AtomicLong();
    final AtomicLong lastFailureNanos = new AtomicLong();
    final Map<String, Long> failures = new ConcurrentHashMap<>();
    private final AtomicLongArray lastSuccess;
    private final List<String> wrongReplies = new java.util.concurrent.CopyOnWriteArrayList<>();

    ClusterLoad(RedisClusterClient client, String prefix, int threads) {
        this.client = client;
        this.prefix = prefix;
        this.threads = threads;
        this.lastSuccess = new AtomicLongArray(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofVirtual().name("cluster-load-" + t).start(() -> work(id)));
        }
    }

    private void work(int id) {
        long[] written = new long[KEYS_PER_THREAD]; // highest value index attempted per key, -1 none
        java.util.Arrays.fill(written, -1);
        long i = 0;
        while (!stop.get()) {
            int k = (int) (i % KEYS_PER_THREAD);
            String key = prefix + ":" + id + ":" + k;
            String value = id + ":" + k + ":" + i;
            long start = System.nanoTime();
            try {
                written[k] = i;
                if (id % 10 == 9) {
                    // two keys of one slot: TRYAGAIN while a migration has moved one and not the other
                    client.mset(java.util.Map.of(key + ":a", value, key + ":b", value));
                    java.util.List<String> got = client.mget(key + ":a", key + ":b");
                    check(id, k, key + ":a", value, got.get(0), written[k]);
                    check(id, k, key + ":b", value, got.get(1), written[k]);
                } else {
                    client.set(key, value);
                    check(id, k, key, value, client.get(key), written[k]);
                }
                ok.incrementAndGet();
                lastSuccess.set(id, System.nanoTime());
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                lastFailureNanos.set(System.nanoTime());
                String m = String.valueOf(e.getMessage()).replaceAll("\\d+", "N");
                failures.merge(e.getClass().getSimpleName() + ": " + m.substring(0, Math.min(m.length(), 160)), 1L, Long::sum);
            }
            slowestCallNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            i++;
        }
    }

    private void check(int id, int k, String key, String value, String got, long attempted) {
        if (value.equals(got)) {
            return;
        }
        String[] parts = got == null ? null : got.split(":");
        if (got == null || (parts.length == 3 && parts[0].equals(Integer.toString(id)) && parts[1].equals(Integer.toString(k))
                && Long.parseLong(parts[2]) <= attempted)) {
            stale.incrementAndGet(); // an older value of our own: a write lost by a crash, never someone else's reply
            return;
        }
        wrong.incrementAndGet();
        if (wrongReplies.size() < 10) {
            wrongReplies.add("GET " + key + " expected " + value + " got " + got);
        }
    }

    /** Waits until every thread has succeeded after {@code sinceNanos}; the time that took, or fails after {@code limit}. */
    Duration awaitEveryCallerSucceeds(long sinceNanos, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            int behind = 0;
            for (int t = 0; t < threads; t++) {
                if (lastSuccess.get(t) <= sinceNanos) {
                    behind++;
                }
            }
            if (behind == 0) {
                return Duration.ofNanos(System.nanoTime() - sinceNanos);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(behind + " of " + threads + " callers did not succeed within " + limit
                        + " after the fault; failures: " + failures);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until every thread has succeeded at least once (the load is running). */
    void awaitWarm() throws InterruptedException {
        awaitEveryCallerSucceeds(0, Duration.ofSeconds(30));
    }

    List<String> wrongReplies() {
        return wrongReplies;
    }

    String summary(String fault, long faultNanos) {
        long last = lastFailureNanos.get();
        return fault + ": " + ok + " calls ok, " + failed + " failed, " + wrong + " wrong, " + stale + " stale reads, slowest call "
                + slowestCallNanos.get() / 1_000_000 + " ms, last failure " + (last == 0 || last < faultNanos ? "none"
                : (last - faultNanos) / 1_000_000 + " ms after the fault") + "; failures " + failures;
    }

    /** Stops the threads; fails if any does not end within {@code bound} (a hang). */
    void stop(Duration bound) throws InterruptedException {
        stop.set(true);
        joinAll(workers, bound);
    }

    /** Joins every thread; fails naming the first that does not end within {@code bound} overall (a hang). */
    static void joinAll(List<Thread> workers, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Thread t : workers) {
            if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                throw new AssertionError(t.getName() + " still busy " + bound + " after the load was stopped: a hang");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop.get()) {
            stop(Duration.ofSeconds(30));
        }
        log.debug("cluster load {} stopped", prefix);
    }
}
