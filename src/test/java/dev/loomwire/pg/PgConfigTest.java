package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.tls.TlsVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgConfigTest {
    @TempDir
    Path home;

    private Map<String, String> env(String... kv) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        m.put("HOME", home.toString());
        m.put("USER", "osuser");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private PgConfig parse(String s, String... env) {
        return PgConfig.parse(s, env(env));
    }

    @Test
    void defaultsAreLibpqs() {
        PgConfig c = parse("");
        assertEquals("localhost", c.host());
        assertEquals(5432, c.port());
        assertEquals("osuser", c.user());
        assertEquals("osuser", c.database());
        assertEquals(SslMode.PREFER, c.sslMode());
        assertEquals(SslNegotiation.POSTGRES, c.sslNegotiation());
        assertEquals(ChannelBindingMode.PREFER, c.channelBinding());
        assertTrue(c.sslSni());
        assertEquals("TLSv1.2", c.sslMinProtocolVersion());
        assertTrue(c.password().isEmpty());
        assertEquals(TlsVerification.NONE, c.tlsVerification());
    }

    @Test
    void keywordValueWithQuotingAndEscapes() {
        PgConfig c = parse("host=db.example port = 6543 user='o\\'neil' password='it\\'s a \\\\ secret'"
                + " dbname=my\\ db application_name='' sslmode=verify-full");
        assertEquals("db.example", c.host());
        assertEquals(6543, c.port());
        assertEquals("o'neil", c.user());
        assertEquals("it's a \\ secret", c.password().orElseThrow());
        assertEquals("my db", c.database());
        assertEquals("", c.applicationName().orElseThrow());
        assertEquals(SslMode.VERIFY_FULL, c.sslMode());
        assertEquals(TlsVerification.FULL, c.tlsVerification());
    }

    @Test
    void uriWithPercentDecodingAndQuery() {
        PgConfig c = parse("postgresql://us%40er:p%3Aw@db.example:6000/my%20db?sslmode=require&application_name=a%26b");
        assertEquals("us@er", c.user());
        assertEquals("p:w", c.password().orElseThrow());
        assertEquals("db.example", c.host());
        assertEquals(6000, c.port());
        assertEquals("my db", c.database());
        assertEquals(SslMode.REQUIRE, c.sslMode());
        assertEquals("a&b", c.applicationName().orElseThrow());
        PgConfig v6 = parse("postgres://[::1]:7000/x?ssl=true");
        assertEquals("::1", v6.host());
        assertEquals(7000, v6.port());
        assertEquals(SslMode.REQUIRE, v6.sslMode());
    }

    @Test
    void malformedInputThatMayHoldAPasswordIsNotEchoed() {
        var e = assertThrows(PgConfigException.class, () -> parse("postgresql:/u:s3cret@h/db"));
        assertEquals("conninfo: not a postgresql:// or postgres:// URI, nor keyword=value pairs"
                + " (it starts with a URI scheme at position 0)", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("host=x u:s3cret@h=1"));
        assertEquals("conninfo: expected a parameter name (letters, digits, _) at position 7;"
                + " found a 10-character word that is not one (not shown: it may hold a secret)",
                e.getMessage());
    }

    @Test
    void errorsNameTheParameterAndPosition() {
        var e = assertThrows(PgConfigException.class, () -> parse("host=x sslmode=bogus"));
        assertEquals("conninfo: invalid sslmode value \"bogus\" at position 7", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("host=x sslmod=require"));
        assertEquals("conninfo: unknown parameter \"sslmod\" at position 7", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("host=x port"));
        assertEquals("conninfo: missing \"=\" after \"port\" at position 11", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("password='abc"));
        assertTrue(e.getMessage().contains("unterminated quoted string for \"password\""), e.getMessage());
        assertFalse(e.getMessage().contains("abc"));
        e = assertThrows(PgConfigException.class, () -> parse("port=99999"));
        assertTrue(e.getMessage().contains("invalid port number"), e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("postgresql://h/db?sslmode=nope"));
        assertEquals("URI: invalid sslmode value \"nope\" at position 18", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("postgresql://h/d%zzb"));
        assertTrue(e.getMessage().contains("invalid percent-encoded token in dbname"), e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("postgresql://a,,b/db"));
        assertEquals("host: entry 2 of 3 is empty (name a host; Unix-domain sockets are not supported)", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("hostaddr=db.example"));
        assertTrue(e.getMessage().contains("hostaddr"), e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("require_auth=scram-sha-256,!md5"));
        assertTrue(e.getMessage().contains("cannot be mixed"), e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("", "PGSSLMODE", "sometimes"));
        assertEquals("environment variable PGSSLMODE: invalid sslmode value \"sometimes\"", e.getMessage());
    }

    @Test
    void environmentGivesDefaultsAndConninfoWins() {
        PgConfig c = parse("port=7", "PGHOST", "envhost", "PGPORT", "9", "PGUSER", "envuser",
                "PGPASSWORD", "envpw", "PGSSLMODE", "require", "PGCHANNELBINDING", "require",
                "PGSSLNEGOTIATION", "direct", "PGDATABASE", "envdb", "PGCONNECT_TIMEOUT", "1");
        assertEquals("envhost", c.host());
        assertEquals(7, c.port());
        assertEquals("envuser", c.user());
        assertEquals("envpw", c.password().orElseThrow());
        assertEquals("envdb", c.database());
        assertEquals(SslMode.REQUIRE, c.sslMode());
        assertEquals(SslNegotiation.DIRECT, c.sslNegotiation());
        assertEquals(ChannelBindingMode.REQUIRE, c.channelBinding());
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
    }

    @Test
    void directNegotiationNeedsRequireOrStricter() {
        var e = assertThrows(PgConfigException.class, () -> parse("sslnegotiation=direct sslmode=prefer"));
        assertTrue(e.getMessage().contains("sslnegotiation=direct"), e.getMessage());
        assertEquals(SslNegotiation.DIRECT, parse("sslnegotiation=direct sslmode=require").sslNegotiation());
    }

    @Test
    void sslrootcertSystemForcesVerifyFull() {
        assertEquals(SslMode.VERIFY_FULL, parse("sslrootcert=system").sslMode());
        var e = assertThrows(PgConfigException.class, () -> parse("sslrootcert=system sslmode=require"));
        assertTrue(e.getMessage().contains("weak sslmode \"require\""), e.getMessage());
    }

    @Test
    void requireVerifiesTheChainWhenHomeRootCrtExists() throws Exception {
        assertEquals(TlsVerification.NONE, parse("sslmode=require").tlsVerification());
        Path pg = Files.createDirectories(home.resolve(".postgresql"));
        Files.writeString(pg.resolve("root.crt"), "x");
        Files.writeString(pg.resolve("root.crl"), "x");
        Files.writeString(pg.resolve("postgresql.crt"), "x");
        PgConfig c = parse("sslmode=require");
        assertEquals(TlsVerification.CA, c.tlsVerification());
        assertEquals(pg.resolve("root.crt").toString(), c.sslRootCert().orElseThrow());
        assertEquals(pg.resolve("root.crl"), c.sslCrl().orElseThrow());
        assertEquals(pg.resolve("postgresql.crt"), c.sslCert().orElseThrow());
        assertEquals(pg.resolve("postgresql.key"), c.sslKey().orElseThrow());
        assertEquals(TlsVerification.NONE, parse("sslmode=disable").tlsVerification());
    }

    @Test
    void verifyCaWithoutRootCertFailsClearly() {
        var e = assertThrows(PgConnectionException.class, () -> parse("sslmode=verify-ca").toTlsConfig());
        assertTrue(e.getMessage().contains("root certificate file"), e.getMessage());
        assertTrue(e.getMessage().contains(home.toString()), e.getMessage());
        var missing = assertThrows(PgConnectionException.class,
                () -> parse("sslmode=require sslcert=/nonexistent/client.crt").toTlsConfig());
        assertEquals("sslcert: file \"/nonexistent/client.crt\" does not exist", missing.getMessage());
    }

    @Test
    void pgpassSuppliesThePassword() throws Exception {
        Path pass = home.resolve(".pgpass");
        Files.writeString(pass, "# comment\nother:*:*:*:nope\ndb.example:5432:*:alice:s3cr\\:et\n*:*:*:*:fallback\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        assertEquals("s3cr:et", parse("host=db.example user=alice").password().orElseThrow());
        assertEquals("fallback", parse("host=db.example user=bob").password().orElseThrow());
        assertEquals("given", parse("host=db.example user=alice password=given").password().orElseThrow());
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(parse("host=db.example user=alice").password().isEmpty());
        Path other = home.resolve("passfile");
        Files.writeString(other, "*:*:*:*:frompassfile\n");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        assertEquals("frompassfile", parse("", "PGPASSFILE", other.toString()).password().orElseThrow());
    }

    @Test
    void toStringHidesSecrets() {
        PgConfig c = parse("password=hunter2 sslpassword=keypw sslmode=require");
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertFalse(c.toString().contains("keypw"), c.toString());
        assertTrue(c.toString().contains("sslmode=require"));
    }

    @Test
    void hostaddrConnectsThereAndVerifiesHost() {
        PgConfig c = parse("host=db.example.invalid hostaddr=127.0.0.1");
        assertEquals("127.0.0.1", c.connectAddress());
        assertEquals("db.example.invalid", c.tlsHost());
        var e = assertThrows(PgConnectionException.class,
                () -> parse("hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=/x").tlsHost());
        assertTrue(e.getMessage().contains("host name must be specified"));
    }

    @Test
    void requireAuthLists() {
        RequireAuth r = RequireAuth.parse("!password,!md5");
        assertFalse(r.allows(RequireAuth.Method.PASSWORD));
        assertTrue(r.allows(RequireAuth.Method.SCRAM_SHA_256));
        assertTrue(r.allows(RequireAuth.Method.NONE));
        RequireAuth s = RequireAuth.parse("scram-sha-256");
        assertFalse(s.allows(RequireAuth.Method.NONE));
        assertThrows(PgConfigException.class, () -> RequireAuth.parse("scram-sha-256,scram-sha-256"));
        assertThrows(PgConfigException.class, () -> RequireAuth.parse("kerberos"));
    }

    @Test
    void worldReadableKeysAreRefusedLikeLibpq() throws Exception {
        Path key = home.resolve("client.key");
        Files.writeString(key, "x");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw----r--"));
        var e = assertThrows(PgConnectionException.class, () -> PgConfig.checkKeyPermissions(key));
        assertTrue(e.getMessage().contains("has group or world access"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        PgConfig.checkKeyPermissions(key);
    }
}
