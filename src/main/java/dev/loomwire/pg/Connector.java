package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.ChannelBinding;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.Md5Password;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.pg.protocol.ScramClient;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.ConnectLog;
import dev.loomwire.error.ConnectPhase;
import dev.loomwire.net.Dialer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a connection the way libpq does. The connection string's hosts are walked in order (or
 * shuffled, load_balance_hosts=random); for each host, every resolved address, and for each
 * address the TLS attempts its sslmode implies ({@link #encryptions}: allow = plain then TLS,
 * prefer = TLS then plain), one loop over that ordered list. Each attempt: TCP connect, SSLRequest
 * or direct TLS, startup, authentication (require_auth, channel_binding), the first
 * ReadyForQuery, then the target_session_attrs check, all under connect_timeout (per host).
 * An unreachable host, a timeout or a server of the wrong type moves on to the next host; an
 * authentication failure or another server error stops, as in libpq. When no host qualifies,
 * one {@link PgNoSuitableHostException} lists every host tried and why. Also sends cancel requests.
 *
 * <p>{@code loomwire probe} runs the same attempt in a mode that stops before a password would be
 * sent, through {@link ProbeAccess} (registered below, so that this class stays package-private);
 * applications connect through {@link PgConnection}.
 */
final class Connector {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private static final Logger PROTOCOL_LOG = LoggerFactory.getLogger("dev.loomwire.pg.protocol");
    static {
        ProbeAccess.register(new ProbeAccess.Pg() {
            @Override
            public ProbeAccess.PgAttempt probe(PgConfig hostCfg, TlsConfig tlsConfig, InetAddress address, Duration timeout,
                                               ConnectListener<BackendMessage> listener) {
                return Connector.probe(hostCfg, tlsConfig, address, timeout, listener);
            }

            @Override
            public TlsConfig tlsConfigFor(PgConfig cfg) {
                return Connector.tlsConfigFor(cfg);
            }
        });
    }

    /** ERRCODE_CANNOT_CONNECT_NOW: starting up, shutting down, in recovery; libpq tries the next host. */
    private static final String CANNOT_CONNECT_NOW = "57P03";

    /** How the TLS question is asked on one attempt. */
    enum Encryption { NONE, PREFERRED, REQUIRED }

    /** A connection that completed startup, on {@code host} (the session's host entry, for cancel requests). */
    record Established(PgStream stream, PgTlsInfo tls, int processId, byte[] secretKey,
                       Map<String, String> parameters, char transactionStatus, PgConfig hostConfig,
                       InetSocketAddress address) {}

    /** One way of reaching the server: a host entry, one of its addresses, and how TLS is asked. */
    record Attempt(PgHost host, PgConfig config, InetAddress address, Encryption encryption) {
        String target() {
            String a = address.getHostAddress();
            return host + (host.connectAddress().equals(a) ? "" : " (" + a + ")");
        }
    }

    /** An attempt that failed in a way that moves on to the next address or host (unreachable, timed out, cannot connect now). */
    private static final class Unreachable extends PgConnectionException {
        Unreachable(String message, Throwable cause, String host, ConnectPhase phase) {
            super(message, cause, host, phase);
        }
    }

    /** connect_timeout passed during an attempt: TIMEOUT/CONNECT, and like {@link Unreachable} it moves on. */
    private static final class ConnectTimedOut extends PgTimeoutException {
        ConnectTimedOut(String message) {
            super(TimeoutKind.CONNECT, message, null);
        }
    }

    private final PgConfig cfg;
    private final TlsConfig tlsConfig;
    private final Consumer<PgNotice> notices;
    private final Dialer.Deadline deadline;
    private final ConnectListener<BackendMessage> listener;
    private final InetAddress address;
    /** Probe mode: stop at the server's first authentication request, before any password is sent. */
    private final boolean probe;
    /** What the attempt's authentication used, for the DEBUG connect log. */
    private String authMethod = "none";
    /** The attempt's TLS session once its handshake completed (the probe judges its chain even when a later step fails). */
    private TlsSession handshaken;
    /** The step the attempt is in, for the phase of a connect failure. */
    private ConnectPhase phase = ConnectPhase.TCP;

    private Connector(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices, Dialer.Deadline deadline,
                      InetAddress address, ConnectListener<BackendMessage> listener) {
        this(cfg, tlsConfig, notices, deadline, address, listener, false);
    }

    private Connector(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices, Dialer.Deadline deadline,
                      InetAddress address, ConnectListener<BackendMessage> listener, boolean probe) {
        this.cfg = cfg;
        this.tlsConfig = tlsConfig;
        this.notices = notices;
        this.deadline = deadline;
        this.address = address;
        this.listener = listener;
        this.probe = probe;
    }

    /**
     * Runs the driver's own attempt for one host entry ({@code hostCfg}, see {@link PgConfig#forHost})
     * at {@code address} in probe mode: TCP connect, SSLRequest (with its CVE-2021-23222 check) or
     * direct TLS, the TLS handshake with {@code tlsConfig} ({@code null}: no TLS, as sslmode=disable;
     * sslmode allow and prefer ask for TLS and go on in plaintext after 'N'), and the StartupMessage.
     * It stops at the server's first authentication request, before a password is sent, or at
     * ReadyForQuery when the server asks for none, then decides the server type as
     * target_session_attrs does ({@link #checkTarget}), and sends Terminate. Every phase and every
     * message is reported to {@code listener}; {@code timeout} bounds the whole attempt.
     */
    static ProbeAccess.PgAttempt probe(PgConfig hostCfg, TlsConfig tlsConfig, InetAddress address, Duration timeout,
                                    ConnectListener<BackendMessage> listener) {
        Encryption encryption = tlsConfig == null ? Encryption.NONE
                : hostCfg.sslMode().requiresEncryption() ? Encryption.REQUIRED : Encryption.PREFERRED;
        Connector c = new Connector(hostCfg, tlsConfig, n -> { }, Dialer.Deadline.after(timeout), address, listener, true);
        PgHost host = hostCfg.hosts().get(0);
        ProbeAccess.ServerCheck check = new ProbeAccess.ServerCheck.Unknown();
        try {
            Established e = c.attempt(encryption, new Attempt(host, hostCfg, address, encryption).target());
            if (e != null) {
                try {
                    ServerState state = c.serverState(e);
                    check = new ProbeAccess.ServerCheck.Known(state.type(),
                            Optional.ofNullable(c.rejection(state, false)));
                } catch (IOException | PgException unknown) {
                    LOG.debug("probe: could not determine the server's state: {}", unknown.getMessage());
                }
                closeTerminating(e);
            }
            return new ProbeAccess.PgAttempt(Optional.ofNullable(c.handshaken), Optional.empty(), check);
        } catch (PgException failure) {
            return new ProbeAccess.PgAttempt(Optional.ofNullable(c.handshaken), Optional.of(failure), check);
        }
    }

    /** The TLS configuration a config implies, or null for sslmode=disable. */
    static TlsConfig tlsConfigFor(PgConfig cfg) {
        return cfg.sslMode() == SslMode.DISABLE ? null : cfg.toTlsConfig();
    }

    static Established connect(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices) {
        return connect(cfg, tlsConfig, notices, ConnectListener.none(), 0);
    }

    /** The TLS attempts of one address, in order (pgx's configTLS returns the same kind of list). */
    static List<Encryption> encryptions(SslMode mode) {
        return switch (mode) {
            case DISABLE -> List.of(Encryption.NONE);
            case ALLOW -> List.of(Encryption.NONE, Encryption.REQUIRED);
            case PREFER -> List.of(Encryption.PREFERRED, Encryption.NONE);
            default -> List.of(Encryption.REQUIRED);
        };
    }

    /**
     * Connects to the first suitable host; {@code rotation} starts the walk that many entries
     * further down the host list (wrapping around), so that a pool spreads over equal hosts.
     */
    static Established connect(PgConfig cfg, TlsConfig tlsConfig, Consumer<PgNotice> notices,
                               ConnectListener<BackendMessage> listener, int rotation) {
        if (cfg.gssEncMode().equals("require")) {
            throw PgConnectionException.configuration(
                    "gssencmode=require: GSSAPI encryption is not supported by this driver", null);
        }
        List<PgHost> order = new ArrayList<>(cfg.hosts());
        Collections.rotate(order, -Math.floorMod(rotation, order.size()));
        boolean random = cfg.loadBalanceHosts() == LoadBalanceHosts.RANDOM;
        if (random) {
            Collections.shuffle(order, ThreadLocalRandom.current());
        }
        TargetSessionAttrs target = cfg.targetSessionAttrs();
        ConnectLog<BackendMessage> log = LOG.isDebugEnabled() ? new ConnectLog<>() : null;
        if (log != null) {
            listener = ConnectListener.both(listener, log);
        }
        List<PgNoSuitableHostException.Failure> failures = new ArrayList<>();
        for (int pass = 1; pass <= (target == TargetSessionAttrs.PREFER_STANDBY ? 2 : 1); pass++) {
            boolean anyServer = pass == 2;
            for (PgHost host : order) { // libpq's SERVER_TYPE_PREFER_STANDBY_PASS2 tries every host again, from the first
                PgConfig hostCfg = cfg.forHost(host);
                Established e = connectHost(host, hostCfg, tlsConfig, notices, listener, random, anyServer, failures);
                if (e != null) {
                    if (log != null) {
                        LOG.debug("connected to {}, database \"{}\" as \"{}\" in {}: {}", where(hostCfg), hostCfg.database(),
                                hostCfg.user(), ConnectLog.millis(log.attemptTime()), log.line());
                    }
                    return e;
                }
            }
            if (target == TargetSessionAttrs.PREFER_STANDBY && pass == 1) {
                LOG.debug("target_session_attrs=prefer-standby: no standby among {}; second pass accepts any server",
                        order);
            }
        }
        if (failures.size() == 1 && failures.get(0).cause() != null && cfg.hosts().size() == 1) {
            throw failures.get(0).cause(); // one host: its own error, as before
        }
        throw new PgNoSuitableHostException(target, failures);
    }

    /** Every attempt of one host entry: null when none succeeded in a way that moves on (recorded in {@code failures}). */
    private static Established connectHost(PgHost host, PgConfig hostCfg, TlsConfig tlsConfig,
                                           Consumer<PgNotice> notices, ConnectListener<BackendMessage> listener,
                                           boolean random, boolean anyServer,
                                           List<PgNoSuitableHostException.Failure> failures) {
        Dialer.Deadline deadline = Dialer.Deadline.after(hostCfg.connectTimeout());
        List<InetAddress> addresses;
        try {
            addresses = new ArrayList<>(Dialer.resolve(host.connectAddress(), host.toString(), listener));
        } catch (UnknownHostException e) {
            failures.add(new PgNoSuitableHostException.Failure(host, PgNoSuitableHostException.Reason.UNREACHABLE,
                    "could not translate host name \"" + host.connectAddress() + "\" to address: unknown host",
                    new Unreachable("could not translate host name \"" + host.connectAddress()
                            + "\" to address: unknown host", e, hostPort(hostCfg), ConnectPhase.DNS)));
            return null;
        }
        if (random) {
            Collections.shuffle(addresses, ThreadLocalRandom.current());
        }
        List<Attempt> attempts = new ArrayList<>();
        for (InetAddress a : addresses) {
            for (Encryption enc : encryptions(hostCfg.sslMode())) {
                attempts.add(new Attempt(host, hostCfg, a, enc));
            }
        }
        PgException last = null;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            boolean sameAddressNext = i + 1 < attempts.size() && attempts.get(i + 1).address().equals(attempt.address());
            Connector c = new Connector(hostCfg, tlsConfig, notices, deadline, attempt.address(), listener);
            Established e;
            try {
                e = c.attempt(attempt.encryption(), attempt.target());
            } catch (TlsFailed tlsFailed) { // prefer: TLS failed, plain next on the same address
                LOG.debug("sslmode=prefer: SSL failed ({}), retrying without SSL", tlsFailed.getMessage());
                last = chain(tlsFailed, last);
                continue;
            } catch (PgServerException rejected) {
                if (attempt.encryption() == Encryption.NONE && sameAddressNext) { // allow: plain rejected, TLS next
                    LOG.debug("sslmode=allow: plaintext connection rejected ({}), retrying with SSL", rejected.sqlState());
                    last = chain(rejected, last);
                    continue;
                }
                if (!CANNOT_CONNECT_NOW.equals(rejected.sqlState())) {
                    throw chain(rejected, last); // authentication failed or another error: libpq stops here
                }
                failures.add(new PgNoSuitableHostException.Failure(host, PgNoSuitableHostException.Reason.NOT_ACCEPTING,
                        rejected.getMessage(), chain(rejected, last)));
                return null;
            } catch (Unreachable | ConnectTimedOut unreachable) {
                last = chain(unreachable, last);
                if (sameAddressNext) { // the other TLS attempt of a prefer/allow pair cannot do better
                    i++;
                }
                if (i + 1 < attempts.size() && !deadline.passed()) {
                    continue;
                }
                failures.add(new PgNoSuitableHostException.Failure(host, PgNoSuitableHostException.Reason.UNREACHABLE,
                        unreachable.getMessage(), last));
                return null;
            } catch (PgException other) {
                throw chain(other, last);
            }
            String wrongType = c.checkTarget(e, anyServer);
            if (wrongType == null) {
                c.listenerReady(attempt, e);
                return e;
            }
            closeTerminating(e);
            LOG.debug("{}: {} (target_session_attrs={}), trying the next host", host, wrongType,
                    hostCfg.targetSessionAttrs().keyword());
            failures.add(new PgNoSuitableHostException.Failure(host, PgNoSuitableHostException.Reason.WRONG_SERVER_TYPE,
                    wrongType, null));
            return null; // libpq: a server of the wrong type moves on to the next host, not the next address
        }
        if (last != null) {
            throw last;
        }
        return null;
    }

    private static <E extends PgException> E chain(E e, PgException earlier) {
        if (earlier != null && earlier != e) {
            e.addSuppressed(earlier);
        }
        return e;
    }

    private void listenerReady(Attempt attempt, Established e) {
        listener.phaseSucceeded(ConnectPhase.READY, attempt.target(), Duration.ZERO,
                "pid " + e.processId() + (cfg.targetSessionAttrs().needsServerState()
                        ? ", target_session_attrs=" + cfg.targetSessionAttrs().keyword() + " accepted" : ""));
    }

    /**
     * Null when the server is of the kind target_session_attrs asks for, else libpq's reason.
     * PostgreSQL 14+ reports in_hot_standby and default_transaction_read_only at startup; older
     * servers are asked (SHOW transaction_read_only, SELECT pg_is_in_recovery()).
     */
    private String checkTarget(Established e, boolean anyServer) {
        TargetSessionAttrs t = cfg.targetSessionAttrs();
        if (!t.needsServerState() || anyServer) {
            return null;
        }
        ServerState state;
        try {
            state = serverState(e);
        } catch (IOException | PgException ex) {
            return "could not determine the server's state: " + ex.getMessage();
        }
        return rejection(state, false);
    }

    /** What a server is, as target_session_attrs sees it. */
    record ServerState(boolean standby, boolean readOnly) {
        String type() {
            return standby ? "standby" : readOnly ? "primary, read-only" : "primary";
        }
    }

    /**
     * The server's state from its startup ParameterStatus values (PostgreSQL 14+), or asked for on
     * older servers: SHOW transaction_read_only for read-write/read-only, else pg_is_in_recovery().
     */
    private ServerState serverState(Established e) throws IOException {
        String hotStandby = e.parameters().get("in_hot_standby");
        String readOnly = e.parameters().get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            if (cfg.targetSessionAttrs().decidedByReadOnly()) {
                readOnly = queryOneValue(e, "SHOW transaction_read_only");
                hotStandby = "off";
            } else {
                hotStandby = "t".equals(queryOneValue(e, "SELECT pg_catalog.pg_is_in_recovery()")) ? "on" : "off";
                readOnly = "off";
            }
        }
        return new ServerState("on".equals(hotStandby), "on".equals(readOnly));
    }

    /** Null when target_session_attrs accepts a server in {@code state} ({@code anyServer}: prefer-standby's second pass), else libpq's reason. */
    private String rejection(ServerState state, boolean anyServer) {
        TargetSessionAttrs t = cfg.targetSessionAttrs();
        if (anyServer || t.accepts(state.standby(), state.readOnly())) {
            return null;
        }
        return switch (t) {
            case READ_WRITE -> "session is read-only";
            case READ_ONLY -> "session is not read-only";
            case PRIMARY -> "server is in hot standby mode";
            default -> "server is not in hot standby mode";
        };
    }

    /** Runs one simple query during connection set-up and returns the first column of its only row. */
    private String queryOneValue(Established e, String sql) throws IOException {
        ByteSink out = new ByteSink();
        Frontend.query(out, sql);
        e.stream().socket().setSoTimeout(deadline.remainingMillis());
        e.stream().write(out);
        String value = null;
        PgServerException error = null;
        while (true) {
            BackendMessage m = e.stream().read();
            switch (m) {
                case DataRow d -> value = d.isNull(0) ? null
                        : new String(d.value(0), java.nio.charset.StandardCharsets.UTF_8);
                case ErrorResponse er -> error = PgServerException.of(er.fields());
                case ReadyForQuery r -> {
                    e.stream().socket().setSoTimeout(0);
                    if (error != null) {
                        throw error;
                    }
                    return value;
                }
                default -> { }
            }
        }
    }

    private static void closeTerminating(Established e) {
        terminate(e.stream());
        e.stream().close();
    }

    private static void terminate(PgStream stream) {
        try {
            ByteSink out = new ByteSink(8);
            Frontend.terminate(out);
            stream.write(out);
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A TLS handshake or SSLRequest failure that sslmode=prefer answers with a plaintext retry. */
    private static final class TlsFailed extends PgConnectionException {
        TlsFailed(String message, Throwable cause, String host, ConnectPhase phase) {
            super(message, cause, host, phase);
        }
    }

    private int remainingMillis() {
        try {
            return deadline.remainingMillis();
        } catch (SocketTimeoutException e) {
            throw timeout();
        }
    }

    private PgConnectionException timeout() {
        return new ConnectTimedOut("connection to " + where() + " timed out after "
                + cfg.connectTimeout().toSeconds() + " s (connect_timeout), in the " + phase.name().toLowerCase(java.util.Locale.ROOT)
                + " phase");
    }

    /** Setting up the connection failed in the current phase: CONNECT, with the host. */
    private PgConnectionException failed(String message, Throwable cause) {
        return new PgConnectionException(message, cause, hostPort(cfg), phase);
    }

    /** A host entry as host:port, for {@link PgException#host()}. */
    private static String hostPort(PgConfig cfg) {
        String h = cfg.host() != null ? cfg.host() : cfg.hostaddr();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + cfg.port();
    }

    private String where() {
        return where(cfg);
    }

    private static String where(PgConfig cfg) {
        String h = cfg.host() != null ? cfg.host() : cfg.hostaddr();
        return "server \"" + h + "\"" + (cfg.hostaddr() != null && cfg.host() != null
                ? " (" + cfg.hostaddr() + ")" : "") + ", port " + cfg.port();
    }

    private Socket openSocket(String target) {
        try {
            return Dialer.connect(new InetSocketAddress(address, cfg.port()), target, cfg.socketOptions(),
                    deadline, listener);
        } catch (SocketTimeoutException e) {
            throw timeout();
        } catch (IOException e) {
            throw new Unreachable("connection to " + where() + " failed: " + e.getMessage(), e, hostPort(cfg), ConnectPhase.TCP);
        }
    }

    Established attempt(Encryption encryption, String target) {
        phase = ConnectPhase.TCP;
        Socket socket = openSocket(target);
        PgStream stream = null;
        TlsConnection tls = null;
        TlsSession session = null;
        try {
            boolean direct = false;
            if (encryption != Encryption.NONE) {
                if (cfg.sslNegotiation() == SslNegotiation.DIRECT) {
                    tls = handshake(socket, encryption, target);
                    direct = true;
                } else {
                    phase = ConnectPhase.SSL_REQUEST;
                    long asked = System.nanoTime();
                    listener.phaseStarted(ConnectPhase.SSL_REQUEST, target);
                    char answer;
                    try {
                        answer = sslAnswer(socket, encryption);
                    } catch (PgException e) {
                        listener.phaseFailed(ConnectPhase.SSL_REQUEST, target, Dialer.since(asked), e);
                        throw e;
                    }
                    listener.phaseSucceeded(ConnectPhase.SSL_REQUEST, target, Dialer.since(asked), "server said " + answer);
                    if (answer == 'S') {
                        tls = handshake(socket, encryption, target);
                    } else if (encryption == Encryption.REQUIRED) {
                        throw notSupported();
                    }
                }
            }
            session = tls == null ? null : tls.session();
            handshaken = session;
            if (session != null && cfg.sslCertMode() == SslCertMode.REQUIRE && !session.clientCertificateSent()) {
                throw !tlsConfig.clientIdentity().present()
                        ? PgConnectionException.configuration("sslcertmode=require, but no client certificate is configured"
                                + " (sslcert, ~/.postgresql/postgresql.crt)", null)
                        : failed("sslcertmode=require: server did not request an SSL certificate", null);
            }
            stream = new PgStream(tls != null ? tls.socket() : socket, listener);
            long authStart = System.nanoTime();
            phase = ConnectPhase.AUTH;
            listener.phaseStarted(ConnectPhase.AUTH, target);
            Established established;
            try {
                established = startup(stream, session, direct, target);
            } catch (RuntimeException e) {
                listener.phaseFailed(ConnectPhase.AUTH, target, Dialer.since(authStart), e);
                throw e;
            }
            if (established == null) { // probe mode: stopped before the password
                listener.phaseSucceeded(ConnectPhase.AUTH, target, Dialer.since(authStart),
                        "stopped at the server's request for " + authMethod + ", before sending a password");
                terminate(stream);
                close(socket, stream);
                return null;
            }
            listener.phaseSucceeded(ConnectPhase.AUTH, target, Dialer.since(authStart), "auth " + authMethod);
            return established;
        } catch (PgServerException e) {
            close(socket, stream);
            if (encryption == Encryption.PREFERRED && session != null) {
                // libpq: sslmode=prefer retries without SSL when the server rejects the SSL connection
                throw new TlsFailed("server rejected the SSL connection: " + e.getMessage(), e, hostPort(cfg), phase);
            }
            throw e;
        } catch (SocketTimeoutException e) {
            close(socket, stream);
            throw timeout();
        } catch (IOException e) {
            // TLS 1.3: the server's verdict on the client certificate arrives after the handshake
            TlsException rejected = tls == null ? null : tls.serverRejection(e).orElse(null);
            close(socket, stream);
            if (rejected != null) { // the server's TLS alert: a TLS failure, not an unreachable host
                throw new PgConnectionException("SSL connection to " + where() + " failed: " + rejected.getMessage(), rejected,
                        hostPort(cfg), ConnectPhase.TLS);
            }
            throw new Unreachable("connection to " + where() + " failed: " + e.getMessage(), e, hostPort(cfg), phase);
        } catch (ProtocolException e) {
            close(socket, stream);
            throw failed("protocol error from " + where() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(socket, stream);
            throw e;
        }
    }

    /** Sends SSLRequest and reads exactly one byte from the raw socket. True = go on with TLS. */
    private boolean sslRequest(Socket socket, Encryption encryption) throws IOException {
        char answer = sslAnswer(socket, encryption);
        if (answer == 'N' && encryption == Encryption.REQUIRED) {
            throw notSupported();
        }
        return answer == 'S';
    }

    private PgConnectionException notSupported() {
        return failed("server does not support SSL, but SSL was required (sslmode="
                + cfg.sslMode().keyword() + ", " + where() + ")", null);
    }

    /**
     * Sends SSLRequest and reads exactly one byte from the raw socket: 'S' (nothing may follow
     * before the handshake, CVE-2021-23222) or 'N'; any other answer fails.
     */
    private char sslAnswer(Socket socket, Encryption encryption) throws IOException {
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
                    throw failed("received unencrypted data after SSL response from " + where()
                            + " (possible man-in-the-middle, CVE-2021-23222)", null);
                }
                return 'S';
            }
            case 'N' -> {
                return 'N';
            }
            case 'E' -> {
                String msg = "server refused the SSLRequest with an error (" + where()
                        + "); its text not shown: the server is not authenticated yet (CVE-2024-10977)";
                if (encryption == Encryption.PREFERRED) {
                    throw new TlsFailed(msg, null, hostPort(cfg), phase);
                }
                throw failed(msg, null);
            }
            case -1 -> throw failed("server closed the connection in response to SSLRequest ("
                    + where() + ")", null);
            default -> throw failed(String.format(
                    "received invalid response to SSL negotiation: 0x%02x (%s; is this a PostgreSQL server?)",
                    answer, where()), null);
        }
    }

    private TlsConnection handshake(Socket socket, Encryption encryption, String target) {
        phase = ConnectPhase.TLS;
        try {
            return Dialer.layerTls(socket, cfg.tlsHost(), cfg.port(), tlsConfig, deadline, target, listener);
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
                throw new TlsFailed(msg, e, hostPort(cfg), ConnectPhase.TLS);
            }
            // a TLS configuration error (key file, trust anchors) stays CONFIGURATION, read from its cause
            throw e.kind() == TlsException.Kind.CONFIG ? new PgConnectionException(msg, e) : failed(msg, e);
        }
    }

    private Established startup(PgStream stream, TlsSession session, boolean direct, String target) throws IOException {
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

        authMethod = "none";
        Authenticator authenticator = new Authenticator(stream, session);
        boolean channelBound = authenticator.run();
        if (authenticator.stoppedBeforePassword) {
            return null;
        }

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
                    return new Established(stream, tls, pid, key, status, r.transactionStatus(), cfg,
                            (InetSocketAddress) stream.socket().getRemoteSocketAddress());
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
        /** Probe mode: the server asked for a password (or SASL), which the probe never answers. */
        private boolean stoppedBeforePassword;

        Authenticator(PgStream stream, TlsSession session) {
            this.stream = stream;
            this.session = session;
        }

        boolean run() throws IOException {
            while (true) {
                stream.socket().setSoTimeout(remainingMillis());
                BackendMessage m = stream.read();
                if (probe && asksForCredentials(m)) {
                    stoppedBeforePassword = true;
                    return false;
                }
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
                            throw failed("SCRAM authentication with " + where() + " failed: "
                                    + e.getMessage(), e);
                        }
                        scramDone = true;
                    }
                    case AuthenticationUnsupported u -> {
                        RequireAuth.Method method = u.code() == 9 ? RequireAuth.Method.SSPI : RequireAuth.Method.GSS;
                        require(method, u.methodName() + " authentication");
                        throw failed("server requested " + u.methodName()
                                + " authentication, which this driver does not support", null);
                    }
                    case ErrorResponse e -> throw PgServerException.of(e.fields());
                    case NoticeResponse n -> notices.accept(new PgNotice(n.fields()));
                    case NegotiateProtocolVersion v -> LOG.debug("server speaks protocol 3.{}", v.newestMinorVersion());
                    default -> throw new ProtocolException("unexpected " + stream.lastTypeName() + " during authentication");
                }
            }
        }

        private boolean asksForCredentials(BackendMessage m) {
            authMethod = switch (m) {
                case AuthenticationCleartextPassword p -> "a cleartext password";
                case AuthenticationMD5Password p -> "an MD5 password";
                case AuthenticationSASL sasl -> "SASL " + String.join(", ", sasl.mechanisms());
                case AuthenticationUnsupported u -> u.methodName();
                default -> authMethod;
            };
            return m instanceof AuthenticationCleartextPassword || m instanceof AuthenticationMD5Password
                    || m instanceof AuthenticationSASL || m instanceof AuthenticationUnsupported;
        }

        private void finish() {
            if (scram != null && !scramDone) {
                throw failed("server sent AuthenticationOk before completing SCRAM authentication"
                        + " (it did not prove it knows the password)", null);
            }
            if (!performed && !cfg.requireAuth().allows(RequireAuth.Method.NONE)) {
                throw PgConnectionException.configuration("authentication method requirement \"" + cfg.requireAuth()
                        + "\" failed: server did not complete authentication", null);
            }
            if (cfg.channelBinding() == ChannelBindingMode.REQUIRE && !channelBound) {
                throw PgConnectionException.configuration("channel binding required, but server authenticated client"
                        + " without channel binding", null);
            }
        }

        private void require(RequireAuth.Method method, String what) {
            if (!cfg.requireAuth().allows(method)) {
                throw PgConnectionException.configuration("authentication method requirement \"" + cfg.requireAuth()
                        + "\" failed: server requested " + what, null);
            }
            performed = true;
        }

        private void noChannelBindingPossible(String what) {
            if (cfg.channelBinding() == ChannelBindingMode.REQUIRE) {
                throw PgConnectionException.configuration("channel binding required, but server requested " + what
                        + ", which cannot bind to the channel (channel_binding=require)", null);
            }
        }

        private String password() {
            return cfg.password().orElseThrow(() -> PgConnectionException.configuration(
                    "password is required by " + where() + " for user \"" + cfg.user() + "\", but none was provided", null));
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
                    throw PgConnectionException.configuration("channel binding is required (channel_binding=require), but "
                            + unboundReason, null);
                }
                if (!offersPlain) {
                    throw failed("server offered only SASL mechanisms " + sasl.mechanisms()
                            + " and none can be used: " + (unboundReason == null ? "channel_binding=disable" : unboundReason), null);
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

    /** The bound on a whole cancel when connect_timeout is unlimited (pgjdbc's cancelSignalTimeout default). */
    static final Duration CANCEL_TIMEOUT_WITHOUT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Sends CancelRequest on a new connection to the session's own host entry and address,
     * negotiated like the original one; waits for the server to close it. The whole exchange
     * (connect, TLS, request, waiting for the close) has ONE deadline, like libpq's
     * {@code PQcancelBlocking}: {@code connect_timeout}, or
     * {@link #CANCEL_TIMEOUT_WITHOUT_CONNECT_TIMEOUT} when that is unlimited. A server that has
     * not closed the connection by then is left alone (the request is out; debug log); a
     * connect or TLS phase that overruns it fails with the usual connect-timeout error.
     */
    static void cancel(Established session, TlsConfig tlsConfig) {
        if (session.secretKey() == null) {
            throw new PgConnectionException("cannot cancel: the server sent no BackendKeyData");
        }
        PgConfig hostCfg = session.hostConfig();
        Duration limit = hostCfg.connectTimeout().isZero() ? CANCEL_TIMEOUT_WITHOUT_CONNECT_TIMEOUT : hostCfg.connectTimeout();
        Dialer.Deadline deadline = Dialer.Deadline.after(limit);
        Connector c = new Connector(hostCfg, tlsConfig, n -> { }, deadline,
                session.address().getAddress(), ConnectListener.none());
        String target = hostCfg.hosts().get(0) + " (cancel)";
        Socket socket = c.openSocket(target);
        Socket active = socket;
        try {
            if (session.tls() != null) {
                Encryption enc = Encryption.REQUIRED;
                if (session.tls().directNegotiation() || c.sslRequest(socket, enc)) {
                    active = c.handshake(socket, enc, target).socket();
                }
            }
            ByteSink out = new ByteSink(16 + session.secretKey().length);
            Frontend.cancelRequest(out, session.processId(), session.secretKey());
            active.getOutputStream().write(out.array(), 0, out.size());
            active.getOutputStream().flush();
            active.setSoTimeout(deadline.remainingMillis());
            InputStream in = active.getInputStream();
            while (in.read() >= 0) {
                // the server sends nothing; it closes the connection when done
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("server did not close the cancel connection within the cancel's deadline ({})", PgPool.describe(limit));
        } catch (IOException e) {
            if (!(e instanceof javax.net.ssl.SSLException) && !(e instanceof java.net.SocketException)) {
                throw new PgConnectionException("cancel request to " + c.where() + " failed: " + e.getMessage(), e);
            }
            LOG.debug("cancel connection closed: {}", e.getMessage());
        } finally {
            Dialer.closeQuietly(active);
            Dialer.closeQuietly(socket);
        }
    }

    private static void close(Socket socket, PgStream stream) {
        if (stream != null) {
            stream.close();
        }
        Dialer.closeQuietly(socket);
    }
}
