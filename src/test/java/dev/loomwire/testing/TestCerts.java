package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fresh TLS test material for this test run: runs {@code certs/generate.sh} once per JVM into
 * {@code target/test-certs/<pid>} and hands out the files by name (see certs/README.md for the
 * list). Each JVM has its own directory, so a demo and a test run in one checkout do not race;
 * directories of JVMs that have ended are removed.
 */
public final class TestCerts {
    /** Password of the encrypted keys and of the PKCS#12/JKS stores that generate.sh writes. */
    public static final String PASSWORD = "loomwire-secret";

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Path dir;

    private TestCerts() {}

    /** The directory holding this run's certificates, generated on first use. */
    public static Path dir() {
        LOCK.lock();
        try {
            if (dir == null) {
                Path root = targetDir().resolve("test-certs");
                removeDirectoriesOfEndedJvms(root);
                dir = generate(root.resolve(Long.toString(ProcessHandle.current().pid())));
            }
            return dir;
        } finally {
            LOCK.unlock();
        }
    }

    /** A file written by generate.sh, e.g. {@code file("server.crt")}; fails if it is missing. */
    public static Path file(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("certs/generate.sh did not write " + p);
        }
        return p;
    }

    /** The password as the char array the TLS API takes (a new copy each call). */
    public static char[] password() {
        return PASSWORD.toCharArray();
    }

    /** The project's root directory (where pom.xml is). */
    public static Path baseDir() {
        String b = System.getProperty("loomwire.basedir");
        return Path.of(b != null ? b : ".").toAbsolutePath().normalize();
    }

    /** Maven's build directory ({@code target/}). */
    public static Path targetDir() {
        String t = System.getProperty("loomwire.target");
        return t != null ? Path.of(t).toAbsolutePath() : baseDir().resolve("target");
    }

    private static void removeDirectoriesOfEndedJvms(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var children = Files.list(root)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                boolean ended = !name.matches("\\d+")
                        || ProcessHandle.of(Long.parseLong(name)).map(ph -> !ph.isAlive()).orElse(true);
                if (ended) {
                    deleteTree(child);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + root, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Path c : children.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    private static Path generate(Path out) {
        try {
            Files.createDirectories(out);
            Path script = baseDir().resolve("certs/generate.sh");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), out.toString())
                    .redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (needs openssl: apt-get install -y openssl):\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run certs/generate.sh into " + out, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating test certificates", e);
        }
    }
}
