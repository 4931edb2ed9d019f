package dev.loomwire.spring;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * The TLS material of a Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>.*} or
 * {@code spring.ssl.bundle.jks.<name>.*}) in the form the drivers take in memory: trust anchors,
 * and a client key with its certificate chain. Either part may be absent.
 *
 * @param name         the bundle name, for messages
 * @param trust        certificates of the bundle's trust store, or null when it has none
 * @param clientKey    the bundle's private key (its key alias, or the first key entry), or null
 * @param clientChain  the key's certificate chain, leaf first, or null
 */
public record SslBundleMaterial(String name, List<X509Certificate> trust, PrivateKey clientKey,
                                List<X509Certificate> clientChain) {

    /** Reads the bundle's stores; fails naming the bundle when a key cannot be unlocked. */
    public static SslBundleMaterial of(String name, SslBundle bundle) {
        SslStoreBundle stores = bundle.getStores();
        List<X509Certificate> trust = null;
        PrivateKey key = null;
        List<X509Certificate> chain = null;
        try {
            KeyStore trustStore = stores.getTrustStore();
            if (trustStore != null) {
                trust = new ArrayList<>();
                for (String alias : Collections.list(trustStore.aliases())) {
                    if (trustStore.getCertificate(alias) instanceof X509Certificate c) {
                        trust.add(c);
                    }
                }
                if (trust.isEmpty()) {
                    throw new IllegalStateException("SSL bundle \"" + name + "\": its trust store holds no certificates"
                            + " (Java sees no trusted certificates in a PKCS#12 trust store made by openssl:"
                            + " use a PEM bundle, a JKS store, or keytool -importcert)");
                }
            }
            KeyStore keyStore = stores.getKeyStore();
            if (keyStore != null) {
                SslBundleKey bundleKey = bundle.getKey();
                String wanted = bundleKey == null ? null : bundleKey.getAlias();
                for (String alias : Collections.list(keyStore.aliases())) {
                    if (!keyStore.isKeyEntry(alias) || (wanted != null && !wanted.equals(alias))) {
                        continue;
                    }
                    Key k = unlock(keyStore, alias, bundleKey, stores.getKeyStorePassword(), name);
                    Certificate[] certs = keyStore.getCertificateChain(alias);
                    if (k instanceof PrivateKey pk && certs != null && certs.length > 0) {
                        key = pk;
                        chain = new ArrayList<>();
                        for (Certificate c : certs) {
                            chain.add((X509Certificate) c);
                        }
                        break;
                    }
                }
                if (key == null) {
                    throw new IllegalStateException("SSL bundle \"" + name + "\": its key store holds no private key"
                            + " with a certificate" + (wanted == null ? "" : " under alias \"" + wanted + "\""));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SSL bundle \"" + name + "\": cannot read its stores: " + e.getMessage(), e);
        }
        return new SslBundleMaterial(name, trust == null ? null : List.copyOf(trust), key,
                chain == null ? null : List.copyOf(chain));
    }

    /** Tries the key password, then the store password, then none (PEM bundles store keys without one). */
    private static Key unlock(KeyStore ks, String alias, SslBundleKey bundleKey, String storePassword, String name)
            throws GeneralSecurityException {
        List<char[]> candidates = new ArrayList<>();
        if (bundleKey != null && bundleKey.getPassword() != null) {
            candidates.add(bundleKey.getPassword().toCharArray());
        }
        if (storePassword != null) {
            candidates.add(storePassword.toCharArray());
        }
        candidates.add(new char[0]);
        candidates.add(null);
        for (char[] password : candidates) {
            try {
                Key k = ks.getKey(alias, password);
                if (k != null) {
                    return k;
                }
            } catch (java.security.UnrecoverableKeyException | RuntimeException e) {
                // wrong or missing password for this entry: try the next candidate
            }
        }
        throw new IllegalStateException("SSL bundle \"" + name + "\": cannot unlock the key \"" + alias
                + "\" (set spring.ssl.bundle.*." + name + ".key.password)");
    }

    /** What the bundle holds, for log lines; never key material. */
    @Override
    public String toString() {
        return "SslBundleMaterial[" + name + ": " + (trust == null ? "no trust store" : trust.size() + " trusted certificates")
                + ", " + (clientKey == null ? "no client key" : "client certificate "
                + clientChain.get(0).getSubjectX500Principal().getName()) + "]";
    }
}
