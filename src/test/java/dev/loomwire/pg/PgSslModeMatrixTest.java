package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libpq's sslmode semantics against the real PostgreSQL 15 and 18: every sslmode against a
 * database reachable with and without TLS (loomwire: "host"), TLS only (ssldb: "hostssl") and
 * plaintext only (plaindb: "hostnossl"), with the right CA, a wrong CA, a host name the server
 * certificate does not carry, and no root certificate at all.
 *
 * <p>Outcomes: T = connected with TLS, P = connected in plaintext, F = refused. They follow
 * libpq: allow tries plaintext first and TLS after a rejection; prefer tries TLS first and
 * plaintext after a failed handshake or a rejection; require, allow and prefer check the chain
 * whenever a root certificate is configured (libpq loads it and sets SSL_VERIFY_PEER regardless of
 * sslmode) but never the host name; verify-ca and verify-full demand a root certificate.
 */
class PgSslModeMatrixTest {
    enum Certs { RIGHT_CA, WRONG_CA, WRONG_HOST, NO_ROOT_CERT }

    //                                sslmode        db          right wrongCA wrongHost noRoot
    static final String[][] EXPECTED = {
        {"disable",     "loomwire", "P", "P", "P", "P"},
        {"disable",     "ssldb",    "F", "F", "F", "F"},
        {"disable",     "plaindb",  "P", "P", "P", "P"},
        {"allow",       "loomwire", "P", "P", "P", "P"},
        {"allow",       "ssldb",    "T", "F", "T", "T"},
        {"allow",       "plaindb",  "P", "P", "P", "P"},
        {"prefer",      "loomwire", "T", "P", "T", "T"},
        {"prefer",      "ssldb",    "T", "F", "T", "T"},
        {"prefer",      "plaindb",  "P", "P", "P", "P"},
        {"require",     "loomwire", "T", "F", "T", "T"},
        {"require",     "ssldb",    "T", "F", "T", "T"},
        {"require",     "plaindb",  "F", "F", "F", "F"},
        {"verify-ca",   "loomwire", "T", "F", "T", "F"},
        {"verify-ca",   "ssldb",    "T", "F", "T", "F"},
        {"verify-ca",   "plaindb",  "F", "F", "F", "F"},
        {"verify-full", "loomwire", "T", "F", "F", "F"},
        {"verify-full", "ssldb",    "T", "F", "F", "F"},
        {"verify-full", "plaindb",  "F", "F", "F", "F"},
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int version : new int[] {15, 18}) {
            for (String[] row : EXPECTED) {
                for (Certs c : Certs.values()) {
                    out.add(Arguments.of(version, row[0], row[1], c, row[2 + c.ordinal()]));
                }
            }
        }
        return out.stream();
    }

    static String conninfo(int port, String rightCa, String sslmode, String db, Certs certs) {
        String target = switch (certs) {
            case RIGHT_CA, NO_ROOT_CERT -> "host=localhost hostaddr=127.0.0.1";
            case WRONG_CA -> "host=localhost hostaddr=127.0.0.1";
            case WRONG_HOST -> "host=db.example.invalid hostaddr=127.0.0.1";
        };
        String root = switch (certs) {
            case RIGHT_CA, WRONG_HOST -> " sslrootcert=" + rightCa;
            case WRONG_CA -> " sslrootcert=" + PgTests.cert("other-ca.crt");
            case NO_ROOT_CERT -> "";
        };
        return target + " port=" + port + " user=" + PgServer.USER + " password=" + PgServer.PASSWORD
                + " dbname=" + db + " connect_timeout=20 sslmode=" + sslmode + root;
    }

    @ParameterizedTest(name = "PG {0} sslmode={1} db={2} {3} -> {4}")
    @MethodSource("cases")
    void outcomeMatchesLibpq(int version, String sslmode, String db, Certs certs, String expected) {
        PgServer s = version == 15 ? TestServers.pg15() : TestServers.pg18();
        assertOutcome(conninfo(s.port(), PgTests.cert("ca.crt"), sslmode, db, certs), sslmode, db, certs, expected);
    }

    static void assertOutcome(String conninfo, String sslmode, String db, Certs certs, String expected) {
        if (expected.equals("F")) {
            PgException e = assertThrows(PgException.class, () -> PgConnection.connect(PgTests.config(conninfo)).close(),
                    conninfo);
            assertFalse(e.getMessage().contains(PgServer.PASSWORD), e.getMessage());
            if (certs == Certs.WRONG_HOST && sslmode.equals("verify-full")) {
                assertTrue(e.getMessage().contains("db.example.invalid") && e.getMessage().contains("does not match"),
                        e.getMessage());
            }
            if (certs == Certs.WRONG_CA && sslmode.startsWith("verify") && !db.equals("plaindb")) {
                assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
            }
            if (certs == Certs.NO_ROOT_CERT && sslmode.startsWith("verify")) {
                assertTrue(e.getMessage().contains("root certificate file"), e.getMessage());
            }
            return;
        }
        try (PgConnection c = PgConnection.connect(PgTests.config(conninfo))) {
            assertEquals(expected.equals("T"), c.tls().isPresent(), conninfo);
            boolean serverSaysSsl = c.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single().getBoolean(0);
            assertEquals(expected.equals("T"), serverSaysSsl);
            assertEquals(db, c.query("SELECT current_database()").single().getString(0));
        }
    }
}
