package dev.loomwire.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SNIHostName;

/**
 * Immutable TLS settings for one kind of connection: how much to verify, what to trust, which
 * client certificate to present, SNI, ALPN and protocol versions. Equal configurations share one
 * cached {@link javax.net.ssl.SSLContext} (see {@link TlsSockets}), so build it once and reuse it.
 *
 * <p>Trust: exactly one of {@link Builder#trustPemFile}, {@link Builder#trustStore},
 * {@link Builder#trustSystem}, {@link Builder#trustCertificates}; with none, the JDK's default trust store is used. Trust settings
 * and CRLs have no effect under {@link TlsVerification#NONE}.
 *
 * <p>Revocation: with {@link Builder#crl} files, every certificate in the chain is checked against
 * the CRLs given; a revoked certificate fails the handshake. A certificate whose issuer has no CRL
 * among them passes (soft fail: we check the CRLs we have, nothing is fetched from the network).
 */
public final class TlsConfig {
    /** Protocol versions {@link Builder#minProtocol}/{@link Builder#maxProtocol} accept, oldest first. */
    static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final TlsVerification verification;
    private final Path trustPemFile;
    private final boolean trustSystem;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final Path clientCertFile;
    private final Path clientKeyFile;
    private final char[] clientKeyPassword;
    private final Path clientKeyStore;
    private final char[] clientKeyStorePassword;
    private final List<X509Certificate> trustCertificates;
    private final PrivateKey clientKey;
    private final List<X509Certificate> clientKeyChain;
    private final List<Path> crls;
    private final boolean sni;
    private final String sniName;
    private final List<String> alpn;
    private final String minProtocol;
    private final String maxProtocol;

    private TlsConfig(Builder b) {
        verification = b.verification;
        trustPemFile = b.trustPemFile;
        trustSystem = b.trustSystem;
        trustStore = b.trustStore;
        trustStorePassword = copy(b.trustStorePassword);
        clientCertFile = b.clientCertFile;
        clientKeyFile = b.clientKeyFile;
        clientKeyPassword = copy(b.clientKeyPassword);
        clientKeyStore = b.clientKeyStore;
        clientKeyStorePassword = copy(b.clientKeyStorePassword);
        trustCertificates = b.trustCertificates;
        clientKey = b.clientKey;
        clientKeyChain = b.clientKeyChain;
        crls = List.copyOf(b.crls);
        sni = b.sni;
        sniName = b.sniName;
        alpn = List.copyOf(b.alpn);
        minProtocol = b.minProtocol;
        maxProtocol = b.maxProtocol;
    }

    /** A builder with the defaults: FULL verification, JDK trust store, SNI on, TLSv1.2 minimum. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.verification = verification;
        b.trustPemFile = trustPemFile;
        b.trustSystem = trustSystem;
        b.trustStore = trustStore;
        b.trustStorePassword = copy(trustStorePassword);
        b.clientCertFile = clientCertFile;
        b.clientKeyFile = clientKeyFile;
        b.clientKeyPassword = copy(clientKeyPassword);
        b.clientKeyStore = clientKeyStore;
        b.clientKeyStorePassword = copy(clientKeyStorePassword);
        b.trustCertificates = trustCertificates;
        b.clientKey = clientKey;
        b.clientKeyChain = clientKeyChain;
        b.crls.addAll(crls);
        b.sni = sni;
        b.sniName = sniName;
        b.alpn.addAll(alpn);
        b.minProtocol = minProtocol;
        b.maxProtocol = maxProtocol;
        return b;
    }

    /** How much of the server's identity is checked. */
    public TlsVerification verification() { return verification; }

    /** PEM file or bundle of trusted certificates, or {@code null}. */
    public Path trustPemFile() { return trustPemFile; }

    /** Whether the JDK's default trust store was chosen explicitly. */
    public boolean trustSystem() { return trustSystem; }

    /** PKCS#12/JKS trust store, or {@code null}. */
    public Path trustStore() { return trustStore; }

    /** A copy of the trust store password, or {@code null}. */
    public char[] trustStorePassword() { return copy(trustStorePassword); }

    /** Client certificate (chain) file, PEM or DER, or {@code null}. */
    public Path clientCertFile() { return clientCertFile; }

    /** Client private key file, or {@code null}. */
    public Path clientKeyFile() { return clientKeyFile; }

    /** A copy of the client key's password, or {@code null}. */
    public char[] clientKeyPassword() { return copy(clientKeyPassword); }

    /** PKCS#12/JKS store holding the client key and certificate, or {@code null}. */
    public Path clientKeyStore() { return clientKeyStore; }

    /** A copy of the client keystore password, or {@code null}. */
    public char[] clientKeyStorePassword() { return copy(clientKeyStorePassword); }

    /** CRL files and directories, in the order given. */
    public List<Path> crls() { return crls; }

    /** Whether SNI is sent (never for IP literals unless {@link #sniName()} is set). */
    public boolean sni() { return sni; }

    /** Name sent as SNI instead of the host, or {@code null}. */
    public String sniName() { return sniName; }

    /** ALPN protocols offered, in preference order; empty for none. */
    public List<String> alpn() { return alpn; }

    /** Oldest protocol version allowed. */
    public String minProtocol() { return minProtocol; }

    /** Newest protocol version allowed, or {@code null} for the newest the JDK supports. */
    public String maxProtocol() { return maxProtocol; }

    /** Trust anchors given in memory ({@link Builder#trustCertificates}), or null. */
    public List<X509Certificate> trustCertificates() { return trustCertificates; }

    /** Client private key given in memory ({@link Builder#clientKey}), or null. */
    public PrivateKey clientKey() { return clientKey; }

    /** Certificate chain (leaf first) of the in-memory {@link #clientKey()}, or null. */
    public List<X509Certificate> clientKeyChain() { return clientKeyChain; }

    /** Always {@code null}: TLS key logging is not possible with the JDK (see {@link Builder#keyLogFile}). */
    public Path keyLogFile() { return null; }

    /** The protocol versions to enable, oldest first. */
    List<String> enabledProtocols() {
        int from = PROTOCOLS.indexOf(minProtocol);
        int to = maxProtocol == null ? PROTOCOLS.size() - 1 : PROTOCOLS.indexOf(maxProtocol);
        return PROTOCOLS.subList(from, to + 1);
    }

    /** Every file or directory this configuration reads (for change detection). */
    List<Path> referencedPaths() {
        List<Path> out = new ArrayList<>();
        for (Path p : new Path[] {trustPemFile, trustStore, clientCertFile, clientKeyFile, clientKeyStore}) {
            if (p != null) {
                out.add(p);
            }
        }
        out.addAll(crls);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsConfig c
                && verification == c.verification
                && trustSystem == c.trustSystem
                && sni == c.sni
                && Objects.equals(trustPemFile, c.trustPemFile)
                && Objects.equals(trustStore, c.trustStore)
                && Arrays.equals(trustStorePassword, c.trustStorePassword)
                && Objects.equals(clientCertFile, c.clientCertFile)
                && Objects.equals(clientKeyFile, c.clientKeyFile)
                && Arrays.equals(clientKeyPassword, c.clientKeyPassword)
                && Objects.equals(clientKeyStore, c.clientKeyStore)
                && Arrays.equals(clientKeyStorePassword, c.clientKeyStorePassword)
                && Objects.equals(trustCertificates, c.trustCertificates)
                && Objects.equals(clientKey, c.clientKey)
                && Objects.equals(clientKeyChain, c.clientKeyChain)
                && crls.equals(c.crls)
                && Objects.equals(sniName, c.sniName)
                && alpn.equals(c.alpn)
                && minProtocol.equals(c.minProtocol)
                && Objects.equals(maxProtocol, c.maxProtocol);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(verification, trustSystem, sni, trustPemFile, trustStore, clientCertFile,
                clientKeyFile, clientKeyStore, crls, sniName, alpn, minProtocol, maxProtocol, trustCertificates,
                clientKeyChain);
        return 31 * h + Arrays.hashCode(clientKeyPassword) + Arrays.hashCode(clientKeyStorePassword)
                + Arrays.hashCode(trustStorePassword);
    }

    /** Describes the settings; passwords show only whether one is set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TlsConfig[verification=").append(verification);
        if (trustPemFile != null) sb.append(", trustPemFile=").append(trustPemFile);
        if (trustSystem) sb.append(", trustSystem");
        if (trustStore != null) sb.append(", trustStore=").append(trustStore).append(secret(trustStorePassword));
        if (clientCertFile != null) {
            sb.append(", clientCert=").append(clientCertFile).append(", clientKey=").append(clientKeyFile)
                    .append(secret(clientKeyPassword));
        }
        if (clientKeyStore != null) sb.append(", clientKeyStore=").append(clientKeyStore).append(secret(clientKeyStorePassword));
        if (trustCertificates != null) sb.append(", trustCertificates=").append(trustCertificates.size()).append(" in memory");
        if (clientKey != null) {
            sb.append(", clientKey=in memory (").append(clientKeyChain.get(0).getSubjectX500Principal().getName()).append(')');
        }
        if (!crls.isEmpty()) sb.append(", crls=").append(crls);
        sb.append(", sni=").append(sni);
        if (sniName != null) sb.append(", sniName=").append(sniName);
        if (!alpn.isEmpty()) sb.append(", alpn=").append(alpn);
        sb.append(", protocols=").append(enabledProtocols());
        return sb.append(']').toString();
    }

    private static String secret(char[] password) {
        return password == null ? "" : " (password set)";
    }

    private static char[] copy(char[] a) {
        return a == null ? null : a.clone();
    }

    /**
     * Collects settings for a {@link TlsConfig}; {@link #build()} validates them. Not thread-safe.
     * Passing {@code null} to a path setting clears it.
     */
    public static final class Builder {
        private TlsVerification verification = TlsVerification.FULL;
        private Path trustPemFile;
        private boolean trustSystem;
        private Path trustStore;
        private char[] trustStorePassword;
        private Path clientCertFile;
        private Path clientKeyFile;
        private char[] clientKeyPassword;
        private Path clientKeyStore;
        private char[] clientKeyStorePassword;
        private List<X509Certificate> trustCertificates;
        private PrivateKey clientKey;
        private List<X509Certificate> clientKeyChain;
        private final List<Path> crls = new ArrayList<>();
        private boolean sni = true;
        private String sniName;
        private final List<String> alpn = new ArrayList<>();
        private String minProtocol = "TLSv1.2";
        private String maxProtocol;

        private Builder() {}

        /** How much to verify; default {@link TlsVerification#FULL}. */
        public Builder verification(TlsVerification v) {
            verification = v;
            return this;
        }

        /** Trust the certificates in this PEM (or DER) file or bundle (libpq {@code sslrootcert=<file>}). */
        public Builder trustPemFile(Path pemFileOrBundle) {
            trustPemFile = pemFileOrBundle;
            return this;
        }

        /** Trust the JDK's default trust store (libpq {@code sslrootcert=system}). */
        public Builder trustSystem() {
            trustSystem = true;
            return this;
        }

        /** Trust the certificate entries of a PKCS#12 or JKS store (type detected from content). */
        public Builder trustStore(Path p12OrJks, char[] passwordOrNull) {
            trustStore = p12OrJks;
            trustStorePassword = copy(passwordOrNull);
            return this;
        }

        /**
         * Present this client certificate (PEM or DER; a PEM file may hold the chain, leaf first)
         * with this private key (any format {@link PemFiles#readPrivateKey} reads). libpq
         * {@code sslcert}/{@code sslkey}/{@code sslpassword}. The key must match the certificate.
         */
        public Builder clientCertificate(Path certPemOrDer, Path keyFile, char[] keyPasswordOrNull) {
            clientCertFile = certPemOrDer;
            clientKeyFile = keyFile;
            clientKeyPassword = copy(keyPasswordOrNull);
            return this;
        }

        /** Present the first key entry (with its chain) of this PKCS#12 or JKS store. */
        public Builder clientKeyStore(Path p12OrJks, char[] passwordOrNull) {
            clientKeyStore = p12OrJks;
            clientKeyStorePassword = copy(passwordOrNull);
            return this;
        }

        /**
         * Trust these certificates, held in memory instead of a file (e.g. from a Spring Boot SSL
         * bundle); {@code null} clears.
         */
        public Builder trustCertificates(List<X509Certificate> anchorsOrNull) {
            trustCertificates = anchorsOrNull == null ? null : List.copyOf(anchorsOrNull);
            return this;
        }

        /**
         * Present this private key with its certificate chain (leaf first), held in memory instead
         * of files; {@code null} key clears. The key must match the leaf certificate.
         */
        public Builder clientKey(PrivateKey keyOrNull, List<X509Certificate> chain) {
            clientKey = keyOrNull;
            clientKeyChain = keyOrNull == null || chain == null ? null : List.copyOf(chain);
            return this;
        }

        /** Check revocation against the CRLs in this file or directory; may be called repeatedly. */
        public Builder crl(Path fileOrDir) {
            if (fileOrDir == null) {
                throw new IllegalArgumentException("crl: the path must not be null");
            }
            crls.add(fileOrDir);
            return this;
        }

        /** Whether to send SNI; default true. It is never sent for an IP literal host. */
        public Builder sni(boolean enabled) {
            sni = enabled;
            return this;
        }

        /** Send this name as SNI instead of the host (also for IP hosts); {@code null} for the host. */
        public Builder sniName(String overrideOrNull) {
            sniName = overrideOrNull;
            return this;
        }

        /** Offer these ALPN protocols, most preferred first (e.g. {@code "postgresql"}); replaces earlier ones. */
        public Builder alpn(String... protocols) {
            alpn.clear();
            if (protocols != null) {
                alpn.addAll(Arrays.asList(protocols));
            }
            return this;
        }

        /** Oldest protocol allowed: {@code "TLSv1.2"} (default) or {@code "TLSv1.3"}. */
        public Builder minProtocol(String v) {
            minProtocol = v;
            return this;
        }

        /** Newest protocol allowed: {@code "TLSv1.2"}, {@code "TLSv1.3"} or {@code null} (no limit). */
        public Builder maxProtocol(String vOrNull) {
            maxProtocol = vOrNull;
            return this;
        }

        /**
         * Not supported: the JDK's TLS implementation exposes no handshake secrets through any
         * public API, so an NSS key log (libpq {@code sslkeylogfile}) cannot be written.
         *
         * @param pOrNull must be {@code null}
         * @throws IllegalArgumentException for any non-null path
         */
        public Builder keyLogFile(Path pOrNull) {
            if (pOrNull != null) {
                throw new IllegalArgumentException("sslkeylogfile is not supported by the JDK's TLS implementation"
                        + " (it exposes no TLS secrets); cannot write " + pOrNull);
            }
            return this;
        }

        /**
         * Validates the settings and returns the configuration.
         *
         * @throws IllegalArgumentException naming the setting that is missing, conflicting or invalid
         */
        public TlsConfig build() {
            if (verification == null) {
                throw new IllegalArgumentException("verification must not be null (NONE, CA or FULL)");
            }
            List<String> trust = new ArrayList<>();
            if (trustPemFile != null) trust.add("trustPemFile");
            if (trustStore != null) trust.add("trustStore");
            if (trustSystem) trust.add("trustSystem");
            if (trustCertificates != null) trust.add("trustCertificates");
            if (trustCertificates != null && trustCertificates.isEmpty()) {
                throw new IllegalArgumentException("trustCertificates: no certificates given");
            }
            if (trust.size() > 1) {
                throw new IllegalArgumentException("choose one trust source, not " + String.join(" and ", trust));
            }
            if ((clientCertFile == null) != (clientKeyFile == null)) {
                throw new IllegalArgumentException("clientCertificate needs both a certificate file and a key file"
                        + " (got " + (clientCertFile == null ? "no certificate" : "no key") + ")");
            }
            if (clientCertFile != null && clientKeyStore != null) {
                throw new IllegalArgumentException("choose clientCertificate or clientKeyStore, not both");
            }
            if (clientKey != null) {
                if (clientCertFile != null || clientKeyStore != null) {
                    throw new IllegalArgumentException("choose clientKey or " + (clientCertFile != null
                            ? "clientCertificate" : "clientKeyStore") + ", not both");
                }
                if (clientKeyChain == null || clientKeyChain.isEmpty()) {
                    throw new IllegalArgumentException("clientKey needs its certificate chain (leaf first)");
                }
                if (!PemFiles.keyMatches(clientKey, clientKeyChain.get(0).getPublicKey())) {
                    throw new IllegalArgumentException("clientKey does not match certificate "
                            + clientKeyChain.get(0).getSubjectX500Principal().getName());
                }
            }
            minProtocol = protocol("minProtocol", minProtocol == null ? "TLSv1.2" : minProtocol);
            if (maxProtocol != null) {
                maxProtocol = protocol("maxProtocol", maxProtocol);
                if (PROTOCOLS.indexOf(maxProtocol) < PROTOCOLS.indexOf(minProtocol)) {
                    throw new IllegalArgumentException("maxProtocol " + maxProtocol + " is older than minProtocol " + minProtocol);
                }
            }
            for (String p : alpn) {
                if (p == null || p.isEmpty() || p.getBytes(StandardCharsets.UTF_8).length > 255) {
                    throw new IllegalArgumentException("alpn: protocol names must be 1 to 255 bytes, got "
                            + (p == null ? "null" : "\"" + p + "\""));
                }
            }
            if (sniName != null) {
                sniName = HostNames.normalize(sniName);
                if (HostNames.isIpLiteral(sniName)) {
                    throw new IllegalArgumentException("sniName must be a host name, not an IP address: " + sniName);
                }
                try {
                    new SNIHostName(sniName);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("sniName \"" + sniName + "\" is not a valid host name", e);
                }
            }
            return new TlsConfig(this);
        }

        private static String protocol(String setting, String v) {
            for (String p : PROTOCOLS) {
                if (p.equalsIgnoreCase(v.strip())) {
                    return p;
                }
            }
            throw new IllegalArgumentException(setting + " must be TLSv1.2 or TLSv1.3, got \"" + v + "\""
                    + (v.toLowerCase(Locale.ROOT).matches("(tlsv1(\\.[01])?|sslv3)") ? " (older versions are insecure and disabled)" : ""));
        }
    }
}
