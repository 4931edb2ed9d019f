package dev.loomwire.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the subjects of one scenario in one mode side by side: each is opened, warmed up with one
 * unrecorded repetition, then the recorded repetitions are interleaved (rep 1 of every driver,
 * rep 2 of every driver, ... with the starting driver rotating) so background noise on a shared
 * machine hits all drivers alike. Every repetition runs on a fresh virtual thread, the way the
 * drivers are meant to be used, under a time limit.
 */
final class Runner {
    /** How to open one driver's subject, with a note for the report (e.g. pool size). */
    record Candidate(String driver, Opener opener, String note) {}

    @FunctionalInterface
    interface Opener {
        Subject open() throws Exception;
    }

    private final boolean quick;
    private final int reps;
    private final PrintStream out;
    private final List<Result> results = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private final String match;

    Runner(boolean quick, int reps, String match, PrintStream out) {
        this.match = match;
        this.quick = quick;
        this.reps = reps;
        this.out = out;
    }

    boolean quick() {
        return quick;
    }

    List<Result> results() {
        return results;
    }

    void add(Result r) {
        results.add(r);
        print(r);
    }

    /** False when {@code --match} excludes the scenario. */
    boolean wanted(Scenario s) {
        return match == null || s.title().toLowerCase(Locale.ROOT).contains(match.toLowerCase(Locale.ROOT));
    }

    /**
     * Runs {@code s} in {@code mode} for every candidate. Every row gets, next to its median, the
     * medians of the client CPU µs and bytes allocated per operation that each {@link Sample}
     * carries (a Sample cannot be built without them, except for an external tool's reading).
     */
    void run(Scenario s, String mode, List<Candidate> candidates) {
        if (!wanted(s)) {
            return;
        }
        int n = s.iterations(quick);
        List<Candidate> live = new ArrayList<>();
        List<Subject> subjects = new ArrayList<>();
        for (Candidate c : candidates) {
            try {
                subjects.add(call(c.opener()::open, 300));
                live.add(c);
            } catch (Exception e) {
                add(Result.failed(s, mode, c.driver(), "could not open: " + describe(e)));
            }
        }
        int reps = this.reps * s.slices();
        double[][] values = new double[live.size()][reps];
        double[][] p99s = new double[live.size()][reps];
        double[][] cpus = new double[live.size()][reps];
        double[][] allocs = new double[live.size()][reps];
        String[] failures = new String[live.size()];
        for (int rep = -1; rep < reps; rep++) {
            for (int k = 0; k < live.size(); k++) {
                int i = (k + Math.max(rep, 0)) % live.size();
                if (failures[i] != null) {
                    continue;
                }
                Subject subject = subjects.get(i);
                try {
                    Sample sample = call(() -> subject.rep(n), 600);
                    if (rep >= 0) {
                        values[i][rep] = sample.value();
                        p99s[i][rep] = sample.p99Micros();
                        cpus[i][rep] = sample.cpuMicrosPerOp();
                        allocs[i][rep] = sample.bytesPerOp();
                    }
                } catch (Exception e) {
                    failures[i] = (rep < 0 ? "warm-up" : "repetition " + (rep + 1)) + " failed: " + describe(e);
                }
            }
        }
        for (int i = 0; i < live.size(); i++) {
            Candidate c = live.get(i);
            if (failures[i] != null) {
                add(Result.failed(s, mode, c.driver(), failures[i]));
            } else {
                add(new Result(s, mode, c.driver(), Measure.median(values[i]), Measure.median(p99s[i]), Measure.median(cpus[i]),
                        Measure.median(allocs[i]), reps, c.note()));
            }
            try {
                subjects.get(i).close();
            } catch (Exception e) {
                out.println("  (closing " + c.driver() + " failed: " + describe(e) + ")");
            }
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> task, int seconds) throws Exception {
        Future<T> f = executor.submit(task);
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TimeoutException("no result within " + seconds + " s");
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private void print(Result r) {
        String head = String.format(Locale.ROOT, "%-5s %-38s %-5s %-24s", r.scenario().group(), r.scenario().title(), r.mode(), r.driver());
        if (r.measured()) {
            out.printf(Locale.ROOT, "%s %12s %-9s p99 %-12s CPU %8s µs/op %10s B/op%n", head, Report.number(r.median()), r.scenario().unit(),
                    Double.isNaN(r.p99Micros()) ? "-" : Report.number(r.p99Micros()) + " µs", Report.number(r.cpuMicrosPerOp()),
                    Report.number(r.bytesPerOp()));
        } else {
            out.printf(Locale.ROOT, "%s  FAILED: %s%n", head, r.note());
        }
        out.flush();
    }
}
