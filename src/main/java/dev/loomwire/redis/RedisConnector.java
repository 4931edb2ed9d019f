package dev.loomwire.redis;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.ConnectLog;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.net.Dialer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a {@link RedisConnection}: TCP connect and TLS handshake inside {@code connect_timeout},
 * then {@code HELLO 3 [AUTH] [SETNAME]} (falling back to {@code AUTH} + RESP2 on servers without
 * HELLO, or when protocol 2 is asked for) and {@code SELECT}.
 *
 * <p>{@code loomwire probe} opens connections the driver's way ({@link #open}) and runs the
 * driver's session set-up ({@link #setup}) through {@link ProbeAccess}, registered below so that
 * this class stays package-private; applications connect through {@link RedisClient}.
 */
final class RedisConnector {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    static {
        ProbeAccess.register(new ProbeAccess.Redis() {
            @Override
            public ProbeAccess.RedisOpened open(RedisConfig config, TlsConfig tlsConfig, Duration timeout,
                                                ConnectListener<RedisReply> listener) {
                return RedisConnector.open(config, tlsConfig, timeout, listener);
            }

            @Override
            public ProbeAccess.RedisSession setup(RedisConfig config, ProbeAccess.RedisOpened opened, Duration timeout,
                                                  ConnectListener<RedisReply> listener) {
                return RedisConnector.setup(config, opened, timeout, listener);
            }
        });
    }

    private RedisConnector() {}

    /**
     * The driver's own connection opening, for {@code probe}: name resolution, TCP connect to the
     * first address that accepts, and with {@code tlsConfig} (may differ from the URI's, e.g. in
     * its verification level; {@code null} for none) the TLS handshake, all within {@code timeout}
     * and reported to {@code listener}. Stops before HELLO/AUTH: nothing, no password, is sent.
     *
     * @throws RedisConnectionException naming the peer and the cause (a TLS failure has the
     *                                  {@link TlsException} as its cause)
     */
    static ProbeAccess.RedisOpened open(RedisConfig config, TlsConfig tlsConfig, Duration timeout,
                                        ConnectListener<RedisReply> listener) {
        String peer = peer(config);
        Socket socket = openSocket(config, peer, Dialer.Deadline.after(timeout), timeout, listener);
        if (tlsConfig == null) {
            return new ProbeAccess.RedisOpened(socket, null);
        }
        return new ProbeAccess.RedisOpened(socket, handshake(socket, config, tlsConfig, peer, System.nanoTime() + timeout.toNanos(),
                timeout, listener));
    }

    /** The URI's host and port, for {@link RedisException#host()} of a connect failure. */
    private static String hostPort(RedisConfig config) {
        return new HostAndPort(config.host(), config.port()).toString();
    }

    private static String peer(RedisConfig config) {
        return (config.host().indexOf(':') >= 0 ? "[" + config.host() + "]" : config.host()) + ":" + config.port()
                + (config.dialAddress().equals(new HostAndPort(config.host(), config.port())) ? "" : " (dialed at " + config.dialAddress() + ")");
    }

    static RedisConnection connect(RedisConfig config) {
        return connect(config, ConnectListener.none());
    }

    /** Connects, reporting each phase (dns, tcp, tls, auth, ready) to {@code listener}. */
    static RedisConnection connect(RedisConfig config, ConnectListener<RedisReply> listener) {
        ConnectLog<RedisReply> connectLog = log.isDebugEnabled() ? new ConnectLog<>() : null;
        if (connectLog != null) {
            listener = ConnectListener.both(listener, connectLog);
        }
        String peer = peer(config);
        long start = System.nanoTime();
        long deadline = start + config.connectTimeout().toNanos();
        Socket socket = openSocket(config, peer, Dialer.Deadline.after(config.connectTimeout()), config.connectTimeout(),
                listener);
        TlsSession tls = null;
        Socket stream = socket;
        try {
            RespChannel channel;
            if (config.isTls()) {
                TlsConnection connection = handshake(socket, config, config.tls().orElseThrow(), peer, deadline,
                        config.connectTimeout(), listener);
                tls = connection.session();
                stream = connection.socket();
                channel = new RespChannel(stream, peer, config.maxBulkLength());
                channel.tls(connection);
                channel.closeHint("the server closed the TLS connection before answering, without a TLS alert");
            } else {
                channel = new RespChannel(stream, peer, config.maxBulkLength());
                channel.closeHint("is port " + config.port() + " a TLS port? use rediss://");
            }
            channel.observeSetup(listener);
            RedisConnection connection = new RedisConnection(config, channel, tls);
            long setupStart;
            try {
                // the setup commands share the connect deadline: a silent peer cannot stretch connect() to the read timeout
                Duration setup = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 100_000_000L));
                if (!config.timeout().isZero() && config.timeout().compareTo(setup) < 0) {
                    setup = config.timeout();
                }
                setupStart = System.nanoTime();
                listener.phaseStarted(ConnectPhase.AUTH, peer);
                int protocol = startSession(config, channel, connection, setup);
                connection.started(protocol);
                channel.setupComplete();
                listener.phaseSucceeded(ConnectPhase.AUTH, peer, Dialer.since(setupStart),
                        (config.user() == null && config.password() == null ? "setup without AUTH"
                                : "AUTH as " + (config.user() == null ? "default" : config.user()))
                        + " (RESP" + protocol + (connection.serverVersion() == null ? "" : ", server "
                                + connection.serverVersion()) + ")");
            } catch (RuntimeException e) {
                listener.phaseFailed(ConnectPhase.AUTH, peer, Duration.ZERO, e);
                channel.close();
                throw setupFailure(config, e);
            }
            listener.phaseSucceeded(ConnectPhase.READY, peer, Dialer.since(start), "connected");
            if (connectLog != null) {
                log.debug("connected to {} in {}: {}", peer, ConnectLog.millis(Dialer.since(start)), connectLog.line());
            }
            return connection;
        } catch (IOException e) {
            Dialer.closeQuietly(stream);
            throw new RedisConnectionException("cannot set up the connection to " + peer + ": " + e.getMessage(), e,
                    hostPort(config), ConnectPhase.AUTH);
        }
    }

    /** Resolves the host and connects to its addresses in order (the shared {@link Dialer}), within connect_timeout. */
    private static Socket openSocket(RedisConfig config, String peer, Dialer.Deadline deadline, Duration timeout,
                                     ConnectListener<RedisReply> listener) {
        List<InetAddress> addresses;
        try {
            addresses = Dialer.resolve(config.dialAddress().host(), peer, listener);
        } catch (UnknownHostException e) {
            throw new RedisConnectionException("cannot connect to " + peer + ": unknown host \"" + config.dialAddress().host() + "\"", e,
                    hostPort(config), ConnectPhase.DNS);
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            try {
                return Dialer.connect(new InetSocketAddress(address, config.dialAddress().port()), peer, config.socketOptions(),
                        deadline, listener);
            } catch (SocketTimeoutException e) {
                throw new RedisTimeoutException(TimeoutKind.CONNECT, "cannot connect to " + peer + ": timed out after "
                        + RespChannel.describe(timeout) + " (connect_timeout)", e);
            } catch (IOException e) {
                last = e;
            }
        }
        if (last instanceof ConnectException) {
            throw new RedisConnectionException("cannot connect to " + peer + ": " + last.getMessage()
                    + " (is Redis listening on port " + config.port() + "?)", last, hostPort(config), ConnectPhase.TCP);
        }
        throw new RedisConnectionException("cannot connect to " + peer + ": " + last.getMessage(), last,
                hostPort(config), ConnectPhase.TCP);
    }

    private static TlsConnection handshake(Socket socket, RedisConfig config, TlsConfig tlsConfig, String peer,
                                           long deadline, Duration timeout, ConnectListener<RedisReply> listener) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            Dialer.closeQuietly(socket);
            throw new RedisTimeoutException(TimeoutKind.CONNECT, "cannot connect to " + peer + ": connect_timeout of "
                    + RespChannel.describe(timeout) + " used up before the TLS handshake", null);
        }
        try {
            return Dialer.layerTls(socket, config.host(), config.port(), tlsConfig, new Dialer.Deadline(deadline), peer,
                    listener);
        } catch (TlsException e) {
            Dialer.closeQuietly(socket);
            String hint = switch (e.kind()) {
                case NOT_TLS -> " (for a plaintext Redis port use redis://)";
                case TIMEOUT -> " (a plaintext Redis port never answers a TLS handshake: is port " + config.port()
                        + " a plaintext port? then use redis://)";
                case CLOSED_BY_PEER -> " (is port " + config.port() + " a Redis TLS port?)";
                default -> "";
            };
            String message = "TLS to " + peer + " failed: " + e.getMessage() + hint;
            throw switch (e.kind()) {
                case TIMEOUT -> new RedisTimeoutException(TimeoutKind.CONNECT, message, e);
                case CONFIG -> new RedisConnectionException(message, e); // CONFIGURATION, read from the cause
                default -> new RedisConnectionException(message, e, hostPort(config), ConnectPhase.TLS);
            };
        } catch (RuntimeException e) {
            Dialer.closeQuietly(socket);
            throw new RedisConnectionException("TLS to " + peer + " failed: " + e, e, hostPort(config), ConnectPhase.TLS);
        }
    }

    /**
     * The driver's session set-up for {@code loomwire probe} on a connection {@link #open} opened:
     * the same HELLO/AUTH/SETNAME/SELECT step {@link #connect} runs, within {@code timeout}, each
     * reply reported to {@code listener}. The connection stays open; the caller closes it.
     */
    static ProbeAccess.RedisSession setup(RedisConfig config, ProbeAccess.RedisOpened opened, Duration timeout,
                                          ConnectListener<RedisReply> listener) {
        String peer = peer(config);
        long start = System.nanoTime();
        listener.phaseStarted(ConnectPhase.AUTH, peer);
        try {
            RespChannel channel = new RespChannel(opened.stream(), peer, config.maxBulkLength());
            if (opened.tls() != null) {
                channel.tls(opened.tls());
            }
            channel.observeSetup(listener);
            RedisConnection connection = new RedisConnection(config, channel,
                    opened.tls() == null ? null : opened.tls().session());
            int protocol = startSession(config, channel, connection, timeout);
            listener.phaseSucceeded(ConnectPhase.AUTH, peer, Dialer.since(start), "RESP" + protocol);
            return new ProbeAccess.RedisSession(protocol, java.util.Optional.empty());
        } catch (IOException e) {
            RedisException failure = new RedisConnectionException("cannot set up the connection to " + peer + ": "
                    + e.getMessage(), e, hostPort(config), ConnectPhase.AUTH);
            listener.phaseFailed(ConnectPhase.AUTH, peer, Dialer.since(start), failure);
            return new ProbeAccess.RedisSession(0, java.util.Optional.of(failure));
        } catch (RedisException e) {
            RedisException failure = setupFailure(config, e);
            listener.phaseFailed(ConnectPhase.AUTH, peer, Dialer.since(start), failure);
            return new ProbeAccess.RedisSession(0, java.util.Optional.of(failure));
        }
    }

    /** The session set-up after TLS: HELLO 3 (or RESP2 when asked for, or when the server lacks HELLO); the protocol spoken. */
    private static int startSession(RedisConfig config, RespChannel channel, RedisConnection connection, Duration timeout) {
        return config.protocol() == 3 ? helloOrFallback(config, channel, connection, timeout)
                : resp2Start(config, channel, timeout);
    }

    /** HELLO 3 with AUTH/SETNAME, SELECT pipelined behind it; RESP2 start if the server lacks HELLO. */
    private static int helloOrFallback(RedisConfig config, RespChannel channel, RedisConnection connection,
                                       Duration timeout) {
        List<Object> hello = new ArrayList<>(List.of("HELLO", "3"));
        char[] password = config.password();
        if (password != null) {
            hello.add("AUTH");
            hello.add(config.user() == null ? "default" : config.user());
            hello.add(utf8(password));
        }
        if (config.clientName() != null) {
            hello.add("SETNAME");
            hello.add(config.clientName());
        }
        channel.encoder().commandOf(hello.toArray());
        boolean select = config.database() != 0;
        if (select) {
            channel.encoder().command("SELECT", Integer.toString(config.database()));
        }
        if (config.readOnly()) {
            channel.encoder().command("READONLY");
        }
        channel.flush();
        RedisReply reply = channel.read(timeout);
        RedisReply selected = select ? channel.read(timeout) : null;
        RedisReply readOnly = config.readOnly() ? channel.read(timeout) : null;
        if (reply instanceof ErrorReply e) {
            if (e.code().equals("NOPROTO") || (e.code().equals("ERR") && e.message().contains("unknown command"))) {
                log.debug("server {} has no RESP3 HELLO ({}); using AUTH and RESP2", channel.peer(), e.message());
                return resp2Start(config, channel, timeout);
            }
            throw authFailure(config, e);
        }
        connection.serverInfo(reply);
        if (selected instanceof ErrorReply e) {
            throw RedisServerException.of(e.code(), e.message(), "SELECT " + config.database() + " failed");
        }
        if (readOnly instanceof ErrorReply e) {
            throw RedisServerException.of(e.code(), e.message(), "READONLY (for reads from cluster replicas) failed");
        }
        return 3;
    }

    private static int resp2Start(RedisConfig config, RespChannel channel, Duration timeout) {
        char[] password = config.password();
        int replies = 0;
        if (password != null) {
            if (config.user() != null) {
                channel.encoder().commandOf("AUTH", config.user(), utf8(password));
            } else {
                channel.encoder().commandOf("AUTH", utf8(password));
            }
            replies++;
        }
        if (config.clientName() != null) {
            channel.encoder().command("CLIENT", "SETNAME", config.clientName());
            replies++;
        }
        if (config.database() != 0) {
            channel.encoder().command("SELECT", Integer.toString(config.database()));
            replies++;
        }
        if (config.readOnly()) {
            channel.encoder().command("READONLY");
            replies++;
        }
        if (replies == 0) {
            channel.encoder().command("PING"); // proves the server speaks RESP before connect() returns
            replies++;
        }
        channel.flush();
        RedisServerException first = null;
        for (int i = 0; i < replies; i++) {
            RedisReply r = channel.read(timeout);
            if (r instanceof ErrorReply e && first == null) {
                first = i == 0 && password != null ? authFailure(config, e)
                        : RedisServerException.of(e.code(), e.message(), "connection setup failed");
            }
        }
        if (first != null) {
            throw first;
        }
        return 2;
    }

    private static RedisServerException authFailure(RedisConfig config, ErrorReply e) {
        String who = config.user() == null ? "the default user" : "user \"" + config.user() + "\"";
        return RedisServerException.of(e.code(), e.message(), "authentication as " + who + " failed");
    }

    /**
     * A failure of the HELLO/AUTH/SELECT step: the server's own error stays a {@link RedisServerException};
     * a transport failure before the session exists is a connect failure (phase AUTH), and a reply
     * that did not come in time is a connect timeout.
     */
    private static RedisException setupFailure(RedisConfig config, RuntimeException e) {
        if (e instanceof RedisTimeoutException t) {
            return new RedisTimeoutException(TimeoutKind.CONNECT, t.getMessage() + " (during connection setup)", t);
        }
        if (e instanceof RedisConnectionException c && c.category() == ErrorCategory.BROKEN) {
            return new RedisConnectionException(c.getMessage(), c, hostPort(config), ConnectPhase.AUTH);
        }
        if (e instanceof RedisException r) {
            return r;
        }
        throw e;
    }

    private static byte[] utf8(char[] chars) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
