package dev.loomwire.tls;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket after a successful {@link TlsSockets#layer handshake}, with the session's facts.
 * The driver reads and writes {@link #socket()}; when that fails early it asks
 * {@link #serverRejection} whether the server ended the session with a TLS alert (under TLS 1.3
 * the server's verdict on the client certificate arrives only after the handshake).
 */
public final class TlsConnection {
    private static final int ALERT_WAIT_MILLIS = 2_000;

    private final SSLSocket socket;
    private final TlsSession session;
    private final String where;
    private final TlsConfig config;

    TlsConnection(SSLSocket socket, TlsSession session, String where, TlsConfig config) {
        this.socket = socket;
        this.session = session;
        this.where = where;
        this.config = config;
    }

    /** The socket to read and write application data on. */
    public SSLSocket socket() {
        return socket;
    }

    /** What was negotiated. */
    public TlsSession session() {
        return session;
    }

    /**
     * Whether {@code failure}, an I/O error on {@link #socket()} (a broken pipe, a reset, an end of
     * stream, or the JDK's own report of an alert), was the server ending the session with a TLS
     * alert; if the failure does not name one, reads what the server sent before it hung up
     * (bounded by two seconds). Call it before closing the socket.
     *
     * @return the server's rejection naming the alert and its meaning, or empty if no alert came
     */
    public Optional<TlsException> serverRejection(IOException failure) {
        Optional<TlsAlert> alert = TlsAlert.receivedIn(failure);
        if (alert.isEmpty() && !(failure instanceof SocketTimeoutException)) {
            alert = pendingAlert();
        }
        return alert.map(a -> TlsSockets.rejection(a, where, config, session.clientCertificateRequested(), false, failure));
    }

    private Optional<TlsAlert> pendingAlert() {
        if (socket.isClosed()) {
            return Optional.empty();
        }
        try {
            socket.setSoTimeout(ALERT_WAIT_MILLIS);
            byte[] discard = new byte[512];
            while (socket.getInputStream().read(discard) >= 0) {
                // application data the server sent before the alert does not matter any more
            }
            return Optional.empty();
        } catch (IOException e) {
            return TlsAlert.receivedIn(e);
        }
    }
}
