package dev.loomwire.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link SSLContext}s from {@link TlsConfig}s and caches them, keyed by the configuration
 * and the modification time, size and identity of every file it reads: repeated connections
 * share one context (so TLS sessions can be resumed), and a rotated certificate, key, trust file
 * or CRL is picked up by the next connection.
 */
final class SslContexts {
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");
    static final int MAX_ENTRIES = 64;

    /** What a file looked like when its context was built; {@code null} fields for a missing file. */
    private record Stamp(Path path, long modifiedNanos, long size, Object fileKey) {}

    private record Entry(List<Stamp> stamps, Built built, long builtAtNanos) {}

    /** A context and what it checks servers against ({@code null} under NONE), for messages and session facts. */
    record Built(SSLContext context, String trustedBy) {}

    private static final Map<TlsConfig, Entry> CACHE = new ConcurrentHashMap<>();
    private static final ReentrantLock BUILD_LOCK = new ReentrantLock();

    private SslContexts() {}

    /** The context for this configuration, built now if missing or if a file it reads changed. */
    static Built get(TlsConfig config) throws TlsException {
        List<Stamp> stamps = stamps(config);
        Entry e = CACHE.get(config);
        if (e != null && e.stamps().equals(stamps)) {
            return e.built();
        }
        BUILD_LOCK.lock();
        try {
            stamps = stamps(config);
            e = CACHE.get(config);
            if (e != null && e.stamps().equals(stamps)) {
                return e.built();
            }
            long start = System.nanoTime();
            Built context = build(config);
            if (e == null && CACHE.size() >= MAX_ENTRIES) {
                evictOldest();
            }
            CACHE.put(config, new Entry(stamps, context, System.nanoTime()));
            LOG.debug("built SSLContext in {} ms for {}{}", (System.nanoTime() - start) / 1_000_000, config,
                    e == null ? "" : " (files changed)");
            return context;
        } finally {
            BUILD_LOCK.unlock();
        }
    }

    /** Number of cached contexts (for tests). */
    static int size() {
        return CACHE.size();
    }

    private static void evictOldest() {
        CACHE.entrySet().stream()
                .min((a, b) -> Long.compare(a.getValue().builtAtNanos(), b.getValue().builtAtNanos()))
                .ifPresent(oldest -> CACHE.remove(oldest.getKey()));
    }

    private static List<Stamp> stamps(TlsConfig config) {
        List<Stamp> out = new ArrayList<>();
        for (Path p : config.referencedPaths()) {
            out.add(stamp(p));
            if (config.crls().contains(p) && Files.isDirectory(p)) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(p)) {
                    List<Path> files = new ArrayList<>();
                    dir.forEach(files::add);
                    Collections.sort(files);
                    for (Path f : files) {
                        out.add(stamp(f));
                    }
                } catch (IOException e) {
                    out.add(new Stamp(p, -1, -1, e.getClass().getName()));
                }
            }
        }
        return out;
    }

    private static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return new Stamp(p, nanos, a.size(), a.fileKey());
        } catch (IOException e) {
            return new Stamp(p, -1, -1, null);
        }
    }

    // ------------------------------------------------------------------ building

    private static Built build(TlsConfig config) throws TlsException {
        VerifyingTrustManager tm = trustManager(config);
        KeyManager km = keyManager(config);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {km}, new TrustManager[] {tm == null ? new TrustAllManager() : tm}, null);
            return new Built(ctx, tm == null ? null : tm.trustSource());
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /** The checking trust manager, or {@code null} under {@link TlsVerification#NONE}. */
    static VerifyingTrustManager trustManager(TlsConfig config) throws TlsException {
        if (config.verification() == TlsVerification.NONE) {
            return null;
        }
        String source;
        Set<X509Certificate> trusted = new LinkedHashSet<>();
        switch (config.trust()) {
            case TrustSource.PemFile f -> {
                source = "root certificate file " + f.path();
                trusted.addAll(PemFiles.readCertificates(f.path(), "root certificate file"));
            }
            case TrustSource.Certificates c -> {
                source = "the trust certificates given in memory";
                trusted.addAll(c.certificates());
            }
            case TrustSource.KeyStoreFile k -> {
                source = "trust store " + k.path();
                KeyStore ks = PemFiles.loadKeyStore(k.path(), Password.charsOf(k.password()), "trust store");
                trusted.addAll(certificatesIn(ks));
                if (trusted.isEmpty()) {
                    throw SourceFiles.config("trust store " + k.path() + " holds no certificates");
                }
            }
            case TrustSource.OperatingSystem o -> {
                SystemTrust system = SystemTrust.locate();
                trusted.addAll(system.certificates());
                if (trusted.isEmpty()) {
                    source = "the JDK default trust store (" + system.description() + " holds no certificates)";
                    trusted.addAll(List.of(systemTrustManager().getAcceptedIssuers()));
                } else {
                    source = system.description();
                }
            }
            case TrustSource.JdkDefault j -> {
                source = "the JDK default trust store";
                trusted.addAll(List.of(systemTrustManager().getAcceptedIssuers()));
            }
        }
        Set<X509Certificate> anchors = new LinkedHashSet<>();
        List<X509Certificate> notAnchors = new ArrayList<>();
        for (X509Certificate c : trusted) {
            if (config.rules() == VerificationRules.JDK || selfSigned(c)) {
                anchors.add(c);
            } else {
                notAnchors.add(c);
            }
        }
        if (anchors.isEmpty()) {
            return new VerifyingTrustManager(null, source, 0, notAnchors);
        }
        List<X509CRL> crls = new ArrayList<>();
        for (Path p : config.crls()) {
            crls.addAll(PemFiles.readCrls(p));
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : anchors) {
                ks.setCertificateEntry("anchor-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            if (config.crls().isEmpty() && notAnchors.isEmpty()) {
                tmf.init(ks);
            } else {
                tmf.init(new CertPathTrustManagerParameters(pkixParameters(ks, notAnchors, crls, !config.crls().isEmpty())));
            }
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    return new VerifyingTrustManager(x, source, anchors.size(), notAnchors);
                }
            }
            throw new TlsException(TlsException.Kind.CONFIG, "the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot set up trust from " + source + ": " + e.getMessage(), e);
        }
    }

    /** Subject equals issuer and the certificate verifies with its own key: what OpenSSL accepts as the end of a chain. */
    static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * PKIX from these anchors, with trusted non-anchor certificates available for building the
     * chain and, when {@code revocation}, every certificate checked against the given CRLs only:
     * a listed certificate fails, and so does one whose issuer has no CRL among them (OpenSSL's
     * X509_V_FLAG_CRL_CHECK_ALL); never OCSP, never network fetches.
     */
    private static PKIXBuilderParameters pkixParameters(KeyStore anchors, List<X509Certificate> intermediates,
                                                        List<X509CRL> crls, boolean revocation)
            throws GeneralSecurityException {
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
        List<Object> store = new ArrayList<>(crls);
        store.addAll(intermediates);
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
        params.setRevocationEnabled(revocation);
        if (revocation) {
            PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(checker);
        }
        return params;
    }

    private static X509ExtendedTrustManager systemTrustManager() throws TlsException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot load the JDK default trust store: " + e.getMessage(), e);
        }
        throw new TlsException(TlsException.Kind.CONFIG, "the JDK default trust store offers no X.509 trust manager");
    }

    private static List<X509Certificate> certificatesIn(KeyStore ks) throws TlsException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isCertificateEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
                    out.add(c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot read trust store entries: " + e.getMessage(), e);
        }
        return out;
    }

    static KeyManager keyManager(TlsConfig config) throws TlsException {
        return switch (config.clientIdentity()) {
            case ClientIdentity.None n -> new FixedKeyManager(null, null);
            case ClientIdentity.InMemory m -> new FixedKeyManager(m.key(), m.chain().toArray(X509Certificate[]::new));
            case ClientIdentity.CertificateAndKeyFiles f -> {
                List<X509Certificate> chain = PemFiles.readCertificates(f.certificate(), "client certificate");
                PrivateKey key = PemFiles.readPrivateKey(f.key(), Password.charsOf(f.password()), PemFiles.KeyLabel.CLIENT);
                PemFiles.checkKeyMatchesCertificate(key, chain.get(0), f.key(), f.certificate());
                yield new FixedKeyManager(key, chain.toArray(X509Certificate[]::new));
            }
            case ClientIdentity.KeyStoreFile k -> keyStoreKeyManager(k.path(), Password.charsOf(k.password()));
        };
    }

    private static KeyManager keyStoreKeyManager(Path file, char[] password) throws TlsException {
        KeyStore ks = PemFiles.loadKeyStore(file, password, "client keystore");
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                PrivateKey key;
                try {
                    key = (PrivateKey) ks.getKey(alias, password == null ? new char[0] : password);
                } catch (UnrecoverableKeyException e) {
                    throw SourceFiles.config("client keystore " + file + ": cannot unlock the key \"" + alias
                            + "\" with the store password (keys with their own password are not supported)");
                }
                Certificate[] chain = ks.getCertificateChain(alias);
                if (key == null || chain == null || chain.length == 0) {
                    continue;
                }
                List<X509Certificate> x509 = new ArrayList<>();
                for (Certificate c : chain) {
                    x509.add((X509Certificate) c);
                }
                return new FixedKeyManager(key, x509.toArray(X509Certificate[]::new));
            }
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "client keystore " + file + ": " + e.getMessage(), e);
        }
        throw SourceFiles.config("client keystore " + file + " holds no private key with a certificate");
    }
}
