package dev.loomwire.tls;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layers TLS over an already connected plain socket (as PostgreSQL does after SSLRequest, or
 * directly for Redis and PostgreSQL direct SSL) and completes the handshake before returning.
 *
 * <p>Per {@link TlsConfig}: verification level and rules (under {@link TlsVerification#FULL} the
 * JDK's "HTTPS" endpoint identification, RFC 2818/6125, or libpq's host-name rules checked after the
 * handshake as libpq does, see {@link VerificationRules}), SNI (a host name, never an IP literal),
 * ALPN, protocol versions and client certificate. Contexts are cached per configuration so
 * sessions can be resumed; changed files are reloaded.
 *
 * <p>A TLS alert from the server is reported as {@link TlsException.Kind#REJECTED} naming the alert
 * and its meaning. With TLS 1.3 the server checks the client certificate after the client has
 * finished its side of the handshake, so a rejected (or missing) client certificate shows up on
 * the first read or write, not here: {@link TlsConnection#serverRejection} reads the pending alert then.
 */
public final class TlsSockets {
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");

    private TlsSockets() {}

    /**
     * Wraps {@code connected} in TLS and runs the handshake within {@code timeout}.
     *
     * @param connected  a connected plain socket; on failure it is closed
     * @param verifyHost the host name or IP the user asked for: checked against the certificate
     *                   under FULL (required there) and sent as SNI unless it is an IP literal or
     *                   SNI is off; may be {@code null} under NONE and CA
     * @param port       the server port (for session resumption and messages)
     * @param config     the TLS settings
     * @param timeout    bound for the whole handshake; {@code null} or zero for none
     * @return the TLS socket and the facts of the session
     * @throws TlsException whose {@link TlsException#kind() kind} says what failed; the socket is closed
     */
    public static TlsConnection layer(Socket connected, String verifyHost, int port, TlsConfig config,
                                   Duration timeout) throws TlsException {
        if (connected == null || config == null) {
            throw new IllegalArgumentException((connected == null ? "socket" : "config") + " must not be null");
        }
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        String rawHost = verifyHost == null || verifyHost.isBlank() ? null : HostNames.unbracket(verifyHost);
        String host = rawHost == null ? null : HostNames.normalize(rawHost);
        String peer = host != null ? host : remoteAddress(connected);
        String where = (peer.indexOf(':') >= 0 ? "[" + peer + "]" : peer) + ":" + port;
        SSLSocket ssl = null;
        try {
            if (config.verification() == TlsVerification.FULL && host == null) {
                throw SourceFiles.config("TLS verification FULL needs a host name to check the server certificate against");
            }
            SslContexts.Built context = SslContexts.get(config);
            ssl = (SSLSocket) context.context().getSocketFactory().createSocket(connected, peer, port, true);
            String sni = sniFor(host, config);
            configure(ssl, config, sni);
            TransportSocket transport = connected instanceof TransportSocket t ? t : null;
            TlsSession session;
            if (transport == null) {
                session = handshake(ssl, connected, where, sni, config, timeout, context.trustedBy());
            } else {
                transport.holdWriteFailures(true);
                try {
                    session = handshake(ssl, connected, where, sni, config, timeout, context.trustedBy());
                } finally {
                    transport.holdWriteFailures(false);
                }
                IOException held = transport.takeHeldFailure();
                if (held != null) {
                    // the server hung up while we were writing our last flight: its alert says why
                    TlsConnection hungUp = new TlsConnection(ssl, session, where, config);
                    throw hungUp.serverRejection(held).orElseGet(() -> new TlsException(TlsException.Kind.CLOSED_BY_PEER,
                            "server " + where + " closed the connection during the TLS handshake without sending a TLS alert",
                            held));
                }
            }
            if (config.verification() == TlsVerification.FULL && config.rules() == VerificationRules.LIBPQ) {
                try {
                    LibpqHostNames.check(rawHost, session.peerCertificate());
                } catch (TlsCertificateException e) {
                    throw new TlsException(e.kind(), e.getMessage(), e);
                }
            }
            return new TlsConnection(ssl, session, where, config);
        } catch (TlsException e) {
            closeQuietly(ssl, connected);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ssl, connected);
            throw new TlsException(TlsException.Kind.HANDSHAKE, "cannot start TLS with " + where + ": " + e.getMessage(), e);
        }
    }

    private static String sniFor(String host, TlsConfig config) {
        if (!config.sni()) {
            return null;
        }
        String name = config.sniName() != null ? config.sniName() : host;
        // as libpq: never for a host of only digits and dots (also 127.1) or with a colon (IPv6)
        if (name == null || (config.sniName() == null && (HostNames.isIpLiteral(name)
                || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))))) {
            return null;
        }
        try {
            new SNIHostName(name);
            return name;
        } catch (IllegalArgumentException e) {
            LOG.debug("not sending SNI: \"{}\" is not a valid SNI host name", name);
            return null;
        }
    }

    private static void configure(SSLSocket ssl, TlsConfig config, String sni) {
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(config.enabledProtocols().toArray(String[]::new));
        p.setEndpointIdentificationAlgorithm(config.verification() == TlsVerification.FULL
                && config.rules() == VerificationRules.JDK ? "HTTPS" : null);
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (!config.alpn().isEmpty()) {
            p.setApplicationProtocols(config.alpn().toArray(String[]::new));
        }
        ssl.setSSLParameters(p);
    }

    private static TlsSession handshake(SSLSocket ssl, Socket plain, String where, String sni, TlsConfig config,
                                        Duration timeout, String trustedBy) throws IOException {
        long timeoutMs = timeout == null ? 0 : Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        int previousSoTimeout = plain.getSoTimeout();
        // RUNNING -> DONE (handshake returned first) or RUNNING -> TIMED_OUT (the timer fired first):
        // one CAS decides, so a socket that finished its handshake is never closed by a late timer.
        AtomicInteger state = new AtomicInteger(RUNNING);
        if (timeoutMs > 0) {
            ssl.setSoTimeout((int) timeoutMs);
            // SO_TIMEOUT bounds each read; this bounds the whole handshake against a trickling peer.
            CompletableFuture.runAsync(() -> {
                if (state.compareAndSet(RUNNING, TIMED_OUT)) {
                    closeQuietly(null, plain);
                }
            }, CompletableFuture.delayedExecutor(timeoutMs, TimeUnit.MILLISECONDS, Runnable::run));
        }
        long wallStart = System.currentTimeMillis();
        long start = System.nanoTime();
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            boolean timedOut = !state.compareAndSet(RUNNING, DONE);
            boolean requested = FixedKeyManager.certificateRequested(ssl);
            TlsException failure = classify(e, where, config, timedOut, timeoutMs, requested);
            LOG.debug("TLS handshake with {} failed after {} ms: {} {}", where,
                    (System.nanoTime() - start) / 1_000_000, failure.kind(), failure.getMessage());
            throw failure;
        }
        boolean requested = FixedKeyManager.certificateRequested(ssl);
        if (!state.compareAndSet(RUNNING, DONE)) {
            throw new TlsException(TlsException.Kind.TIMEOUT, "TLS handshake with " + where + " timed out after " + timeoutMs + " ms");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ssl.setSoTimeout(previousSoTimeout);
        SSLSession session = ssl.getSession();
        String alpn = ssl.getApplicationProtocol();
        boolean resumed = session.getCreationTime() < wallStart;
        TlsSession result = new TlsSession(session.getProtocol(), session.getCipherSuite(), peerChain(session),
                alpn == null || alpn.isEmpty() ? null : alpn, sni, resumed, took, requested,
                x509(session.getLocalCertificates()), trustedBy);
        if (LOG.isDebugEnabled()) {
            LOG.debug("TLS with {}: {} {} in {} ms (verification {}, alpn {}, sni {}, resumed {})", where,
                    result.protocol(), result.cipherSuite(), took.toMillis(), config.verification(),
                    result.alpn(), sni, resumed);
        }
        return result;
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            return x509(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static List<X509Certificate> x509(Certificate[] certificates) {
        List<X509Certificate> out = new ArrayList<>();
        if (certificates != null) {
            for (Certificate c : certificates) {
                if (c instanceof X509Certificate x) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** Turns a handshake failure into a TlsException with a kind and a message a user can act on. */
    static TlsException classify(IOException e, String where, TlsConfig config, boolean timedOut, long timeoutMs,
                                 boolean certificateRequested) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TlsCertificateException tce) {
                return new TlsException(tce.kind(), tce.getMessage(), e);
            }
        }
        if (timedOut || has(e, SocketTimeoutException.class)) {
            return new TlsException(TlsException.Kind.TIMEOUT, "TLS handshake with " + where + " timed out after "
                    + timeoutMs + " ms", e);
        }
        Optional<TlsAlert> alert = TlsAlert.receivedIn(e);
        if (alert.isPresent()) {
            return rejection(alert.get(), where, config, certificateRequested, true, e);
        }
        String lower = allMessages(e).toLowerCase(Locale.ROOT);
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection?")) {
            return new TlsException(TlsException.Kind.NOT_TLS, where + " did not answer with TLS (is it a plaintext port?)", e);
        }
        if (has(e, EOFException.class) || lower.contains("remote host terminated") || lower.contains("connection reset")
                || lower.contains("broken pipe") || (e instanceof SocketException && lower.contains("closed"))) {
            return new TlsException(TlsException.Kind.CLOSED_BY_PEER, "server " + where
                    + " closed the connection during the TLS handshake without sending a TLS alert"
                    + (certificateRequested && !config.clientIdentity().present()
                        ? " after asking for a client certificate, and none is configured" : ""), e);
        }
        return new TlsException(TlsException.Kind.HANDSHAKE, "TLS handshake with " + where + " failed: " + e.getMessage(), e);
    }

    /**
     * The server's alert as an exception naming it and what it means, with the facts that make it
     * concrete (versions offered, ALPN, the client certificate configured).
     */
    static TlsException rejection(TlsAlert alert, String where, TlsConfig config, boolean certificateRequested,
                                  boolean duringHandshake, IOException cause) {
        String meaning = switch (alert) {
            case HANDSHAKE_FAILURE -> certificateRequested && !config.clientIdentity().present()
                    ? "the server requires a client certificate and none was sent (TLS 1.2 servers report that as"
                        + " handshake_failure)"
                    : alert.meaning();
            case PROTOCOL_VERSION -> alert.meaning() + " (offered " + config.enabledProtocols() + ")";
            case NO_APPLICATION_PROTOCOL -> alert.meaning() + " (offered " + config.alpn() + ")";
            default -> alert.meaning();
        };
        String certificate = !alert.aboutClientCertificate() ? ""
                : switch (config.clientIdentity()) {
                    case ClientIdentity.None n -> alert == TlsAlert.CERTIFICATE_REQUIRED ? ""
                            : "; no client certificate is configured";
                    case ClientIdentity.CertificateAndKeyFiles f -> "; client certificate " + f.certificate();
                    case ClientIdentity.KeyStoreFile k -> "; client certificate from key store " + k.path();
                    case ClientIdentity.InMemory m -> "; client certificate \"" + m.chain().get(0).getSubjectX500Principal().getName()
                            + "\" (in memory)";
                };
        return new TlsException(alert, "server " + where + (duringHandshake ? " refused the TLS handshake" : " ended the TLS session")
                + " with alert " + alert.alertName() + ": " + meaning + certificate, cause);
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    private static String remoteAddress(Socket s) {
        InetAddress a = s.getInetAddress();
        return a == null ? "unconnected socket" : a.getHostAddress();
    }

    private static void closeQuietly(SSLSocket ssl, Socket plain) {
        try {
            if (plain != null) {
                plain.close();
            }
        } catch (IOException ignored) {
            // closing after a failure: nothing more to report
        }
        try {
            if (ssl != null) {
                ssl.close();
            }
        } catch (IOException ignored) {
            // already closed with the plain socket
        }
    }
}
