package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pieces of libpq's rules that no certificate the test servers serve can show: name matching
 * corner cases, inet_aton's address forms, and the one mapping of libpq parameter names.
 * (Each rule is also run against PostgreSQL 15 and 18 next to psql in PgLibpqParityTest.)
 */
class LibpqRulesTest {
    @Test
    void namesMatchExactlyOrByOneLeftmostWildcardLabel() throws Exception {
        assertTrue(LibpqHostNames.nameMatches("db.example.com", "DB.example.COM"));
        assertTrue(LibpqHostNames.nameMatches("*.example.com", "db.example.com"));
        assertFalse(LibpqHostNames.nameMatches("*.example.com", "example.com"));
        assertFalse(LibpqHostNames.nameMatches("*.example.com", "a.b.example.com"));
        assertFalse(LibpqHostNames.nameMatches("*.example.com", ".example.com"));
        assertFalse(LibpqHostNames.nameMatches("db*.example.com", "db1.example.com"));
        assertFalse(LibpqHostNames.nameMatches("*", "localhost"));
        assertFalse(LibpqHostNames.nameMatches("localhost", "localhost."));
        TlsCertificateException nul = assertThrows(TlsCertificateException.class,
                () -> LibpqHostNames.nameMatches("evil.com\0.example.com", "evil.com"));
        assertEquals("SSL certificate's name contains embedded null", nul.getMessage());
    }

    @Test
    void ipAddressesAreWhatInetAtonAndInetPtonAccept() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, LibpqHostNames.address("127.0.0.1"));
        assertArrayEquals(new byte[] {127, 0, 0, 1}, LibpqHostNames.address("127.1"));
        assertArrayEquals(new byte[] {127, 0, 0, 1}, LibpqHostNames.address("0x7f.1"));
        assertArrayEquals(new byte[] {10, 0, 0, 8}, LibpqHostNames.address("012.0.0.010"));
        assertEquals(16, LibpqHostNames.address("::1").length);
        assertNull(LibpqHostNames.address("256.0.0.1"));
        assertNull(LibpqHostNames.address("db.example.com"));
        assertNull(LibpqHostNames.address("1.2.3.4."));
        assertNull(LibpqHostNames.address("fe80::1%eth0"));
    }

    @Test
    void libpqParameterNamesMapToTlsSettingsInOnePlace() {
        TlsConfig c = LibpqTls.apply(Map.of("sslrootcert", "/ca.crt", "sslcert", "/c.crt", "sslkey", "/c.key",
                "sslpassword", "pw", "sslcrl", "/root.crl", "sslcrldir", "/crls", "sslsni", "0",
                "ssl_min_protocol_version", "TLSv1.3"), TlsConfig.builder()).build();
        assertEquals(new TrustSource.PemFile(Path.of("/ca.crt")), c.trust());
        assertEquals(new ClientIdentity.CertificateAndKeyFiles(Path.of("/c.crt"), Path.of("/c.key"), Password.of("pw".toCharArray())),
                c.clientIdentity());
        assertEquals(java.util.List.of(Path.of("/root.crl"), Path.of("/crls")), c.crls());
        assertFalse(c.sni());
        assertEquals(java.util.List.of("TLSv1.3"), c.enabledProtocols());
        assertEquals(new TrustSource.OperatingSystem(), LibpqTls.apply(Map.of("sslrootcert", "system"), TlsConfig.builder()).build().trust());
        TlsConfig named = LibpqTls.apply(Map.of("sslsni", "1", "sslservername", "cache.internal"), TlsConfig.builder()).build();
        assertTrue(named.sni());
        assertEquals("cache.internal", named.sniName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LibpqTls.apply(Map.of("sslsni", "cache.internal"), TlsConfig.builder()));
        assertEquals("sslsni must be 0 or 1 (as in libpq), got \"cache.internal\"; to send a different SNI name,"
                + " use sslservername=cache.internal", e.getMessage());
        assertEquals("sslcert needs sslkey", assertThrows(IllegalArgumentException.class,
                () -> LibpqTls.apply(Map.of("sslcert", "/c.crt"), TlsConfig.builder())).getMessage());
    }

    @Test
    void socketOptionsFromLibpqNames() {
        SocketOptions o = SocketOptions.fromLibpq(Map.of("keepalives_idle", "30", "keepalives_interval", "5",
                "keepalives_count", "4", "tcp_user_timeout", "2500"));
        assertTrue(o.keepalives());
        assertEquals(java.time.Duration.ofSeconds(30), o.keepalivesIdle());
        assertEquals(java.time.Duration.ofSeconds(5), o.keepalivesInterval());
        assertEquals(4, o.keepalivesCount());
        assertEquals(java.time.Duration.ofMillis(2500), o.userTimeout());
        assertFalse(SocketOptions.fromLibpq(Map.of("keepalives", "0")).keepalives());
        assertEquals(SocketOptions.DEFAULTS, SocketOptions.fromLibpq(Map.of()));
        assertEquals("invalid integer value \"-1\" for connection option \"tcp_user_timeout\"",
                assertThrows(IllegalArgumentException.class, () -> SocketOptions.fromLibpq(Map.of("tcp_user_timeout", "-1"))).getMessage());
    }
}
