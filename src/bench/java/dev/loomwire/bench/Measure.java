package dev.loomwire.bench;

import org.HdrHistogram.Histogram;

/** Timing loops shared by the scenarios (per-operation latency and batch throughput) and the client costs the runner reads around them. */
final class Measure {
    private Measure() {}

    /** A histogram of nanosecond latencies up to one minute with three significant digits. */
    static Histogram histogram() {
        return new Histogram(60_000_000_000L, 3);
    }

    /** Runs {@code op} {@code n} times; value = median latency in µs, p99 in µs. */
    static Sample latency(int n, Op op) throws Exception {
        Histogram h = histogram();
        Costs start = Costs.now();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            op.run();
            h.recordValue(System.nanoTime() - t0);
        }
        Costs spent = Costs.since(start);
        return new Sample(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, n, spent);
    }

    /** Runs {@code batch} {@code batches} times; value = operations per second, p99 = batch latency in µs. */
    static Sample throughput(int batches, int opsPerBatch, Op batch) throws Exception {
        Histogram h = histogram();
        Costs costs = Costs.now();
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            long t0 = System.nanoTime();
            batch.run();
            h.recordValue(System.nanoTime() - t0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double ops = (double) batches * opsPerBatch;
        return new Sample(ops / seconds, h.getValueAtPercentile(99) / 1000.0, ops, Costs.since(costs));
    }

    /**
     * What this JVM (the client; the servers run in their own processes) has spent: process CPU
     * time ({@link ProcessCpu}: every thread, the drivers' own readers, Netty's event loops, GC and JIT alike) and heap
     * bytes allocated by all threads, virtual threads counted on their carriers. {@link #now()} is
     * a reading since the JVM started; {@link #since} the difference to an earlier reading.
     */
    record Costs(long cpuNanos, long allocatedBytes) {
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

        /** The CPU clock is read before the allocation counter, so what reading it allocates stays out of the window. */
        static Costs now() {
            long cpu = ProcessCpu.nanos();
            return new Costs(cpu, THREADS.getTotalThreadAllocatedBytes());
        }

        /** What was spent between {@code start} (an earlier {@link #now()}) and now; the allocation counter is read first. */
        static Costs since(Costs start) {
            long bytes = THREADS.getTotalThreadAllocatedBytes();
            long cpu = ProcessCpu.nanos();
            return new Costs(cpu - start.cpuNanos, bytes - start.allocatedBytes);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
