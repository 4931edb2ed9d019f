package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder defaults, validation messages, equality for caching, and secrets kept out of toString. */
class TlsConfigTest {
    private static String rejected(TlsConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void defaults() {
        TlsConfig c = TlsConfig.builder().build();
        assertEquals(TlsVerification.FULL, c.verification());
        assertTrue(c.sni());
        assertEquals("TLSv1.2", c.minProtocol());
        assertNull(c.maxProtocol());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), c.enabledProtocols());
        assertEquals(List.of(), c.alpn());
    }

    @Test
    void conflictingOrIncompleteSettingsAreNamed() {
        assertEquals("choose one trust source, not trustPemFile and trustSystem",
                rejected(TlsConfig.builder().trustPemFile(Path.of("/ca.crt")).trustSystem()));
        assertEquals("clientCertificate needs both a certificate file and a key file (got no key)",
                rejected(TlsConfig.builder().clientCertificate(Path.of("/c.crt"), null, null)));
        assertEquals("choose clientCertificate or clientKeyStore, not both",
                rejected(TlsConfig.builder().clientCertificate(Path.of("/c"), Path.of("/k"), null).clientKeyStore(Path.of("/s.p12"), null)));
        assertEquals("verification must not be null (NONE, CA or FULL)", rejected(TlsConfig.builder().verification(null)));
    }

    @Test
    void protocolVersionsAreChecked() {
        assertEquals("minProtocol must be TLSv1.2 or TLSv1.3, got \"TLSv1.1\" (older versions are insecure and disabled)",
                rejected(TlsConfig.builder().minProtocol("TLSv1.1")));
        assertEquals("maxProtocol must be TLSv1.2 or TLSv1.3, got \"TLSv9\"", rejected(TlsConfig.builder().maxProtocol("TLSv9")));
        assertEquals("maxProtocol TLSv1.2 is older than minProtocol TLSv1.3",
                rejected(TlsConfig.builder().minProtocol("TLSv1.3").maxProtocol("TLSv1.2")));
        assertEquals(List.of("TLSv1.3"), TlsConfig.builder().minProtocol("tlsv1.3").build().enabledProtocols());
    }

    @Test
    void sniAndAlpnAreChecked() {
        assertEquals("sniName must be a host name, not an IP address: 10.0.0.1", rejected(TlsConfig.builder().sniName("10.0.0.1")));
        assertEquals("sniName \"bad name\" is not a valid host name", rejected(TlsConfig.builder().sniName("bad name")));
        assertEquals("db.example", TlsConfig.builder().sniName("db.example.").build().sniName());
        assertEquals("alpn: protocol names must be 1 to 255 bytes, got \"\"", rejected(TlsConfig.builder().alpn("")));
        assertEquals(List.of("postgresql"), TlsConfig.builder().alpn("postgresql").build().alpn());
    }

    @Test
    void keyLogFileIsRejectedBecauseTheJdkHasNoTlsSecrets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.builder().keyLogFile(Path.of("/tmp/keys.log")));
        assertTrue(e.getMessage().startsWith("sslkeylogfile is not supported by the JDK's TLS implementation"), e.getMessage());
        assertNull(TlsConfig.builder().keyLogFile(null).build().keyLogFile());
    }

    @Test
    void equalConfigurationsAreEqualIncludingPasswords() {
        TlsConfig a = TlsConfig.builder().trustPemFile(Path.of("/ca.crt"))
                .clientCertificate(Path.of("/c.crt"), Path.of("/c.key"), "pw".toCharArray()).alpn("postgresql").build();
        TlsConfig b = a.toBuilder().build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.toBuilder().clientCertificate(Path.of("/c.crt"), Path.of("/c.key"), "other".toCharArray()).build());
        assertNotEquals(a, a.toBuilder().verification(TlsVerification.CA).build());
    }

    @Test
    void passwordsAreCopiedAndNeverPrinted() {
        char[] pw = "s3cret-pw".toCharArray();
        TlsConfig c = TlsConfig.builder().clientKeyStore(Path.of("/client.p12"), pw).build();
        pw[0] = 'X';
        ClientIdentity.KeyStoreFile store = (ClientIdentity.KeyStoreFile) c.clientIdentity();
        assertEquals("s3cret-pw", new String(store.password().chars()));
        store.password().chars()[0] = 'Y';
        assertEquals("s3cret-pw", new String(store.password().chars()));
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertTrue(c.toString().contains("(password set)"), c.toString());
    }
}
