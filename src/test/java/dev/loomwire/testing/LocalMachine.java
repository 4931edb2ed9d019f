package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Facts about this machine the test servers depend on: whether we are root (PostgreSQL then runs as
 * user {@code postgres}), where server directories may live, and clean-up of servers an earlier,
 * killed test JVM left behind.
 */
final class LocalMachine {
    private static final Logger log = LoggerFactory.getLogger(LocalMachine.class);
    static final String PG_USER = "postgres";

    private LocalMachine() {}

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Prefix for a one-shot command that must run as the PostgreSQL user (initdb). */
    static List<String> asPgUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("runuser", "-u", PG_USER, "--"));
        c.addAll(command);
        return c;
    }

    /** Prefix for a long-running server: setpriv execs in place, so the recorded pid is the server's own. */
    static List<String> execAsPgUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + PG_USER, "--regid=" + PG_USER, "--init-groups", "--"));
        c.addAll(command);
        return c;
    }

    /** Makes the PostgreSQL user own {@code path} (only when we are root; otherwise we are that user). */
    static void giveToPgUser(Path path) {
        if (!isRoot()) {
            return;
        }
        try {
            UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = users.lookupPrincipalByName(PG_USER);
            GroupPrincipal group = users.lookupPrincipalByGroupName(PG_USER);
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            view.setOwner(user);
            view.setGroup(group);
        } catch (IOException e) {
            throw new IllegalStateException("cannot give " + path + " to user " + PG_USER
                    + " (PostgreSQL refuses to run as root; the user comes with apt-get install -y postgresql-15): " + e, e);
        }
    }

    static void requirePgUser() {
        if (isRoot()) {
            try {
                Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(PG_USER);
            } catch (IOException e) {
                throw new IllegalStateException("we run as root, and PostgreSQL refuses to: it needs the user \"" + PG_USER
                        + "\", which apt-get install -y postgresql-15 creates (or: useradd --system " + PG_USER + ")");
            }
        }
    }

    /**
     * The directory that holds server data dirs and the extracted PostgreSQL 18: Maven's target/
     * when the PostgreSQL user can reach it, otherwise a directory under /tmp named after it.
     */
    static Path workRoot() {
        Path target = TestCerts.targetDir();
        try {
            Files.createDirectories(target);
            if (!isRoot() || canPgUserTraverse(target)) {
                return target;
            }
            String hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(target.toString().getBytes(StandardCharsets.UTF_8)), 0, 6);
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "loomwire-" + hash);
            Files.createDirectories(tmp);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            log.info("user {} cannot reach {}: server directories go to {}", PG_USER, target, tmp);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean canPgUserTraverse(Path dir) {
        return Exec.run(asPgUser(List.of("test", "-x", dir.toString())), Duration.ofSeconds(20)).ok();
    }

    /**
     * This JVM's server directory {@code <workRoot>/servers/<pid>}, created empty, after removing the
     * directories of JVMs that are gone and stopping any server still running in them.
     */
    static Path newRunDir(Path workRoot) {
        Path servers = workRoot.resolve("servers");
        long me = ProcessHandle.current().pid();
        try {
            Files.createDirectories(servers);
            try (Stream<Path> runs = Files.list(servers)) {
                for (Path run : runs.toList()) {
                    String n = run.getFileName().toString();
                    if (n.matches("\\d+") && Long.parseLong(n) != me && !isLiveJvm(Long.parseLong(n))) {
                        cleanStaleRun(run);
                    }
                }
            }
            Path run = servers.resolve(Long.toString(me));
            deleteTree(run);
            Files.createDirectories(run);
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(servers, PosixFilePermissions.fromString("rwxr-xr-x"));
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare server directory under " + servers, e);
        }
    }

    private static boolean isLiveJvm(long pid) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().command())
                .map(c -> c.contains("java"))
                .orElse(false);
    }

    /** Stops servers recorded by pid files ({@code <pid> <signal>}) in a dead JVM's directory, then deletes it. */
    private static void cleanStaleRun(Path run) throws IOException {
        List<Path> pidFiles;
        try (Stream<Path> files = Files.walk(run, 3)) {
            pidFiles = files.filter(f -> f.getFileName().toString().equals(ServerProcess.PID_FILE)).toList();
        }
        for (Path pidFile : pidFiles) {
            String[] parts = Files.readString(pidFile).trim().split("\\s+");
            if (parts.length < 1 || !parts[0].matches("\\d+")) {
                continue;
            }
            long pid = Long.parseLong(parts[0]);
            String signal = parts.length > 1 ? parts[1] : "TERM";
            if (ServerProcess.isRunning(pid) && cwdOf(pid).map(cwd -> cwd.startsWith(run)).orElse(false)) {
                log.warn("stopping stale server pid {} left by an earlier test run in {}", pid, run);
                Exec.run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10));
                if (!ServerProcess.awaitExit(pid, Duration.ofSeconds(10))) {
                    Exec.run(List.of("kill", "-KILL", Long.toString(pid)), Duration.ofSeconds(10));
                }
            }
        }
        deleteTree(run);
    }

    private static Optional<Path> cwdOf(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
