package dev.loomwire.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presents one configured client certificate whenever the server asks for one and the key type
 * fits, whatever certificate authorities the server lists (like libpq and redis-cli: the server
 * decides). With no client certificate configured ({@code key == null}) nothing is sent. Either
 * way it notes which sockets the server asked for a certificate (libpq's {@code cert_cb}), so
 * messages and {@link TlsSession} can say so.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");
    private static final String ALIAS = "client";

    /** Sockets whose server sent a CertificateRequest during the handshake now running; TlsSockets removes them. */
    private static final Set<Object> REQUESTED = ConcurrentHashMap.newKeySet();

    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
        this.key = key;
        this.chain = chain == null ? null : chain.clone();
    }

    /** Whether the server asked this socket for a client certificate; forgets the socket. */
    static boolean certificateRequested(Object socket) {
        return REQUESTED.remove(socket);
    }

    private String choose(String[] keyTypes, Object socket) {
        if (socket != null) {
            REQUESTED.add(socket);
        }
        if (key == null) {
            return null;
        }
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
        return choose(keyTypes, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return choose(new String[] {keyType}, null) == null ? null : new String[] {ALIAS};
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
        return ALIAS.equals(alias) && chain != null ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
