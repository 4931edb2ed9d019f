package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.ChannelBinding;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.Md5Password;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.pg.protocol.ScramClient;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a connection the way libpq does: TCP connect, sslmode/sslnegotiation handling, startup,
 * authentication (require_auth, channel_binding) and the wait for the first ReadyForQuery,
 * everything under connect_timeout. Also sends cancel requests.
 */
final class Connector {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private static final Logger PROTOCOL_LOG = LoggerFactory.getLogger("dev.loomwire.pg.protocol");

    /** How the TLS question is asked on one attempt. */
    enum Encryption { NONE, PREFERRED, REQUIRED }

    /** A connection that completed startup. */
    record Established(PgStream stream, PgTlsInfo tls, int processId, byte[] secretKey,
                       Map<String, String> parameters, char transactionStatus) {}

    private final PgConfig cfg;
    private final TlsConfig tlsConfig;
    private final Consumer<PgNotice> notices;
    private final long deadlineNanos;
    /** What the last attempt's authentication used and how long it took, for the DEBUG connect log. */
    private String authMethod = "none";
    private long authNanos;

    private Connector(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices) {
        this.cfg = cfg;
        this.tlsConfig = tlsConfig;
        this.notices = notices;
        Duration t = cfg.connectTimeout();
        this.deadlineNanos = t.isZero() ? Long.MAX_VALUE : System.nanoTime() + t.toNanos();
    }

    /** The TLS configuration a config implies, or null for sslmode=disable. */
    static TlsConfig tlsConfigFor(PgConfig cfg) {
        return cfg.sslMode() == SslMode.DISABLE ? null : cfg.toTlsConfig();
    }

    static Established connect(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices) {
        if (cfg.gssEncMode().equals("require")) {
            throw new PgConnectionException("gssencmode=require: GSSAPI encryption is not supported by this driver");
        }
        Connector c = new Connector(cfg, tlsConfig, notices);
        return switch (cfg.sslMode()) {
            case DISABLE -> c.attempt(Encryption.NONE);
            case ALLOW -> c.allow();
            case PREFER -> c.prefer();
            default -> c.attempt(Encryption.REQUIRED);
        };
    }

    /** allow: plain first; if the server rejects it during startup, once more with TLS. */
    private Established allow() {
        try {
            return attempt(Encryption.NONE);
        } catch (PgServerException plainRejected) {
            LOG.debug("sslmode=allow: plaintext connection rejected ({}), retrying with SSL", plainRejected.sqlState());
            try {
                return attempt(Encryption.REQUIRED);
            } catch (PgException e) {
                e.addSuppressed(plainRejected);
                throw e;
            }
        }
    }

    /** prefer: TLS first; plaintext after 'N' (same socket) or after a failed handshake (new socket). */
    private Established prefer() {
        try {
            return attempt(Encryption.PREFERRED);
        } catch (TlsFailed e) {
            LOG.debug("sslmode=prefer: SSL failed ({}), retrying without SSL", e.getMessage());
            try {
                return attempt(Encryption.NONE);
            } catch (PgException plain) {
                plain.addSuppressed(e);
                throw plain;
            }
        }
    }

    /** A TLS handshake or SSLRequest failure that sslmode=prefer answers with a plaintext retry. */
    private static final class TlsFailed extends PgConnectionException {
        TlsFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private int remainingMillis() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return 0;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw timeout();
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }

    private PgConnectionException timeout() {
        return new PgConnectionException("connection to " + where() + " timed out after "
                + cfg.connectTimeout().toSeconds() + " s (connect_timeout)");
    }

    private String where() {
        String h = cfg.host() != null ? cfg.host() : cfg.hostaddr();
        return "server \"" + h + "\"" + (cfg.hostaddr() != null && cfg.host() != null
                ? " (" + cfg.hostaddr() + ")" : "") + ", port " + cfg.port();
    }

    private Socket openSocket() {
        Socket s = null;
        try {
            s = cfg.socketOptions().newSocket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(cfg.connectAddress(), cfg.port()), remainingMillis());
            return s;
        } catch (SocketTimeoutException e) {
            closeQuietly(s);
            throw timeout();
        } catch (IOException e) {
            closeQuietly(s);
            throw new PgConnectionException("connection to " + where() + " failed: " + e.getMessage(), e);
        } catch (PgException e) {
            closeQuietly(s);
            throw e;
        }
    }

    Established attempt(Encryption encryption) {
        long start = System.nanoTime();
        Socket socket = openSocket();
        long tcpNanos = System.nanoTime() - start;
        long sslRequestNanos = -1;
        PgStream stream = null;
        TlsConnection tls = null;
        TlsSession session = null;
        try {
            boolean direct = false;
            if (encryption != Encryption.NONE) {
                if (cfg.sslNegotiation() == SslNegotiation.DIRECT) {
                    tls = handshake(socket, encryption);
                    direct = true;
                } else {
                    long asked = System.nanoTime();
                    boolean accepted = sslRequest(socket, encryption);
                    sslRequestNanos = System.nanoTime() - asked;
                    if (accepted) {
                        tls = handshake(socket, encryption);
                    }
                }
            }
            session = tls == null ? null : tls.session();
            if (session != null && cfg.sslCertMode() == SslCertMode.REQUIRE && !session.clientCertificateSent()) {
                throw new PgConnectionException(!tlsConfig.clientIdentity().present()
                        ? "sslcertmode=require, but no client certificate is configured (sslcert, ~/.postgresql/postgresql.crt)"
                        : "sslcertmode=require: server did not request an SSL certificate");
            }
            stream = new PgStream(tls != null ? tls.socket() : socket);
            Established established = startup(stream, session, direct);
            if (LOG.isDebugEnabled()) {
                logConnected(session, direct, tcpNanos, sslRequestNanos, System.nanoTime() - start);
            }
            return established;
        } catch (PgServerException e) {
            close(socket, stream);
            if (encryption == Encryption.PREFERRED && session != null) {
                // libpq: sslmode=prefer retries without SSL when the server rejects the SSL connection
                throw new TlsFailed("server rejected the SSL connection: " + e.getMessage(), e);
            }
            throw e;
        } catch (SocketTimeoutException e) {
            close(socket, stream);
            throw timeout();
        } catch (IOException e) {
            // TLS 1.3: the server's verdict on the client certificate arrives after the handshake
            TlsException rejected = tls == null ? null : tls.serverRejection(e).orElse(null);
            close(socket, stream);
            if (rejected != null) {
                throw new PgConnectionException("SSL connection to " + where() + " failed: " + rejected.getMessage(), rejected);
            }
            throw new PgConnectionException("connection to " + where() + " failed: " + e.getMessage(), e);
        } catch (ProtocolException e) {
            close(socket, stream);
            throw new PgConnectionException("protocol error from " + where() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(socket, stream);
            throw e;
        }
    }

    private void logConnected(TlsSession session, boolean direct, long tcpNanos, long sslRequestNanos, long totalNanos) {
        StringBuilder tls = new StringBuilder();
        if (session == null) {
            tls.append(sslRequestNanos >= 0 ? "SSLRequest " + millis(sslRequestNanos) + " (server said N), no TLS"
                    : "no TLS (sslmode=" + cfg.sslMode().keyword() + ")");
        } else {
            tls.append(direct ? "direct SSL" : "SSLRequest " + millis(sslRequestNanos)).append(", TLS ")
                    .append(session.protocol()).append(' ').append(session.cipherSuite()).append(' ')
                    .append(millis(session.handshakeTime().toNanos())).append(" (verification ")
                    .append(tlsConfig.verification()).append(", SNI ").append(session.sniSent()).append(", ALPN ")
                    .append(session.alpn()).append(", resumed ").append(session.resumed());
            if (!session.peerChain().isEmpty()) {
                X509Certificate leaf = session.peerChain().get(0);
                tls.append(", server certificate ").append(leaf.getSubjectX500Principal().getName())
                        .append(" issued by ").append(leaf.getIssuerX500Principal().getName());
            }
            tls.append(')');
        }
        LOG.debug("connected to {}, database \"{}\" as \"{}\" in {}: TCP {}, {}, auth {} {}", where(),
                cfg.database(), cfg.user(), millis(totalNanos), millis(tcpNanos), tls, authMethod, millis(authNanos));
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    /** Sends SSLRequest and reads exactly one byte from the raw socket. True = go on with TLS. */
    private boolean sslRequest(Socket socket, Encryption encryption) throws IOException {
        ByteSink out = new ByteSink(8);
        Frontend.sslRequest(out);
        socket.setSoTimeout(remainingMillis());
        socket.getOutputStream().write(out.array(), 0, out.size());
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        int answer = in.read();
        if (PROTOCOL_LOG.isTraceEnabled()) {
            PROTOCOL_LOG.trace("-> SSLRequest length=8, <- {}", answer < 0 ? "EOF" : "'" + (char) answer + "'");
        }
        switch (answer) {
            case 'S' -> {
                if (in.available() > 0) {
                    throw new PgConnectionException("received unencrypted data after SSL response from " + where()
                            + " (possible man-in-the-middle, CVE-2021-23222)");
                }
                return true;
            }
            case 'N' -> {
                if (encryption == Encryption.REQUIRED) {
                    throw new PgConnectionException("server does not support SSL, but SSL was required (sslmode="
                            + cfg.sslMode().keyword() + ", " + where() + ")");
                }
                return false;
            }
            case 'E' -> {
                String msg = "server refused the SSLRequest with an error (" + where()
                        + "); its text is not shown because the server is not authenticated yet";
                if (encryption == Encryption.PREFERRED) {
                    throw new TlsFailed(msg, null);
                }
                throw new PgConnectionException(msg);
            }
            case -1 -> throw new PgConnectionException("server closed the connection in response to SSLRequest ("
                    + where() + ")");
            default -> throw new PgConnectionException(String.format(
                    "received invalid response to SSL negotiation: 0x%02x (%s; is this a PostgreSQL server?)",
                    answer, where()));
        }
    }

    private TlsConnection handshake(Socket socket, Encryption encryption) {
        int ms = remainingMillis();
        Duration timeout = ms == 0 ? Duration.ofMinutes(5) : Duration.ofMillis(ms);
        try {
            return TlsSockets.layer(socket, cfg.tlsHost(), cfg.port(), tlsConfig, timeout);
        } catch (TlsException e) {
            String msg = "SSL connection to " + where() + " failed: " + e.getMessage();
            if (cfg.sslNegotiation() == SslNegotiation.DIRECT && (e.kind() == TlsException.Kind.CLOSED_BY_PEER
                    || e.kind() == TlsException.Kind.HANDSHAKE || e.kind() == TlsException.Kind.NOT_TLS)) {
                msg += " (sslnegotiation=direct needs PostgreSQL 17 or later)";
            }
            if (e.kind() == TlsException.Kind.TIMEOUT) {
                throw timeout();
            }
            if (encryption == Encryption.PREFERRED && e.kind() != TlsException.Kind.CONFIG) {
                throw new TlsFailed(msg, e);
            }
            throw new PgConnectionException(msg, e);
        }
    }

    private Established startup(PgStream stream, TlsSession session, boolean direct) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", cfg.user());
        params.put("database", cfg.database());
        cfg.applicationName().ifPresent(a -> params.put("application_name", a));
        cfg.options().ifPresent(o -> params.put("options", o));
        params.put("client_encoding", "UTF8");
        params.put("DateStyle", "ISO, MDY");
        params.put("extra_float_digits", "3");
        ByteSink out = new ByteSink();
        Frontend.startup(out, params);
        stream.socket().setSoTimeout(remainingMillis());
        stream.write(out);

        long authStart = System.nanoTime();
        authMethod = "none";
        boolean channelBound = new Authenticator(stream, session).run();
        authNanos = System.nanoTime() - authStart;

        int pid = 0;
        byte[] key = null;
        Map<String, String> status = new LinkedHashMap<>();
        while (true) {
            stream.socket().setSoTimeout(remainingMillis());
            BackendMessage m = stream.read();
            switch (m) {
                case BackendKeyData k -> {
                    pid = k.processId();
                    key = k.secretKey();
                }
                case ParameterStatus p -> status.put(p.name(), p.value());
                case NoticeResponse n -> notices.accept(new PgNotice(n.fields()));
                case ErrorResponse e -> throw PgServerException.of(e.fields());
                case NegotiateProtocolVersion v -> LOG.debug("server speaks protocol 3.{}", v.newestMinorVersion());
                case ReadyForQuery r -> {
                    stream.startupComplete();
                    stream.socket().setSoTimeout(0);
                    PgTlsInfo tls = session == null ? null : new PgTlsInfo(session, direct, channelBound);
                    return new Established(stream, tls, pid, key, status, r.transactionStatus());
                }
                default -> throw new ProtocolException("unexpected " + stream.lastTypeName() + " during startup");
            }
        }
    }

    /** Answers authentication requests, checking require_auth and channel_binding before each answer. */
    private final class Authenticator {
        private final PgStream stream;
        private final TlsSession session;
        private boolean performed;
        private boolean channelBound;
        private ScramClient scram;
        private boolean scramDone;

        Authenticator(PgStream stream, TlsSession session) {
            this.stream = stream;
            this.session = session;
        }

        boolean run() throws IOException {
            while (true) {
                stream.socket().setSoTimeout(remainingMillis());
                BackendMessage m = stream.read();
                switch (m) {
                    case AuthenticationOk ok -> {
                        finish();
                        return channelBound;
                    }
                    case AuthenticationCleartextPassword p -> {
                        require(RequireAuth.Method.PASSWORD, "a cleartext password");
                        noChannelBindingPossible("a cleartext password");
                        authMethod = "password";
                        send(out -> Frontend.password(out, password()));
                    }
                    case AuthenticationMD5Password p -> {
                        require(RequireAuth.Method.MD5, "an MD5-hashed password");
                        noChannelBindingPossible("an MD5-hashed password");
                        authMethod = "md5";
                        String hash = Md5Password.hash(cfg.user(), password(), p.salt());
                        send(out -> Frontend.password(out, hash));
                    }
                    case AuthenticationSASL sasl -> saslStart(sasl);
                    case AuthenticationSASLContinue c -> {
                        if (scram == null) {
                            throw new ProtocolException("AuthenticationSASLContinue without a SASL exchange");
                        }
                        byte[] fin = scram.clientFinalMessage(c.data());
                        send(out -> Frontend.saslResponse(out, fin));
                    }
                    case AuthenticationSASLFinal f -> {
                        if (scram == null) {
                            throw new ProtocolException("AuthenticationSASLFinal without a SASL exchange");
                        }
                        try {
                            scram.verifyServerFinal(f.data());
                        } catch (ProtocolException e) {
                            throw new PgConnectionException("SCRAM authentication with " + where() + " failed: "
                                    + e.getMessage(), e);
                        }
                        scramDone = true;
                    }
                    case AuthenticationUnsupported u -> {
                        RequireAuth.Method method = u.code() == 9 ? RequireAuth.Method.SSPI : RequireAuth.Method.GSS;
                        require(method, u.methodName() + " authentication");
                        throw new PgConnectionException("server requested " + u.methodName()
                                + " authentication, which this driver does not support");
                    }
                    case ErrorResponse e -> throw PgServerException.of(e.fields());
                    case NoticeResponse n -> notices.accept(new PgNotice(n.fields()));
                    case NegotiateProtocolVersion v -> LOG.debug("server speaks protocol 3.{}", v.newestMinorVersion());
                    default -> throw new ProtocolException("unexpected " + stream.lastTypeName() + " during authentication");
                }
            }
        }

        private void finish() {
            if (scram != null && !scramDone) {
                throw new PgConnectionException("server sent AuthenticationOk before completing SCRAM authentication"
                        + " (it did not prove it knows the password)");
            }
            if (!performed && !cfg.requireAuth().allows(RequireAuth.Method.NONE)) {
                throw new PgConnectionException("authentication method requirement \"" + cfg.requireAuth()
                        + "\" failed: server did not complete authentication");
            }
            if (cfg.channelBinding() == ChannelBindingMode.REQUIRE && !channelBound) {
                throw new PgConnectionException("channel binding required, but server authenticated client without"
                        + " channel binding");
            }
        }

        private void require(RequireAuth.Method method, String what) {
            if (!cfg.requireAuth().allows(method)) {
                throw new PgConnectionException("authentication method requirement \"" + cfg.requireAuth()
                        + "\" failed: server requested " + what);
            }
            performed = true;
        }

        private void noChannelBindingPossible(String what) {
            if (cfg.channelBinding() == ChannelBindingMode.REQUIRE) {
                throw new PgConnectionException("channel binding required, but server requested " + what
                        + ", which cannot bind to the channel (channel_binding=require)");
            }
        }

        private String password() {
            return cfg.password().orElseThrow(() -> new PgConnectionException(
                    "password is required by " + where() + " for user \"" + cfg.user() + "\", but none was provided"));
        }

        private void saslStart(AuthenticationSASL sasl) throws IOException {
            require(RequireAuth.Method.SCRAM_SHA_256, "SASL authentication");
            boolean offersPlus = sasl.mechanisms().contains(ScramClient.SCRAM_SHA_256_PLUS);
            boolean offersPlain = sasl.mechanisms().contains(ScramClient.SCRAM_SHA_256);
            Optional<byte[]> binding = Optional.empty();
            String unboundReason = null;
            if (session == null) {
                unboundReason = "the connection is not encrypted";
            } else if (!offersPlus) {
                unboundReason = "server did not offer SCRAM-SHA-256-PLUS";
            } else {
                X509Certificate leaf = session.peerChain().isEmpty() ? null : session.peerChain().get(0);
                binding = leaf == null ? Optional.empty() : ChannelBinding.tlsServerEndPoint(leaf);
                if (binding.isEmpty()) {
                    unboundReason = "the server certificate's signature algorithm ("
                            + (leaf == null ? "none" : leaf.getSigAlgName())
                            + ") defines no tls-server-end-point hash";
                }
            }
            String gs2;
            if (cfg.channelBinding() != ChannelBindingMode.DISABLE && binding.isPresent()) {
                gs2 = "p=tls-server-end-point,,";
            } else {
                if (cfg.channelBinding() == ChannelBindingMode.REQUIRE) {
                    throw new PgConnectionException("channel binding is required (channel_binding=require), but "
                            + unboundReason);
                }
                if (!offersPlain) {
                    throw new PgConnectionException("server offered only SASL mechanisms " + sasl.mechanisms()
                            + " and none can be used: " + (unboundReason == null ? "channel_binding=disable" : unboundReason));
                }
                // "y": we could bind but the server did not offer it; "n": we cannot or will not
                gs2 = session != null && !offersPlus && cfg.channelBinding() != ChannelBindingMode.DISABLE ? "y,," : "n,,";
            }
            scram = new ScramClient("", password(), gs2, gs2.startsWith("p=") ? binding.get() : null,
                    ScramClient.randomNonce());
            channelBound = gs2.startsWith("p=");
            byte[] first = scram.clientFirstMessage();
            String mechanism = scram.mechanism();
            authMethod = mechanism;
            send(out -> Frontend.saslInitialResponse(out, mechanism, first));
        }

        private void send(Consumer<ByteSink> encoder) throws IOException {
            ByteSink out = new ByteSink();
            encoder.accept(out);
            stream.write(out);
        }
    }

    /** Sends CancelRequest on a new connection negotiated like the original one; waits for the server to close it. */
    static void cancel(PgConfig cfg, TlsConfig tlsConfig, PgTlsInfo tls, int processId, byte[] secretKey) {
        if (secretKey == null) {
            throw new PgConnectionException("cannot cancel: the server sent no BackendKeyData");
        }
        Connector c = new Connector(cfg, tlsConfig, n -> { });
        Socket socket = c.openSocket();
        Socket active = socket;
        try {
            if (tls != null) {
                Encryption enc = Encryption.REQUIRED;
                if (tls.directNegotiation() || c.sslRequest(socket, enc)) {
                    active = c.handshake(socket, enc).socket();
                }
            }
            ByteSink out = new ByteSink(16 + secretKey.length);
            Frontend.cancelRequest(out, processId, secretKey);
            active.getOutputStream().write(out.array(), 0, out.size());
            active.getOutputStream().flush();
            active.setSoTimeout(10_000);
            InputStream in = active.getInputStream();
            while (in.read() >= 0) {
                // the server sends nothing; it closes the connection when done
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("server did not close the cancel connection within 10 s");
        } catch (IOException e) {
            if (!(e instanceof javax.net.ssl.SSLException) && !(e instanceof java.net.SocketException)) {
                throw new PgConnectionException("cancel request to " + c.where() + " failed: " + e.getMessage(), e);
            }
            LOG.debug("cancel connection closed: {}", e.getMessage());
        } finally {
            closeQuietly(active);
            closeQuietly(socket);
        }
    }

    private static void close(Socket socket, PgStream stream) {
        if (stream != null) {
            stream.close();
        }
        closeQuietly(socket);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
