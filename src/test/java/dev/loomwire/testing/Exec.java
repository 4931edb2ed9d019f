package dev.loomwire.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived external command (initdb, psql, tar, kill) and collects its output, bounded in time. */
final class Exec {
    /** What a finished command left behind. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and its output unless it exited 0. */
        Result check(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "): " + String.join(" ", command)
                        + "\n" + stderr + (stdout.isBlank() ? "" : "\n" + stdout));
            }
            return this;
        }
    }

    private Exec() {}

    static Result run(List<String> command, Map<String, String> env, byte[] stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        // our commands get every connection parameter explicitly: no stray PGHOST, PGSSLMODE, ...
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        }
        Thread stdinWriter = Thread.ofVirtual().start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the command exited without reading everything: its exit code tells
            }
        });
        StreamCollector err = StreamCollector.start(p.getErrorStream());
        StreamCollector out = StreamCollector.start(p.getInputStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\n" + err.text(Duration.ofSeconds(1)));
            }
            stdinWriter.join(Duration.ofSeconds(5));
            return new Result(command, p.exitValue(), out.text(Duration.ofSeconds(5)), err.text(Duration.ofSeconds(5)));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    static Result run(List<String> command, Duration timeout) {
        return run(command, Map.of(), null, timeout);
    }

    /** Reads a stream to its end on a virtual thread. */
    private static final class StreamCollector {
        private final Thread thread;
        private volatile byte[] bytes = new byte[0];

        private StreamCollector(InputStream in) {
            this.thread = Thread.ofVirtual().start(() -> {
                try (in) {
                    bytes = in.readAllBytes();
                } catch (IOException ignored) {
                    // process gone; keep what we have
                }
            });
        }

        static StreamCollector start(InputStream in) {
            return new StreamCollector(in);
        }

        String text(Duration wait) throws InterruptedException {
            thread.join(wait);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
