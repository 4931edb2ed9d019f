package dev.loomwire.net;

import dev.loomwire.error.ConnectPhase;
import dev.loomwire.tls.SocketOptions;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The one way both drivers and {@code probe} open sockets: name resolution, TCP connect with
 * the connection's TCP options, and TLS layering, each bounded by one {@link Deadline} and
 * reported to a {@link ConnectListener}. Knows no database protocol.
 */
public final class Dialer {
    private Dialer() {}

    /** A point in time by which connection set-up must be done, or none. */
    public record Deadline(long nanos) {
        private static final long NONE = Long.MAX_VALUE;

        /** {@code timeout} from now; zero means no deadline. */
        public static Deadline after(Duration timeout) {
            return new Deadline(timeout.isZero() ? NONE : System.nanoTime() + timeout.toNanos());
        }

        public boolean isNone() {
            return nanos == NONE;
        }

        public boolean passed() {
            return !isNone() && nanos - System.nanoTime() <= 0;
        }

        /** Milliseconds left for a socket timeout: 0 (infinite) without a deadline, at least 1 otherwise; throws when passed. */
        public int remainingMillis() throws SocketTimeoutException {
            if (isNone()) {
                return 0;
            }
            long left = nanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
        }

        /** What is left as a Duration for a TLS handshake ({@code null} without a deadline). */
        public Duration remaining() throws SocketTimeoutException {
            return isNone() ? null : Duration.ofMillis(remainingMillis());
        }
    }

    /** The addresses of {@code host}, in the resolver's order; an IP literal is returned as is, without a lookup. */
    public static List<InetAddress> resolve(String host, String target, ConnectListener<?> listener)
            throws UnknownHostException {
        long t0 = System.nanoTime();
        listener.phaseStarted(ConnectPhase.DNS, target);
        try {
            List<InetAddress> all = List.of(InetAddress.getAllByName(host));
            listener.phaseSucceeded(ConnectPhase.DNS, target, since(t0),
                    String.join(", ", all.stream().map(InetAddress::getHostAddress).toList()));
            return all;
        } catch (UnknownHostException e) {
            listener.phaseFailed(ConnectPhase.DNS, target, since(t0), e);
            throw e;
        }
    }

    /**
     * A socket with the connection's options (keepalives, tcp_user_timeout) and TCP_NODELAY,
     * connected to {@code address} within the deadline; closed again on failure.
     */
    public static Socket connect(InetSocketAddress address, String target, SocketOptions options, Deadline deadline,
                                 ConnectListener<?> listener) throws IOException {
        long t0 = System.nanoTime();
        listener.phaseStarted(ConnectPhase.TCP, target);
        Socket s = null;
        try {
            s = options.newSocket();
            s.setTcpNoDelay(true);
            s.connect(address, deadline.remainingMillis());
            listener.phaseSucceeded(ConnectPhase.TCP, target, since(t0), "local port " + s.getLocalPort());
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            listener.phaseFailed(ConnectPhase.TCP, target, since(t0), e);
            throw e;
        }
    }

    /** Layers TLS over a connected socket within what is left of the deadline (see {@link TlsSockets#layer}). */
    public static TlsConnection layerTls(Socket connected, String verifyHost, int port, TlsConfig config,
                                         Deadline deadline, String target, ConnectListener<?> listener)
            throws TlsException {
        long t0 = System.nanoTime();
        listener.phaseStarted(ConnectPhase.TLS, target);
        Duration timeout;
        try {
            timeout = deadline.remaining();
        } catch (SocketTimeoutException e) {
            closeQuietly(connected);
            TlsException te = new TlsException(TlsException.Kind.TIMEOUT, "no time left for the TLS handshake", e);
            listener.phaseFailed(ConnectPhase.TLS, target, since(t0), te);
            throw te;
        }
        try {
            TlsConnection connection = TlsSockets.layer(connected, verifyHost, port, config, timeout);
            listener.phaseSucceeded(ConnectPhase.TLS, target, since(t0), describe(connection.session(), config));
            return connection;
        } catch (TlsException e) {
            listener.phaseFailed(ConnectPhase.TLS, target, since(t0), e);
            throw e;
        }
    }

    /**
     * A TLS session in one line for logs: protocol, cipher suite, handshake time, verification,
     * SNI, ALPN, resumption, whether a client certificate was sent, and the server certificate.
     */
    public static String describe(TlsSession session, TlsConfig config) {
        StringBuilder sb = new StringBuilder().append(session.protocol()).append(' ').append(session.cipherSuite())
                .append(' ').append(ConnectLog.millis(session.handshakeTime())).append(" (verification ")
                .append(config.verification()).append(", SNI ").append(session.sniSent());
        if (session.alpn() != null) {
            sb.append(", ALPN ").append(session.alpn());
        }
        sb.append(", resumed ").append(session.resumed());
        if (session.clientCertificateSent()) {
            sb.append(", client certificate sent");
        }
        if (!session.peerChain().isEmpty()) {
            java.security.cert.X509Certificate leaf = session.peerChain().get(0);
            sb.append(", server certificate ").append(leaf.getSubjectX500Principal().getName())
                    .append(" issued by ").append(leaf.getIssuerX500Principal().getName());
        }
        return sb.append(')').toString();
    }

    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
