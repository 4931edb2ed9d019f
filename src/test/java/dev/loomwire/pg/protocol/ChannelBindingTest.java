package dev.loomwire.pg.protocol;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tls-server-end-point hashes for certificates made by openssl with various signature algorithms. */
class ChannelBindingTest {
    @TempDir
    Path dir;

    private X509Certificate cert(String name, String... keyAndDigestArgs) throws Exception {
        Path crt = dir.resolve(name + ".crt");
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "1",
                "-subj", "/CN=" + name, "-keyout", dir.resolve(name + ".key").toString(), "-out", crt.toString()));
        cmd.addAll(List.of(keyAndDigestArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed: " + out);
        try (InputStream in = Files.newInputStream(crt)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static byte[] digest(String alg, X509Certificate c) throws Exception {
        return MessageDigest.getInstance(alg).digest(c.getEncoded());
    }

    @Test
    void rsaSha256UsesSha256() throws Exception {
        X509Certificate c = cert("rsa256", "-newkey", "rsa:2048", "-sha256");
        assertArrayEquals(digest("SHA-256", c), ChannelBinding.tlsServerEndPoint(c).orElseThrow());
    }

    @Test
    void ecdsaSha384UsesSha384() throws Exception {
        X509Certificate c = cert("ec384", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384");
        assertEquals(Optional.of("SHA-384"), ChannelBinding.hashAlgorithm(c));
        assertArrayEquals(digest("SHA-384", c), ChannelBinding.tlsServerEndPoint(c).orElseThrow());
    }

    @Test
    void sha1IsUpgradedToSha256() throws Exception {
        X509Certificate c = cert("rsa1", "-newkey", "rsa:2048", "-sha1");
        assertEquals(Optional.of("SHA-256"), ChannelBinding.hashAlgorithm(c));
    }

    @Test
    void rsaPssTakesTheHashFromItsParameters() throws Exception {
        X509Certificate c = cert("pss", "-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048",
                "-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1");
        assertEquals("1.2.840.113549.1.1.10", c.getSigAlgOID());
        assertEquals(Optional.of("SHA-512"), ChannelBinding.hashAlgorithm(c));
    }

    @Test
    void ed25519HasNoChannelBinding() throws Exception {
        X509Certificate c = cert("ed", "-newkey", "ed25519");
        assertTrue(ChannelBinding.tlsServerEndPoint(c).isEmpty());
    }

    @Test
    void signatureNames() {
        assertEquals(Optional.of("SHA-256"), ChannelBinding.digestFromSignatureName("MD5withRSA"));
        assertEquals(Optional.of("SHA-256"), ChannelBinding.digestFromSignatureName("SHA1withECDSA"));
        assertEquals(Optional.of("SHA3-256"), ChannelBinding.digestFromSignatureName("SHA3-256withRSA"));
        assertEquals(Optional.empty(), ChannelBinding.digestFromSignatureName("Ed25519"));
    }
}
