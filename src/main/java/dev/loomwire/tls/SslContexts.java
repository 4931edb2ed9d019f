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

    private record Entry(List<Stamp> stamps, SSLContext context, long builtAtNanos) {}

    private static final Map<TlsConfig, Entry> CACHE = new ConcurrentHashMap<>();
    private static final ReentrantLock BUILD_LOCK = new ReentrantLock();

    private SslContexts() {}

    /** The context for this configuration, built now if missing or if a file it reads changed. */
    static SSLContext get(TlsConfig config) throws TlsException {
        List<Stamp> stamps = stamps(config);
        Entry e = CACHE.get(config);
        if (e != null && e.stamps().equals(stamps)) {
            return e.context();
        }
        BUILD_LOCK.lock();
        try {
            stamps = stamps(config);
            e = CACHE.get(config);
            if (e != null && e.stamps().equals(stamps)) {
                return e.context();
            }
            long start = System.nanoTime();
            SSLContext context = build(config);
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
            if (Files.isDirectory(p)) {
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

    private static SSLContext build(TlsConfig config) throws TlsException {
        TrustManager tm = trustManager(config);
        KeyManager km = keyManager(config);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(km == null ? null : new KeyManager[] {km}, new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    static X509ExtendedTrustManager trustManager(TlsConfig config) throws TlsException {
        if (config.verification() == TlsVerification.NONE) {
            return new TrustAllManager();
        }
        String source;
        Set<X509Certificate> anchors = new LinkedHashSet<>();
        if (config.trustPemFile() != null) {
            source = "root certificate file " + config.trustPemFile();
            anchors.addAll(PemFiles.readCertificates(config.trustPemFile(), "root certificate file"));
        } else if (config.trustCertificates() != null) {
            source = "the trust certificates given in memory";
            anchors.addAll(config.trustCertificates());
        } else if (config.trustStore() != null) {
            source = "trust store " + config.trustStore();
            KeyStore ks = PemFiles.loadKeyStore(config.trustStore(), config.trustStorePassword(), "trust store");
            anchors.addAll(certificatesIn(ks));
            if (anchors.isEmpty()) {
                throw SourceFiles.config("trust store " + config.trustStore() + " holds no certificates");
            }
        } else {
            source = "the JDK default trust store";
            anchors.addAll(List.of(systemTrustManager().getAcceptedIssuers()));
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
            if (config.crls().isEmpty()) {
                tmf.init(ks);
            } else {
                tmf.init(new CertPathTrustManagerParameters(revocationParameters(ks, crls)));
            }
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    return new VerifyingTrustManager(x, source, anchors.size());
                }
            }
            throw new TlsException(TlsException.Kind.CONFIG, "the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot set up trust from " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * PKIX with revocation checked from the given CRLs only: a listed certificate fails; where no
     * CRL covers an issuer the check soft-fails (passes); never OCSP, never network fetches.
     */
    private static PKIXBuilderParameters revocationParameters(KeyStore anchors, List<X509CRL> crls)
            throws GeneralSecurityException {
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        params.setRevocationEnabled(true);
        PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.SOFT_FAIL));
        params.addCertPathChecker(checker);
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
        if (config.clientKey() != null) {
            return new FixedKeyManager(config.clientKey(), config.clientKeyChain().toArray(X509Certificate[]::new));
        }
        if (config.clientCertFile() != null) {
            List<X509Certificate> chain = PemFiles.readCertificates(config.clientCertFile(), "client certificate");
            char[] password = config.clientKeyPassword();
            PrivateKey key = PemFiles.readPrivateKey(config.clientKeyFile(), password, PemFiles.KeyLabel.CLIENT);
            PemFiles.checkKeyMatchesCertificate(key, chain.get(0), config.clientKeyFile(), config.clientCertFile());
            return new FixedKeyManager(key, chain.toArray(X509Certificate[]::new));
        }
        if (config.clientKeyStore() != null) {
            Path file = config.clientKeyStore();
            char[] password = config.clientKeyStorePassword();
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
        return null;
    }
}
