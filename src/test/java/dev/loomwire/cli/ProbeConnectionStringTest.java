package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The probe reads connection strings with the drivers' parsers ({@code PgConfig}, {@code RedisConfig}):
 * it accepts what they accept, refuses what they refuse in their words, and judges each sslmode
 * with the TLS settings the driver would build. No server needed: every case here stops before
 * the network.
 */
class ProbeConnectionStringTest {

    @Test
    void mistakesAreUsageErrorsNamingTheParameterInTheDriversWords() {
        assertUsageError("unknown parameter \"sslmdoe\"", "host=x sslmdoe=require");
        assertUsageError("invalid sslmode value \"verify\"", "host=x sslmode=verify");
        assertUsageError("invalid port number \"99999\"", "postgresql://x:99999/db");
        assertUsageError("invalid hostaddr value \"db.example\"", "hostaddr=db.example");
        assertUsageError("may not be used with sslnegotiation=direct", "host=x sslnegotiation=direct");
        assertUsageError("may not be used with sslrootcert=system", "host=x sslrootcert=system sslmode=require");
        assertUsageError("missing \"=\" after \"host\"", "host x=1");
        assertUsageError("unterminated quoted string for \"sslrootcert\"", "host=x sslrootcert='/tmp/ca.crt");
        assertUsageError("host: entry 2 of 3 is empty", "postgresql://a,,b/db");
        assertUsageError("bad sslverify \"yes\"", "rediss://x?sslverify=yes");
        assertUsageError("parameter \"sslverify\" needs a rediss:// URI", "redis://x?sslverify=full");
        assertUsageError("unknown parameter \"sslmode\" in Redis URI", "rediss://x?sslmode=require");
        assertUsageError("unsupported URI scheme", "mysql://x");
        assertUsageError("neither a URI", "localhost");
    }

    @Test
    void quotedValuesReachTheDriverAndItsRefusalIsTheVerdict() {
        Cli.Result r = Cli.run("probe", "host=db.example.invalid hostaddr=127.0.0.1 port=1 user=alice"
                + " sslrootcert='/nonexistent/my certs/ca.crt' sslpassword='it\\'s' sslmode=verify-full");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("sslrootcert    /nonexistent/my certs/ca.crt\n"), r.out());
        assertTrue(r.out().contains("root certificate file \"/nonexistent/my certs/ca.crt\" does not exist"), r.out());
        assertTrue(r.out().matches("(?s).*verify-ca\\s+FAIL.*"), r.out());
        assertFalse(r.out().contains("tcp connect"), "nothing to probe when the driver would not even try: " + r.out());
        assertFalse(r.out().contains("it's"), "the sslpassword is never shown: " + r.out());
    }

    @Test
    void verifyFullWithOnlyHostaddrIsRefusedLikeTheDriverDoes() {
        Cli.Result r = Cli.run("probe", "hostaddr=127.0.0.1 port=1 sslmode=verify-full sslrootcert=system");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("host name must be specified"), r.out());
    }

    private static void assertUsageError(String expected, String input) {
        Cli.Result r = Cli.run("probe", input);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), r.toString());
    }
}
