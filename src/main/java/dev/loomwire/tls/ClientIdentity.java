package dev.loomwire.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The client certificate a {@link TlsConfig} presents when the server asks for one: none, a
 * certificate file with its key file, a PKCS#12/JKS key store, or a key and chain held in memory.
 * Switch over it exhaustively; passwords are copied in and never printed.
 */
public sealed interface ClientIdentity {

    /** Whether a certificate is configured (anything but {@link None}). */
    default boolean present() {
        return !(this instanceof None);
    }

    /** No client certificate. */
    record None() implements ClientIdentity {}

    /**
     * A certificate (PEM or DER; a PEM file may hold the chain, leaf first) and its private key
     * (any format {@link PemFiles#readPrivateKey} reads): libpq {@code sslcert}/{@code sslkey}/{@code sslpassword}.
     */
    record CertificateAndKeyFiles(Path certificate, Path key, Password password) implements ClientIdentity {
        /** Checks the paths; the password may be {@code null}. */
        public CertificateAndKeyFiles {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }
    }

    /** The first key entry, with its chain, of a PKCS#12 or JKS store. */
    record KeyStoreFile(Path path, Password password) implements ClientIdentity {
        /** Checks the path; the password may be {@code null}. */
        public KeyStoreFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A private key and its certificate chain (leaf first) held in memory, e.g. from a Spring Boot SSL bundle. */
    record InMemory(PrivateKey key, List<X509Certificate> chain) implements ClientIdentity {
        /** Copies the chain; the key must match the leaf certificate. */
        public InMemory {
            Objects.requireNonNull(key, "key");
            if (chain == null || chain.isEmpty()) {
                throw new IllegalArgumentException("clientKey needs its certificate chain (leaf first)");
            }
            chain = List.copyOf(chain);
            if (!PemFiles.keyMatches(key, chain.get(0).getPublicKey())) {
                throw new IllegalArgumentException("clientKey does not match certificate "
                        + chain.get(0).getSubjectX500Principal().getName());
            }
        }

        @Override
        public String toString() {
            return "clientKey=in memory (" + chain.get(0).getSubjectX500Principal().getName() + ")";
        }
    }
}
