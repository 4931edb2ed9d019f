package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server of ours: initdb into a fresh data directory, configured for TLS and the test roles. */
final class LocalPgServer implements PgServer {
    private static final Logger log = LoggerFactory.getLogger(LocalPgServer.class);
    static final String HOST = "127.0.0.1";
    private static final String READY = "database system is ready to accept connections";
    private static final int MAX_SOCKET_PATH = 100; // sun_path is 108 bytes

    private final String name;
    private final int majorVersion;
    private final Path binDir;
    private final Path dataDir;
    private volatile ServerProcess process;
    private final int port;

    private LocalPgServer(String name, int majorVersion, Path binDir, Path dataDir, ServerProcess process, int port) {
        this.name = name;
        this.majorVersion = majorVersion;
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.process = process;
        this.port = port;
    }

    /**
     * Creates, configures and starts a server, then creates the test roles and databases.
     *
     * @param dir an empty directory for this server ({@code data/} and the password file go there)
     */
    static LocalPgServer start(String name, int expectedMajor, Path binDir, Path dir) {
        return start(name, expectedMajor, binDir, dir, DATABASES);
    }

    /** Like {@link #start(String, int, Path, Path)}, creating only {@code databases} (fewer is faster). */
    static LocalPgServer start(String name, int expectedMajor, Path binDir, Path dir, List<String> databases) {
        LocalMachine.requirePgUser();
        Path data = dir.resolve("data");
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
            LocalMachine.giveToPgUser(dir);
            initdb(binDir, dir, data);
            copyCertificates(data);
            Files.writeString(data.resolve("pg_hba.conf"), hbaConf());
            Files.writeString(data.resolve("postgresql.conf"), "\ninclude 'loomwire.conf'\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare PostgreSQL data directory " + data, e);
        }
        Path logFile = data.resolve("server.log");
        long t1 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.next();
            writeConf(data, port);
            ServerProcess process = launch(name, binDir, data);
            if (process.awaitLog(READY, Duration.ofSeconds(60))) {
                LocalPgServer server = new LocalPgServer(name, expectedMajor, binDir, data, process, port);
                long t2 = System.nanoTime();
                try {
                    server.createRolesAndDatabases(expectedMajor, databases);
                } catch (RuntimeException e) {
                    server.stop();
                    throw e;
                }
                log.info("{}: initdb and configuration {} ms, start {} ms, roles and databases {} ms", name,
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
                return server;
            }
            process.stop(Duration.ofSeconds(5));
            String tail = process.logTail(30);
            if (!tail.contains("Address already in use") || attempt == 3) {
                throw new IllegalStateException(name + " (" + binDir.resolve("postgres") + ") exited during startup; last lines of "
                        + logFile + ":\n" + tail);
            }
        }
    }

    private static ServerProcess launch(String name, Path binDir, Path data) {
        return ServerProcess.start(name,
                // HOME: libpq in the walreceiver must not look for client certificates in root's ~/.postgresql
                LocalMachine.execAsPgUser(List.of("env", "HOME=" + data, binDir.resolve("postgres").toString(), "-D",
                        data.toString())),
                data, data.resolve("server.log"), "INT");
    }

    /**
     * Starts a server on a data directory that is ready to run (a standby made from a base backup):
     * writes its configuration for {@code port} and waits for {@code readyMarker} in its log.
     */
    static LocalPgServer startExisting(String name, int major, Path binDir, Path data, int port, String readyMarker) {
        writeConf(data, port);
        ServerProcess process = launch(name, binDir, data);
        if (!process.awaitLog(readyMarker, Duration.ofSeconds(60))) {
            throw new IllegalStateException(name + " exited during startup; last lines of " + process.logFile() + ":\n"
                    + process.logTail(30));
        }
        return new LocalPgServer(name, major, binDir, data, process, port);
    }

    /** Starts this server again on the same data directory and port after {@link #stop()} (or a crash). */
    void restart(String readyMarker) {
        process.stop(Duration.ofSeconds(20));
        ServerProcess p = launch(name, binDir, dataDir);
        if (!p.awaitLog(readyMarker, Duration.ofSeconds(60))) {
            throw new IllegalStateException(name + " did not restart; last lines of " + p.logFile() + ":\n" + p.logTail(30));
        }
        process = p;
    }

    /** The postmaster's process id. */
    long pid() {
        return process.pid();
    }

    boolean isRunning() {
        return process.isRunning();
    }

    Path binDir() {
        return binDir;
    }

    private static void initdb(Path binDir, Path dir, Path data) throws IOException {
        Path pwFile = dir.resolve("superuser.pw");
        Files.writeString(pwFile, SUPERUSER_PASSWORD + "\n");
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        LocalMachine.giveToPgUser(pwFile);
        Exec.run(LocalMachine.asPgUser(List.of(binDir.resolve("initdb").toString(), "-D", data.toString(),
                        "-U", SUPERUSER, "-A", "scram-sha-256", "--pwfile=" + pwFile, "--no-sync", "-E", "UTF8",
                        "--locale=C", "--no-instructions")),
                Map.of("LC_ALL", "C"), null, Duration.ofMinutes(2)).check("initdb");
        Files.delete(pwFile);
    }

    private static void copyCertificates(Path data) throws IOException {
        for (String f : List.of("server.crt", "server.key", "ca.crt")) {
            Path copy = data.resolve(f);
            Files.copy(TestCerts.file(f), copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
            LocalMachine.giveToPgUser(copy);
        }
    }

    static void writeConf(Path data, int port) {
        String sockets = data.resolve(".s.PGSQL." + port).toString().length() < MAX_SOCKET_PATH ? data.toString() : "";
        String conf = String.join("\n",
                "# written by dev.loomwire.testing.LocalPgServer",
                "listen_addresses = '" + HOST + "'",
                "port = " + port,
                "unix_socket_directories = '" + sockets + "'",
                "max_connections = 300",
                "shared_buffers = 16MB",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "autovacuum = off",
                "jit = off",
                "password_encryption = 'scram-sha-256'",
                "ssl = on",
                "ssl_cert_file = '" + data.resolve("server.crt") + "'",
                "ssl_key_file = '" + data.resolve("server.key") + "'",
                "ssl_ca_file = '" + data.resolve("ca.crt") + "'",
                "log_destination = 'stderr'",
                "logging_collector = off",
                "log_connections = on",
                "log_line_prefix = '%m [%p] %q%u@%d '",
                "");
        try {
            Path file = data.resolve("loomwire.conf");
            Files.writeString(file, conf);
            LocalMachine.giveToPgUser(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + data.resolve("loomwire.conf"), e);
        }
    }

    static String hbaConf() {
        String[][] rules = {
                {"host", "all", SUPERUSER, "scram-sha-256"},
                {"hostssl", "replication", SUPERUSER, "scram-sha-256"},
                {"hostssl", "ssldb", "all", "scram-sha-256"},
                {"hostnossl", "plaindb", "all", "scram-sha-256"},
                {"hostssl", "certdb", "all", "cert"},
                {"hostssl", "vfdb", "all", "scram-sha-256 clientcert=verify-full"},
                {"host", "trustdb", "all", "trust"},
                {"host", "md5db", "all", "md5"},
                {"host", "pwdb", "all", "password"},
                {"host", "loomwire", CLEARTEXT_USER, "password"},
                {"host", "loomwire", MD5_USER, "md5"},
                {"host", "loomwire", "all", "scram-sha-256"},
        };
        StringBuilder sb = new StringBuilder("# written by dev.loomwire.testing.LocalPgServer\n");
        sb.append(String.format("%-10s %-9s %-10s %-16s %s%n", "local", "all", SUPERUSER, "", "trust"));
        for (String[] r : rules) {
            for (String address : List.of("127.0.0.1/32", "::1/128")) {
                sb.append(String.format("%-10s %-9s %-10s %-16s %s%n", r[0], r[1], r[2], address, r[3]));
            }
        }
        return sb.toString();
    }

    private void createRolesAndDatabases(int expectedMajor, List<String> databases) {
        StringBuilder sql = new StringBuilder()
                .append("CREATE ROLE ").append(USER).append(" LOGIN PASSWORD '").append(PASSWORD).append("';\n")
                .append("CREATE ROLE ").append(CLEARTEXT_USER).append(" LOGIN PASSWORD '").append(CLEARTEXT_PASSWORD).append("';\n")
                .append("SET password_encryption = 'md5';\n")
                .append("CREATE ROLE ").append(MD5_USER).append(" LOGIN PASSWORD '").append(MD5_PASSWORD).append("';\n")
                .append("RESET password_encryption;\n");
        for (String db : databases) {
            sql.append("CREATE DATABASE ").append(db).append(" OWNER ").append(USER).append(" STRATEGY FILE_COPY;\n");
        }
        sql.append("SHOW server_version_num;\n");
        List<String> out = psql("postgres", sql.toString());
        int actual = Integer.parseInt(out.get(out.size() - 1).trim()) / 10000;
        if (actual != expectedMajor) {
            throw new IllegalStateException(name + " is PostgreSQL " + actual + ", expected " + expectedMajor);
        }
    }

    @Override
    public List<String> psql(String db, String sql) {
        Exec.Result r = Exec.run(List.of(PgBinaries.psql().toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-h", HOST, "-p", Integer.toString(port), "-U", SUPERUSER, "-d", db, "-f", "-"),
                Map.of("PGPASSWORD", SUPERUSER_PASSWORD, "PGSSLMODE", "disable", "PGCONNECT_TIMEOUT", "10",
                        "PGAPPNAME", "loomwire-harness"),
                sql.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IllegalStateException("psql on " + name + " (port " + port + "), database " + db + " failed (exit "
                    + r.exitCode() + "): " + r.stderr().strip() + "\nSQL: " + sql.strip());
        }
        List<String> lines = new ArrayList<>(Arrays.asList(r.stdout().split("\n", -1)));
        lines.remove(lines.size() - 1); // what follows the last newline: nothing
        return List.copyOf(lines);
    }

    void stop() {
        process.stop(Duration.ofSeconds(20));
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int majorVersion() {
        return majorVersion;
    }

    @Override
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String log() {
        return process.log();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String toString() {
        return name + " (PostgreSQL " + majorVersion + " on " + HOST + ":" + port + ")";
    }
}
