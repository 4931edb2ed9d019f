package dev.loomwire.testcontainers;

import dev.loomwire.tls.TestCertificateAuthority;
import dev.loomwire.tls.TestCertificateAuthority.IssuedCertificate;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsVerification;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One container's throw-away certificates: a CA, a server certificate for the names the client
 * connects to, a client certificate, and the client-side files in a private temporary directory.
 */
record TlsMaterial(TestCertificateAuthority ca, IssuedCertificate server, IssuedCertificate client, Path dir) {
    static final String KEY_STORE_PASSWORD = "changeit";

    static TlsMaterial create(String caName, List<String> serverNames, String clientName) {
        TestCertificateAuthority ca = TestCertificateAuthority.create(caName);
        IssuedCertificate server = ca.issueServerCertificate(serverNames);
        IssuedCertificate client = ca.issueClientCertificate(clientName);
        Path dir;
        try {
            dir = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempDirectory("loomwire-tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory("loomwire-tls-");
            TlsMaterial m = new TlsMaterial(ca, server, client, dir);
            Files.writeString(m.caFile(), TestCertificateAuthority.toPem(ca.certificate()), StandardCharsets.US_ASCII);
            Files.writeString(m.clientCertFile(), client.certificatePem(), StandardCharsets.US_ASCII);
            writePrivate(m.clientKeyFile(), client.privateKeyPem().getBytes(StandardCharsets.US_ASCII));
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry("client", client.privateKey(), KEY_STORE_PASSWORD.toCharArray(),
                    client.chain().toArray(X509Certificate[]::new));
            try (OutputStream out = Files.newOutputStream(m.clientKeyStoreFile())) {
                p12.store(out, KEY_STORE_PASSWORD.toCharArray());
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the container's TLS files to a temporary directory", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the client's PKCS#12 key store", e);
        }
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    Path clientCertFile() {
        return dir.resolve("client.crt");
    }

    Path clientKeyFile() {
        return dir.resolve("client.key");
    }

    Path clientKeyStoreFile() {
        return dir.resolve("client.p12");
    }

    /** Verify the server's chain and name against the CA; present the client certificate when asked. */
    TlsConfig clientTlsConfig() {
        return TlsConfig.builder()
                .verification(TlsVerification.FULL)
                .trustCertificates(List.of(ca.certificate()))
                .clientKey(client.privateKey(), client.chain())
                .build();
    }

    void delete() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
