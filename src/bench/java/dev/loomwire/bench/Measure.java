package dev.loomwire.bench;

import org.HdrHistogram.Histogram;

/** Timing loops shared by the scenarios: per-operation latency and batch throughput. */
final class Measure {
    private Measure() {}

    /** A histogram of nanosecond latencies up to one minute with three significant digits. */
    static Histogram histogram() {
        return new Histogram(60_000_000_000L, 3);
    }

    /** Runs {@code op} {@code n} times; value = median latency in µs, p99 in µs. */
    static Sample latency(int n, Op op) throws Exception {
        Histogram h = histogram();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            op.run();
            h.recordValue(System.nanoTime() - t0);
        }
        return new Sample(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0);
    }

    /** Runs {@code batch} {@code batches} times; value = operations per second, p99 = batch latency in µs. */
    static Sample throughput(int batches, int opsPerBatch, Op batch) throws Exception {
        Histogram h = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            long t0 = System.nanoTime();
            batch.run();
            h.recordValue(System.nanoTime() - t0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Sample((double) batches * opsPerBatch / seconds, h.getValueAtPercentile(99) / 1000.0);
    }

    /**
     * {@code subject} measuring also what each repetition cost this JVM (the client; servers run in
     * their own processes): process CPU time and bytes allocated by all threads, each divided by the
     * {@code opsPerRep.applyAsLong(iterations)} operations of the repetition.
     */
    static Subject withCosts(Subject subject, java.util.function.IntToLongFunction opsPerRep) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        return new Subject() {
            public Sample rep(int n) throws Exception {
                long cpu0 = os.getProcessCpuTime();
                long bytes0 = threads.getTotalThreadAllocatedBytes();
                Sample s = subject.rep(n);
                long cpu = os.getProcessCpuTime() - cpu0;
                long bytes = threads.getTotalThreadAllocatedBytes() - bytes0;
                double ops = opsPerRep.applyAsLong(n);
                return new Sample(s.value(), s.p99Micros(), cpu / 1000.0 / ops, bytes / ops);
            }

            public void close() throws Exception {
                subject.close();
            }
        };
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
