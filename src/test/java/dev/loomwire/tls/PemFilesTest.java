package dev.loomwire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads every certificate, key and store format certs/generate.sh writes, and every bad input. */
class PemFilesTest {
    @TempDir
    Path tmp;

    private static Path cert(String name) {
        return TestCerts.file(name);
    }

    private static void assertKeyMatches(String keyFile, char[] password, String certFile) throws Exception {
        PrivateKey key = PemFiles.readPrivateKey(cert(keyFile), password);
        X509Certificate c = PemFiles.readCertificates(cert(certFile)).get(0);
        assertTrue(PemFiles.keyMatches(key, c.getPublicKey()), keyFile + " should match " + certFile);
        PemFiles.checkKeyMatchesCertificate(key, c, cert(keyFile), cert(certFile));
    }

    @Test
    void readsPkcs8PemKey() throws Exception {
        assertKeyMatches("client.key", null, "client.crt");
    }

    @Test
    void readsPkcs1RsaPemKey() throws Exception {
        assertTrue(Files.readString(cert("client-pkcs1.key")).contains("BEGIN RSA PRIVATE KEY"));
        assertKeyMatches("client-pkcs1.key", null, "client.crt");
    }

    @Test
    void readsEncryptedPkcs8WithPbes2Aes256() throws Exception {
        assertKeyMatches("client-encrypted.key", TestCerts.password(), "client.crt");
    }

    @Test
    void readsPkcs8DerKey() throws Exception {
        assertKeyMatches("client-key.der", null, "client.der");
    }

    @Test
    void readsSec1EcKey() throws Exception {
        assertTrue(Files.readString(cert("client-ec.key")).contains("BEGIN EC PRIVATE KEY"));
        assertKeyMatches("client-ec.key", null, "client-ec.crt");
        assertKeyMatches("server-ec.key", null, "server-ec.crt");
    }

    @Test
    void readsEveryServerKey() throws Exception {
        for (String n : List.of("server", "server-wronghost", "server-iponly", "server-dnsonly", "server-other-ca",
                "server-intermediate", "server-expired", "server-revoked", "client-other-ca", "ca", "other-ca", "intermediate")) {
            assertKeyMatches(n + ".key", null, n + ".crt");
        }
    }

    @Test
    void readsDerCertificateAndPemCertificateAlike() throws Exception {
        assertEquals(PemFiles.readCertificates(cert("client.crt")), PemFiles.readCertificates(cert("client.der")));
    }

    @Test
    void readsChainsAndBundlesInOrder() throws Exception {
        List<X509Certificate> chain = PemFiles.readCertificates(cert("server-chain.crt"));
        assertEquals(2, chain.size());
        assertEquals(PemFiles.readCertificates(cert("server-intermediate.crt")).get(0), chain.get(0));
        assertEquals(PemFiles.readCertificates(cert("intermediate.crt")).get(0), chain.get(1));
        assertEquals(2, PemFiles.readCertificates(cert("ca-bundle.crt")).size());
    }

    @Test
    void ignoresCommentsBetweenBundleBlocks() throws Exception {
        Path p = tmp.resolve("bundle.pem");
        Files.writeString(p, "# Issuer: test\n" + Files.readString(cert("ca.crt")) + "\nsome text\n"
                + Files.readString(cert("other-ca.crt")));
        assertEquals(2, PemFiles.readCertificates(p).size());
    }

    @Test
    void readsKeyFromFileHoldingCertificateAndKey() throws Exception {
        Path p = tmp.resolve("both.pem");
        Files.writeString(p, Files.readString(cert("client.crt")) + Files.readString(cert("client.key")));
        assertEquals("RSA", PemFiles.readPrivateKey(p, null).getAlgorithm());
        assertEquals(1, PemFiles.readCertificates(p).size());
    }

    @Test
    void readsPkcs12AndJksKeystores() throws Exception {
        KeyStore p12 = PemFiles.loadKeyStore(cert("client.p12"), TestCerts.password());
        assertEquals("PKCS12", p12.getType());
        assertTrue(p12.isKeyEntry("client"));
        KeyStore trustP12 = PemFiles.loadKeyStore(cert("truststore.p12"), TestCerts.password());
        assertTrue(trustP12.isCertificateEntry(trustP12.aliases().nextElement()), "openssl-made trust store must not look empty");
        assertEquals(PemFiles.readCertificates(cert("ca.crt")).get(0), trustP12.getCertificate(trustP12.aliases().nextElement()));
        KeyStore jks = PemFiles.loadKeyStore(cert("truststore.jks"), TestCerts.password());
        assertEquals("JKS", jks.getType());
        assertTrue(jks.isCertificateEntry("ca"));
    }

    @Test
    void detectsKeystoreTypeByContentNotName() throws Exception {
        Path renamed = tmp.resolve("store.p12");
        Files.copy(cert("truststore.jks"), renamed);
        assertEquals("JKS", PemFiles.loadKeyStore(renamed, TestCerts.password()).getType());
    }

    @Test
    void readsCrlFileAndDirectory() throws Exception {
        List<X509CRL> crls = PemFiles.readCrls(cert("ca.crl"));
        assertEquals(1, crls.size());
        X509Certificate revoked = PemFiles.readCertificates(cert("server-revoked.crt")).get(0);
        assertTrue(crls.get(0).isRevoked(revoked));
        Path dir = Files.createDirectory(tmp.resolve("crls"));
        Files.copy(cert("ca.crl"), dir.resolve("root.r0"));
        Files.writeString(dir.resolve("README"), "hashed CRL directory\n");
        assertEquals(1, PemFiles.readCrls(dir).size());
    }

    // ------------------------------------------------------------------ bad input

    private static String configError(ThrowingRunnable r) {
        TlsException e = assertThrows(TlsException.class, r::run);
        assertEquals(TlsException.Kind.CONFIG, e.kind(), e.getMessage());
        assertFalse(e.getMessage().contains(TestCerts.PASSWORD), "message must not contain the password");
        return e.getMessage();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void missingFileIsNamed() {
        Path p = tmp.resolve("nope.crt");
        assertEquals("certificate file " + p + " does not exist", configError(() -> PemFiles.readCertificates(p)));
        assertEquals("private key " + p + " does not exist", configError(() -> PemFiles.readPrivateKey(p, null)));
        assertEquals("keystore " + p + " does not exist", configError(() -> PemFiles.loadKeyStore(p, null)));
        assertEquals("CRL file " + p + " does not exist", configError(() -> PemFiles.readCrls(p)));
    }

    @Test
    void unreadablePathIsNamed() {
        // Tests run as root, where chmod 000 does not stop reading; a directory cannot be read as a file.
        assertEquals("certificate file " + tmp + " is a directory, not a file", configError(() -> PemFiles.readCertificates(tmp)));
        assertEquals("private key " + tmp + " is a directory, not a file", configError(() -> PemFiles.readPrivateKey(tmp, null)));
    }

    @Test
    void garbageAndEmptyFilesHoldNoCertificate() throws Exception {
        Path garbage = Files.write(tmp.resolve("garbage.crt"), "this is not a certificate\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(configError(() -> PemFiles.readCertificates(garbage)).startsWith("no certificate found in " + garbage));
        Path empty = Files.createFile(tmp.resolve("empty.crt"));
        assertEquals("no certificate found in " + empty + " (the file is empty)", configError(() -> PemFiles.readCertificates(empty)));
        assertTrue(configError(() -> PemFiles.readPrivateKey(garbage, null)).startsWith("no private key found in " + garbage));
        assertEquals("no certificate found in " + cert("client.key") + " (PEM blocks found: PRIVATE KEY)",
                configError(() -> PemFiles.readCertificates(cert("client.key"))));
        assertTrue(configError(() -> PemFiles.readPrivateKey(cert("client.crt"), null))
                .startsWith("no private key found in " + cert("client.crt") + " (PEM blocks found: CERTIFICATE;"));
        assertTrue(configError(() -> PemFiles.loadKeyStore(garbage, null))
                .startsWith("keystore " + garbage + " is neither a PKCS#12 nor a JKS keystore"));
        assertTrue(configError(() -> PemFiles.readCrls(garbage)).startsWith("no CRL found in " + garbage));
    }

    @Test
    void corruptPemBlockIsReported() throws Exception {
        Path p = Files.writeString(tmp.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
        assertEquals("certificate file " + p + ": PEM block 1 (\"CERTIFICATE\") is not a valid X.509 certificate",
                configError(() -> PemFiles.readCertificates(p)));
        Path q = Files.writeString(tmp.resolve("trunc.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertTrue(configError(() -> PemFiles.readCertificates(q)).contains("has no matching END line"));
    }

    @Test
    void wrongPasswordForEncryptedKey() {
        Path k = cert("client-encrypted.key");
        assertEquals("private key " + k + ": wrong password", configError(() -> PemFiles.readPrivateKey(k, "nope".toCharArray())));
        assertEquals("client key " + k + ": wrong sslpassword", configError(() ->
                PemFiles.readPrivateKey(k, "nope".toCharArray(), PemFiles.KeyLabel.CLIENT)));
    }

    @Test
    void missingPasswordForEncryptedKey() {
        Path k = cert("client-encrypted.key");
        assertEquals("client key " + k + " is encrypted but no sslpassword was given",
                configError(() -> PemFiles.readPrivateKey(k, null, PemFiles.KeyLabel.CLIENT)));
    }

    @Test
    void keyNotMatchingCertificate() throws Exception {
        PrivateKey other = PemFiles.readPrivateKey(cert("client-other-ca.key"), null);
        X509Certificate c = PemFiles.readCertificates(cert("client.crt")).get(0);
        assertEquals("client key " + cert("client-other-ca.key") + " does not match certificate " + cert("client.crt"),
                configError(() -> PemFiles.checkKeyMatchesCertificate(other, c, cert("client-other-ca.key"), cert("client.crt"))));
        PrivateKey ec = PemFiles.readPrivateKey(cert("client-ec.key"), null);
        assertFalse(PemFiles.keyMatches(ec, c.getPublicKey()));
        assertFalse(PemFiles.keyMatches(ec, PemFiles.readCertificates(cert("server-ec.crt")).get(0).getPublicKey()));
    }

    @Test
    void wrongAndMissingKeystorePassword() {
        for (String store : List.of("client.p12", "truststore.p12", "truststore.jks")) {
            Path p = cert(store);
            assertEquals("keystore " + p + ": wrong password", configError(() -> PemFiles.loadKeyStore(p, "nope".toCharArray())));
        }
        Path p12 = cert("truststore.p12");
        assertTrue(configError(() -> PemFiles.loadKeyStore(p12, null)).startsWith("keystore " + p12));
    }

    @Test
    void unsupportedPkcs8EncryptionIsNamed() throws Exception {
        // PBES2 with PBKDF2 and DES-CBC (1.3.14.3.2.7): decoded far enough to name the cipher.
        byte[] der = Der.sequence(
                Der.sequence(Der.oid("1.2.840.113549.1.5.13"), Der.sequence(
                        Der.sequence(Der.oid("1.2.840.113549.1.5.12"),
                                Der.sequence(Der.octetString(new byte[8]), Der.integer(2048))),
                        Der.sequence(Der.oid("1.3.14.3.2.7"), Der.octetString(new byte[8])))),
                Der.octetString(new byte[16]));
        Path p = Files.writeString(tmp.resolve("des.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(der) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertEquals("private key " + p + ": PKCS#8 encrypted with DES is not supported",
                configError(() -> PemFiles.readPrivateKey(p, "x".toCharArray())));
        byte[] pbes1 = Der.sequence(Der.sequence(Der.oid("1.2.840.113549.1.5.3"),
                Der.sequence(Der.octetString(new byte[8]), Der.integer(2048))), Der.octetString(new byte[16]));
        Path q = Files.write(tmp.resolve("pbes1.der"), pbes1);
        assertEquals("private key " + q + ": PKCS#8 encrypted with PBES1 (MD5 and DES) is not supported",
                configError(() -> PemFiles.readPrivateKey(q, "x".toCharArray())));
    }

    @Test
    void readsPkcs1AndSec1AsDer() throws Exception {
        byte[] pkcs1 = pemBody(cert("client-pkcs1.key"));
        Path p = Files.write(tmp.resolve("pkcs1.der"), pkcs1);
        assertTrue(PemFiles.keyMatches(PemFiles.readPrivateKey(p, null), PemFiles.readCertificates(cert("client.crt")).get(0).getPublicKey()));
        Path s = Files.write(tmp.resolve("sec1.der"), pemBody(cert("client-ec.key")));
        assertTrue(PemFiles.keyMatches(PemFiles.readPrivateKey(s, null), PemFiles.readCertificates(cert("client-ec.crt")).get(0).getPublicKey()));
    }

    @Test
    void readsLegacyEncryptedPem() throws Exception {
        Path out = tmp.resolve("legacy.key");
        Process pr = new ProcessBuilder("openssl", "rsa", "-in", cert("client.key").toString(), "-traditional", "-aes256",
                "-passout", "pass:" + TestCerts.PASSWORD, "-out", out.toString()).redirectErrorStream(true).start();
        assertEquals(0, pr.waitFor(), new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(out).contains("DEK-Info: AES-256-CBC"));
        assertTrue(PemFiles.keyMatches(PemFiles.readPrivateKey(out, TestCerts.password()),
                PemFiles.readCertificates(cert("client.crt")).get(0).getPublicKey()));
        assertEquals("private key " + out + ": wrong password", configError(() -> PemFiles.readPrivateKey(out, "bad".toCharArray())));
    }

    private static byte[] pemBody(Path p) throws Exception {
        return Pem.parse(Files.readAllBytes(p)).get(0).der();
    }
}
