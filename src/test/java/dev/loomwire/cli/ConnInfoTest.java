package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe's small connection-string parser: libpq keyword/value, PostgreSQL URIs, Redis URIs. */
class ConnInfoTest {

    @Test
    void keywordValueWithQuotesAndEscapes() throws UsageException {
        ConnInfo c = ConnInfo.parse("host=db.example.invalid hostaddr=127.0.0.1 port = 5433 sslrootcert='/tmp/my certs/ca.crt'"
                + " sslpassword='it\\'s' sslmode=verify-full");
        assertEquals(ConnInfo.Kind.POSTGRES, c.kind());
        assertEquals(Map.of("host", "db.example.invalid", "hostaddr", "127.0.0.1", "port", "5433",
                "sslrootcert", "/tmp/my certs/ca.crt", "sslpassword", "it's", "sslmode", "verify-full"), c.params());
    }

    @Test
    void postgresUriWithUserPasswordIpv6AndQuery() throws UsageException {
        ConnInfo c = ConnInfo.parse("postgresql://alice:s%40cret@[::1]:6543/my%20db?sslmode=require&sslnegotiation=direct");
        assertEquals(Map.of("user", "alice", "password", "s@cret", "host", "::1", "port", "6543", "dbname", "my db",
                "sslmode", "require", "sslnegotiation", "direct"), c.params());
        assertEquals("localhost", ConnInfo.parse("postgres://localhost").get("host"));
    }

    @Test
    void redisUris() throws UsageException {
        ConnInfo c = ConnInfo.parse("rediss://user:pw@cache.example:6380/2?sslverify=ca&sslrootcert=/etc/ca.crt");
        assertEquals(ConnInfo.Kind.REDIS, c.kind());
        assertEquals(Map.of("user", "user", "password", "pw", "host", "cache.example", "port", "6380", "db", "2",
                "sslverify", "ca", "sslrootcert", "/etc/ca.crt", "tls", "1"), c.params());
        assertEquals("0", ConnInfo.parse("redis://localhost").get("tls"));
    }

    @Test
    void mistakesAreUsageErrorsNamingTheSetting() {
        assertMessage("unknown connection parameter \"sslmdoe\"", "host=x sslmdoe=require");
        assertMessage("invalid sslmode \"verify\"", "host=x sslmode=verify");
        assertMessage("invalid port \"99999\"", "postgresql://x:99999/db");
        assertMessage("sslnegotiation=direct needs sslmode=require", "host=x sslnegotiation=direct");
        assertMessage("sslrootcert=system needs sslmode=verify-full", "host=x sslrootcert=system sslmode=require");
        assertMessage("invalid sslverify \"yes\"", "rediss://x?sslverify=yes");
        assertMessage("unsupported URI scheme", "mysql://x");
        assertMessage("missing \"=\" after \"host\"", "host x=1");
        assertMessage("one host at a time", "host=a,b");
        assertMessage("use rediss://", "redis://x?sslverify=full");
    }

    private static void assertMessage(String expected, String input) {
        UsageException e = assertThrows(UsageException.class, () -> ConnInfo.parse(input));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
