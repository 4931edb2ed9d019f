package dev.loomwire.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Where the certificates that may end a server's chain come from: exactly one of these per
 * {@link TlsConfig}. Switch over it exhaustively; passwords are copied in and never printed.
 */
public sealed interface TrustSource {

    /** The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    record JdkDefault() implements TrustSource {}

    /**
     * The operating system's trust store as OpenSSL sees it (libpq {@code sslrootcert=system}):
     * {@code SSL_CERT_FILE} / {@code SSL_CERT_DIR} when set, else the distribution's CA bundle
     * (Debian's {@code /etc/ssl/certs/ca-certificates.crt} and the other usual places); the JDK's
     * store only when the machine has none. Which one was used is named in messages.
     */
    record OperatingSystem() implements TrustSource {
        /** Where the store is on this machine now, e.g. "... (/etc/ssl/certs/ca-certificates.crt)", or the JDK fallback. */
        public String location() {
            SystemTrust t = SystemTrust.locate();
            return t.paths().isEmpty() ? "the JDK default trust store (" + t.description() + " finds none)" : t.description();
        }
    }

    /** A PEM (or DER) file or bundle (libpq {@code sslrootcert=<file>}). */
    record PemFile(Path path) implements TrustSource {
        /** Checks the path. */
        public PemFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** The certificate entries of a PKCS#12 or JKS store (type detected from content). */
    record KeyStoreFile(Path path, Password password) implements TrustSource {
        /** Checks the path; the password may be {@code null}. */
        public KeyStoreFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** Certificates held in memory (e.g. from a Spring Boot SSL bundle). */
    record Certificates(List<X509Certificate> certificates) implements TrustSource {
        /** Copies the list; it must not be empty. */
        public Certificates {
            certificates = List.copyOf(certificates);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("trustCertificates: no certificates given");
            }
        }

        @Override
        public String toString() {
            return "Certificates[" + certificates.size() + " in memory]";
        }
    }
}
