package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes a running test PostgreSQL server's TLS settings for the duration of a try-with-resources
 * block: {@code ALTER SYSTEM SET} plus {@code pg_reload_conf()}, waiting until the postmaster has
 * reloaded (new connections then use the new certificate); {@link #close()} resets them. Tests run
 * one at a time in a JVM, so a test may take a shared server over this way.
 *
 * <pre>{@code
 * try (var tls = PgServerTls.serve(pg, "server-chain.crt", "server-intermediate.key")) { ... }
 * try (var tls = PgServerTls.set(pg, Map.of("ssl_crl_file", "ca.crl"))) { ... }
 * }</pre>
 */
public final class PgServerTls implements AutoCloseable {
    private static final List<String> FILE_SETTINGS = List.of("ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file");

    private final PgServer server;
    private final Map<String, String> before;

    private PgServerTls(PgServer server, Map<String, String> before) {
        this.server = server;
        this.before = before;
    }

    /** Serves this certificate (chain) and key, both from {@link TestCerts}. */
    public static PgServerTls serve(PgServer server, String certFile, String keyFile) {
        return set(server, Map.of("ssl_cert_file", certFile, "ssl_key_file", keyFile));
    }

    /**
     * Applies these settings; values of file settings (ssl_cert_file, ssl_key_file, ssl_ca_file,
     * ssl_crl_file) are {@link TestCerts} file names, copied into the data directory for the server's user.
     */
    public static PgServerTls set(PgServer server, Map<String, String> settings) {
        List<String> names = List.copyOf(settings.keySet());
        Map<String, String> after = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder(showAll(names)); // the values before, in the same psql run
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = FILE_SETTINGS.contains(e.getKey()) ? copy(server, e.getValue()).toString() : e.getValue();
            after.put(e.getKey(), value);
            sql.append("ALTER SYSTEM SET ").append(e.getKey()).append(" = '").append(value).append("';\n");
        }
        List<String> out = server.psql("postgres", sql.append("SELECT pg_reload_conf();").toString());
        Map<String, String> before = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            before.put(names.get(i), out.get(i).trim());
        }
        awaitReload(server, after);
        return new PgServerTls(server, before);
    }

    /** Resets the settings to what they were and waits for the reload. */
    @Override
    public void close() {
        StringBuilder sql = new StringBuilder();
        for (String name : before.keySet()) {
            sql.append("ALTER SYSTEM RESET ").append(name).append(";\n");
        }
        server.psql("postgres", sql.append("SELECT pg_reload_conf();").toString());
        awaitReload(server, before);
    }

    private static String showAll(List<String> names) {
        StringBuilder sql = new StringBuilder();
        for (String n : names) {
            sql.append("SHOW ").append(n).append(";\n");
        }
        return sql.toString();
    }

    /** The current values, one psql run for all. */
    private static List<String> show(PgServer server, List<String> names) {
        return server.psql("postgres", showAll(names)).stream().map(String::trim).toList();
    }

    /**
     * Polls SHOW from new connections until every setting has the expected value: the postmaster
     * reloads its configuration and TLS context before it signals (and forks) backends.
     */
    private static void awaitReload(PgServer server, Map<String, String> expected) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            if (show(server, List.copyOf(expected.keySet())).equals(List.copyOf(expected.values()))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(server + " did not reload TLS settings " + expected + " within 20 s: " + server.log());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server + " to reload", e);
            }
        }
    }

    private static Path copy(PgServer server, String name) {
        try {
            Path dir = server.dataDir().resolve("pg-server-tls");
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                LocalMachine.giveToPgUser(dir);
            }
            Path target = dir.resolve(name);
            Files.copy(TestCerts.file(name), target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            LocalMachine.giveToPgUser(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + name + " for " + server, e);
        }
    }
}
