package dev.loomwire.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process running in the foreground under a tiny shell watchdog that holds our pipe as
 * its standard input: when this JVM ends, however it ends, the pipe reaches end of file and the
 * watchdog stops the server. The watchdog writes {@code <server pid> <stop signal>} to a pid file so
 * that a later run can stop a server whose watchdog was killed too.
 */
final class ServerProcess {
    static final String PID_FILE = "server.pid";

    private static final String WATCHDOG = """
            sig=$1; pidfile=$2; shift 2
            "$@" & p=$!
            echo "$p $sig" > "$pidfile"
            cat > /dev/null
            kill -"$sig" "$p" 2>/dev/null
            wait "$p"
            """;

    private final String name;
    private final Process watchdog;
    private final OutputStream lifeline;
    private final long serverPid;
    private final Path logFile;
    private final long logStart;

    private ServerProcess(String name, Process watchdog, long serverPid, Path logFile, long logStart) {
        this.name = name;
        this.watchdog = watchdog;
        this.lifeline = watchdog.getOutputStream();
        this.serverPid = serverPid;
        this.logFile = logFile;
        this.logStart = logStart;
    }

    /**
     * Starts {@code command} in {@code workDir}, its output appended to {@code logFile}.
     *
     * @param stopSignal the signal that makes the server shut down quickly and cleanly (INT for
     *                   PostgreSQL's fast shutdown, TERM for Redis)
     */
    static ServerProcess start(String name, List<String> command, Path workDir, Path logFile, String stopSignal) {
        Path pidFile = workDir.resolve(PID_FILE);
        try {
            Files.deleteIfExists(pidFile);
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                cmd.add("/usr/bin/setsid"); // own session: a terminal's Ctrl-C reaches only the JVM, whose hook stops us in order
            }
            cmd.addAll(List.of("sh", "-c", WATCHDOG, "watchdog", stopSignal, pidFile.toString()));
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            Process watchdog = pb.start();
            long pid = awaitPidFile(pidFile, watchdog, logFile);
            return new ServerProcess(name, watchdog, pid, logFile, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    private static long awaitPidFile(Path pidFile, Process watchdog, Path logFile) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                String s = Files.readString(pidFile).trim();
                if (s.contains(" ")) { // the line is complete
                    return Long.parseLong(s.substring(0, s.indexOf(' ')));
                }
            } catch (NoSuchFileException notYet) {
                // the watchdog has not written it yet
            }
            if (!watchdog.isAlive()) {
                break;
            }
            sleep(5);
        }
        throw new IllegalStateException("the server watchdog did not start (no " + pidFile + "); log " + logFile + ":\n"
                + tail(logFile, 0, 20));
    }

    long pid() {
        return serverPid;
    }

    Path logFile() {
        return logFile;
    }

    boolean isRunning() {
        return isRunning(serverPid);
    }

    /** This run's part of the log. */
    String log() {
        return readFrom(logFile, logStart);
    }

    /** The last lines of this run's log, for error messages. */
    String logTail(int lines) {
        return tail(logFile, logStart, lines);
    }

    /**
     * Waits until this run's log contains {@code readyMarker}.
     *
     * @return true when ready; false when the server exited first (the caller reads the log to tell why)
     * @throws IllegalStateException on timeout
     */
    boolean awaitLog(String readyMarker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (log().contains(readyMarker)) {
                return true;
            }
            if (!isRunning()) {
                return log().contains(readyMarker);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log \"" + readyMarker + "\" within " + timeout.toSeconds()
                        + " s; last lines of " + logFile + ":\n" + logTail(30));
            }
            sleep(20);
        }
    }

    /** Closes the watchdog's pipe so it stops the server, and waits for both to end; kills them after the grace time. */
    void stop(Duration grace) {
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
        try {
            if (!watchdog.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
                watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly();
                watchdog.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to the server alone (its watchdog stays until {@link #stop}); waits until it has exited. */
    void kill() {
        ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
        if (!awaitExit(serverPid, Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + " (pid " + serverPid + ") did not exit within 10 s of SIGKILL");
        }
    }

    /** Whether {@code pid} is a process that has not exited (zombies count as exited). */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    static String tail(Path file, long from, int lines) {
        String[] all = readFrom(file, from).split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static String readFrom(Path file, long from) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int start = (int) Math.min(from, bytes.length);
            return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a test server", e);
        }
    }
}
