package dev.loomwire.pg;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Shared set-up for tests against the harness servers: a hermetic environment and conninfo helpers. */
final class PgTests {
    private PgTests() {}

    /** Created on first use (class initialization is thread-safe). */
    private static final class EmptyHome {
        static final Path DIR = create();

        private static Path create() {
            try {
                Path p = Files.createTempDirectory("loomwire-home");
                p.toFile().deleteOnExit();
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** An environment with an empty HOME (no ~/.postgresql, no ~/.pgpass) and no PG* variables. */
    static Map<String, String> cleanEnv() {
        return Map.of("HOME", EmptyHome.DIR.toString(), "USER", "nobody");
    }

    static String cert(String name) {
        return TestCerts.file(name).toString();
    }

    /** host=127.0.0.1, the server's port, user loomwire with its password, verify-full against ca.crt; {@code extra} overrides. */
    static String conninfo(PgServer s, String extra) {
        return "host=" + s.host() + " port=" + s.port() + " user=" + PgServer.USER + " password=" + PgServer.PASSWORD
                + " dbname=loomwire connect_timeout=20 sslmode=verify-full sslrootcert=" + cert("ca.crt") + " " + extra;
    }

    static PgConfig config(String conninfo) {
        return PgConfig.builder().environment(cleanEnv()).conninfo(conninfo).build();
    }

    static PgConnection connect(PgServer s, String extra) {
        return PgConnection.connect(config(conninfo(s, extra)));
    }
}
