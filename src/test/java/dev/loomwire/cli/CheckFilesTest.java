package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.TestCerts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code probe --check-files} with the generated certificate files (certs/generate.sh). */
class CheckFilesTest {

    private static String f(String name) {
        return TestCerts.file(name).toString();
    }

    @Test
    void goodFilesPass() {
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client.crt"), "sslkey=" + f("client.key"),
                "sslrootcert=" + f("ca.crt"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("PEM, PKCS#8, RSA 2048 bits"), r.out());
        assertTrue(r.out().contains("the key belongs to the certificate 'CN=loomwire"), r.out());
        assertTrue(r.out().contains("chains to 'CN=loomwire Test Root CA,O=loomwire tests' in sslrootcert"), r.out());
        assertTrue(r.out().contains("result: all files are usable"), r.out());
    }

    @Test
    void everyKeyFormatIsNamed() {
        for (Map.Entry<String, String> e : Map.of(
                "client-pkcs1.key", "PEM, PKCS#1 RSA",
                "client-key.der", "DER, PKCS#8",
                "client-encrypted.key", "PEM, encrypted PKCS#8").entrySet()) {
            Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client.crt"), "sslkey=" + f(e.getKey()),
                    "sslpassword=" + TestCerts.PASSWORD);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains(e.getValue()), e.getKey() + ": " + r.out());
            assertFalse(r.out().contains(TestCerts.PASSWORD), "password shown: " + r.out());
        }
        Cli.Result ec = Cli.run("probe", "--check-files", "sslcert=" + f("client-ec.crt"), "sslkey=" + f("client-ec.key"));
        assertEquals(0, ec.exitCode(), ec.toString());
        assertTrue(ec.out().contains("PEM, SEC1 EC, EC P-256"), ec.out());
        Cli.Result der = Cli.run("probe", "--check-files", "sslcert=" + f("client.der"));
        assertTrue(der.out().contains("DER, 1 certificate"), der.out());
    }

    @Test
    void aWorldReadableKeyIsWarnedAboutInThePostgresDriversWords(@TempDir Path dir) throws IOException {
        Path key = Files.copy(TestCerts.file("client.key"), dir.resolve("client.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client.crt"), "sslkey=" + key);
        assertEquals(0, r.exitCode(), "a warning, not a failure (Redis takes such keys): " + r);
        assertTrue(r.out().contains("warning: the PostgreSQL driver would refuse it: sslkey: private key file \"" + key
                + "\" has group or world access"), r.out());
    }

    @Test
    void mismatchedKeyIsReported() {
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client.crt"), "sslkey=" + f("server.key"),
                "sslrootcert=" + f("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("server.key does not match certificate " + f("client.crt")), r.out());
        assertFalse(r.out().contains("PRIVATE KEY"), "no key material: " + r.out());
    }

    @Test
    void wrongPasswordIsReportedWithoutShowingIt() {
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client.crt"), "sslkey=" + f("client-encrypted.key"),
                "sslpassword=not-the-password");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("wrong password"), r.out());
        assertFalse(r.out().contains("not-the-password"), r.out());

        Cli.Result none = Cli.run("probe", "--check-files", "sslkey=" + f("client-encrypted.key"));
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.out().contains("is encrypted but no password was given"), none.out());
    }

    @Test
    void certificateFromAnotherCaDoesNotChain() {
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("client-other-ca.crt"), "sslkey=" + f("client-other-ca.key"),
                "sslrootcert=" + f("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("does not chain to sslrootcert"), r.out());
        assertTrue(r.out().contains("issued by 'CN=loomwire Unrelated CA"), r.out());
    }

    @Test
    void expiredCertificateFails() {
        Cli.Result r = Cli.run("probe", "--check-files", "sslcert=" + f("server-expired.crt"), "sslkey=" + f("server-expired.key"),
                "sslrootcert=" + f("ca.crt"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("expired on 2020-"), r.out());
        assertTrue(r.out().contains("is not valid now"), r.out());
    }

    @Test
    void jsonShapeAndMissingFile() {
        Cli.Result r = Cli.run("probe", "--json", "--check-files", "sslcert=" + f("client.crt"), "sslrootcert=/nonexistent/ca.crt");
        assertEquals(1, r.exitCode(), r.toString());
        Map<?, ?> root = (Map<?, ?>) MiniJson.parse(r.out());
        assertEquals(Boolean.FALSE, ((Map<?, ?>) root.get("result")).get("ok"));
        List<?> phases = (List<?>) root.get("phases");
        assertTrue(phases.stream().anyMatch(p -> String.valueOf(((Map<?, ?>) p).get("summary")).contains("/nonexistent/ca.crt does not exist")), r.out());

        assertEquals(2, Cli.run("probe", "--check-files").exitCode());
        assertEquals(2, Cli.run("probe", "--check-files", "sslcrt=x").exitCode());
    }
}
