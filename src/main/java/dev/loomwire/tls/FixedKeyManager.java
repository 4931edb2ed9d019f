package dev.loomwire.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presents one configured client certificate whenever the server asks for one and the key type
 * fits, whatever certificate authorities the server lists (like libpq and redis-cli: the server
 * decides). With no client certificate configured there is no key manager and nothing is sent.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");
    private static final String ALIAS = "client";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
        this.key = key;
        this.chain = chain.clone();
    }

    private String choose(String[] keyTypes) {
        if (keyTypes != null) {
            for (String t : keyTypes) {
                if (key.getAlgorithm().equalsIgnoreCase(t)) {
                    return ALIAS;
                }
            }
        }
        LOG.debug("server accepts client keys of types {}, ours is {}: sending no client certificate",
                keyTypes == null ? "[]" : Arrays.toString(keyTypes), key.getAlgorithm());
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return choose(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
