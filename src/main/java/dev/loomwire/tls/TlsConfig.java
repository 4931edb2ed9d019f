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
 * Immutable TLS settings for one kind of connection: how much to verify ({@link TlsVerification}),
 * by whose rules ({@link VerificationRules}), what to trust ({@link TrustSource}), which client
 * certificate to present ({@link ClientIdentity}), CRLs, SNI, ALPN and protocol versions. Equal
 * configurations share one cached {@link javax.net.ssl.SSLContext} (see {@link TlsSockets}), so
 * build it once and reuse it. {@link LibpqTls} maps libpq's parameter names onto it.
 *
 * <p>Trust: one {@link TrustSource}; by default the JDK's trust store. Trust settings and CRLs
 * have no effect under {@link TlsVerification#NONE}.
 *
 * <p>Revocation: with {@link Builder#crl} files, every certificate of the chain is checked against
 * the CRLs given, as OpenSSL's full-chain CRL check does for libpq: a revoked certificate fails the
 * handshake, and so does a certificate whose issuer has no CRL among them (nothing is fetched from
 * the network).
 */
public final class TlsConfig {
    /** Protocol versions {@link Builder#minProtocol}/{@link Builder#maxProtocol} accept, oldest first. */
    static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private final TlsVerification verification;
    private final VerificationRules rules;
    private final TrustSource trust;
    private final ClientIdentity identity;
    private final List<Path> crls;
    private final boolean sni;
    private final String sniName;
    private final List<String> alpn;
    private final String minProtocol;
    private final String maxProtocol;

    private TlsConfig(Builder b) {
        verification = b.verification;
        rules = b.rules;
        trust = b.trust.value;
        identity = b.identity.value;
        crls = List.copyOf(b.crls);
        sni = b.sni;
        sniName = b.sniName;
        alpn = List.copyOf(b.alpn);
        minProtocol = b.minProtocol;
        maxProtocol = b.maxProtocol;
    }

    /** A builder with the defaults: FULL verification by the JDK's rules, JDK trust store, SNI on, TLSv1.2 minimum. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.verification = verification;
        b.rules = rules;
        b.trust.replace(trust);
        b.identity.replace(identity);
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

    /** Whose rules pick trust anchors and match host names. */
    public VerificationRules rules() { return rules; }

    /** What the server's chain must lead to. */
    public TrustSource trust() { return trust; }

    /** The client certificate presented when the server asks for one. */
    public ClientIdentity clientIdentity() { return identity; }

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
        switch (trust) {
            case TrustSource.PemFile f -> out.add(f.path());
            case TrustSource.KeyStoreFile k -> out.add(k.path());
            case TrustSource.OperatingSystem o -> out.addAll(SystemTrust.locate().paths());
            case TrustSource.JdkDefault j -> { }
            case TrustSource.Certificates c -> { }
        }
        switch (identity) {
            case ClientIdentity.CertificateAndKeyFiles f -> {
                out.add(f.certificate());
                out.add(f.key());
            }
            case ClientIdentity.KeyStoreFile k -> out.add(k.path());
            case ClientIdentity.InMemory m -> { }
            case ClientIdentity.None n -> { }
        }
        out.addAll(crls);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsConfig c
                && verification == c.verification
                && rules == c.rules
                && sni == c.sni
                && trust.equals(c.trust)
                && identity.equals(c.identity)
                && crls.equals(c.crls)
                && Objects.equals(sniName, c.sniName)
                && alpn.equals(c.alpn)
                && minProtocol.equals(c.minProtocol)
                && Objects.equals(maxProtocol, c.maxProtocol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(verification, rules, sni, trust, identity, crls, sniName, alpn, minProtocol, maxProtocol);
    }

    /** Describes the settings; passwords show only whether one is set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TlsConfig[verification=").append(verification)
                .append(", rules=").append(rules).append(", trust=").append(trust);
        if (identity.present()) sb.append(", ").append(identity);
        if (!crls.isEmpty()) sb.append(", crls=").append(crls);
        sb.append(", sni=").append(sni);
        if (sniName != null) sb.append(", sniName=").append(sniName);
        if (!alpn.isEmpty()) sb.append(", alpn=").append(alpn);
        sb.append(", protocols=").append(enabledProtocols());
        return sb.append(']').toString();
    }

    /** One of several alternatives, remembering which named setters chose it (two different ones conflict). */
    private static final class Choice<T> {
        private final T none;
        private final java.util.Set<String> setters = new java.util.LinkedHashSet<>();
        private T value;

        Choice(T none) {
            this.none = none;
            this.value = none;
        }

        void choose(String setter, T v) {
            if (v == null) {
                setters.remove(setter);
                if (setters.isEmpty()) {
                    value = none;
                }
            } else {
                setters.add(setter);
                value = v;
            }
        }

        void replace(T v) {
            setters.clear();
            value = v == null ? none : v;
        }
    }

    /**
     * Collects settings for a {@link TlsConfig}; {@link #build()} validates them. Not thread-safe.
     * Passing {@code null} to a path setting clears it.
     */
    public static final class Builder {
        private TlsVerification verification = TlsVerification.FULL;
        private VerificationRules rules = VerificationRules.JDK;
        private final Choice<TrustSource> trust = new Choice<>(new TrustSource.JdkDefault());
        private final Choice<ClientIdentity> identity = new Choice<>(new ClientIdentity.None());
        private RuntimeException invalid;
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

        /** Whose rules pick trust anchors and match host names; default {@link VerificationRules#JDK}. */
        public Builder rules(VerificationRules r) {
            rules = r;
            return this;
        }

        /** Trust this source; replaces an earlier {@code trust(...)}, conflicts with the named trust setters. */
        public Builder trust(TrustSource source) {
            trust.replace(source);
            return this;
        }

        /** Present this client certificate; replaces an earlier {@code clientIdentity(...)}. */
        public Builder clientIdentity(ClientIdentity id) {
            identity.replace(id);
            return this;
        }

        /** Trust the certificates in this PEM (or DER) file or bundle (libpq {@code sslrootcert=<file>}). */
        public Builder trustPemFile(Path pemFileOrBundle) {
            return chooseTrust("trustPemFile", pemFileOrBundle == null ? null : new TrustSource.PemFile(pemFileOrBundle));
        }

        /** Trust the operating system's store as OpenSSL sees it (libpq {@code sslrootcert=system}; see {@link TrustSource.OperatingSystem}). */
        public Builder trustSystem() {
            return chooseTrust("trustSystem", new TrustSource.OperatingSystem());
        }

        /** Trust the certificate entries of a PKCS#12 or JKS store (type detected from content). */
        public Builder trustStore(Path p12OrJks, char[] passwordOrNull) {
            return chooseTrust("trustStore", p12OrJks == null ? null : new TrustSource.KeyStoreFile(p12OrJks, Password.of(passwordOrNull)));
        }

        /**
         * Trust these certificates, held in memory instead of a file (e.g. from a Spring Boot SSL
         * bundle); {@code null} clears.
         */
        public Builder trustCertificates(List<X509Certificate> anchorsOrNull) {
            if (anchorsOrNull != null && anchorsOrNull.isEmpty()) {
                invalid = new IllegalArgumentException("trustCertificates: no certificates given");
                return this;
            }
            return chooseTrust("trustCertificates", anchorsOrNull == null ? null : new TrustSource.Certificates(anchorsOrNull));
        }

        private Builder chooseTrust(String setter, TrustSource source) {
            trust.choose(setter, source);
            return this;
        }

        /**
         * Present this client certificate (PEM or DER; a PEM file may hold the chain, leaf first)
         * with this private key (any format {@link PemFiles#readPrivateKey} reads). libpq
         * {@code sslcert}/{@code sslkey}/{@code sslpassword}. The key must match the certificate.
         */
        public Builder clientCertificate(Path certPemOrDer, Path keyFile, char[] keyPasswordOrNull) {
            if ((certPemOrDer == null) != (keyFile == null)) {
                invalid = new IllegalArgumentException("clientCertificate needs both a certificate file and a key file"
                        + " (got " + (certPemOrDer == null ? "no certificate" : "no key") + ")");
                return this;
            }
            return chooseIdentity("clientCertificate", certPemOrDer == null ? null
                    : new ClientIdentity.CertificateAndKeyFiles(certPemOrDer, keyFile, Password.of(keyPasswordOrNull)));
        }

        /** Present the first key entry (with its chain) of this PKCS#12 or JKS store. */
        public Builder clientKeyStore(Path p12OrJks, char[] passwordOrNull) {
            return chooseIdentity("clientKeyStore", p12OrJks == null ? null : new ClientIdentity.KeyStoreFile(p12OrJks, Password.of(passwordOrNull)));
        }

        /**
         * Present this private key with its certificate chain (leaf first), held in memory instead
         * of files; {@code null} key clears. The key must match the leaf certificate.
         */
        public Builder clientKey(PrivateKey keyOrNull, List<X509Certificate> chain) {
            try {
                return chooseIdentity("clientKey", keyOrNull == null ? null : new ClientIdentity.InMemory(keyOrNull, chain));
            } catch (IllegalArgumentException e) {
                invalid = e;
                return this;
            }
        }

        private Builder chooseIdentity(String setter, ClientIdentity id) {
            identity.choose(setter, id);
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
            if (invalid != null) {
                throw invalid;
            }
            if (rules == null) {
                throw new IllegalArgumentException("rules must not be null (JDK or LIBPQ)");
            }
            if (trust.setters.size() > 1) {
                throw new IllegalArgumentException("choose one trust source, not " + String.join(" and ", trust.setters));
            }
            if (identity.setters.size() > 1) {
                throw new IllegalArgumentException("choose " + String.join(" or ", identity.setters) + ", not both");
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
