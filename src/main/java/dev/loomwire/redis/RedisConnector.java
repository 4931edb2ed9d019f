package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
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
 */
final class RedisConnector {
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);

    private RedisConnector() {}

    static RedisConnection connect(RedisConfig config) {
        String peer = (config.host().indexOf(':') >= 0 ? "[" + config.host() + "]" : config.host()) + ":" + config.port()
                + (config.dialAddress().equals(new HostAndPort(config.host(), config.port())) ? "" : " (dialed at " + config.dialAddress() + ")");
        long start = System.nanoTime();
        long deadline = start + config.connectTimeout().toNanos();
        Socket socket = openSocket(config, peer);
        long tcpNanos = System.nanoTime() - start;
        TlsSession tls = null;
        Socket stream = socket;
        try {
            RespChannel channel;
            if (config.isTls()) {
                TlsConnection connection = handshake(socket, config, peer, deadline);
                tls = connection.session();
                stream = connection.socket();
                channel = new RespChannel(stream, peer, config.maxBulkLength());
                channel.tls(connection);
                channel.closeHint("the server closed the TLS connection before answering, without a TLS alert");
            } else {
                channel = new RespChannel(stream, peer, config.maxBulkLength());
                channel.closeHint("is port " + config.port() + " a TLS port? use rediss://");
            }
            RedisConnection connection = new RedisConnection(config, channel, tls);
            long setupStart;
            try {
                // the setup commands share the connect deadline: a silent peer cannot stretch connect() to the read timeout
                Duration setup = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 100_000_000L));
                if (!config.timeout().isZero() && config.timeout().compareTo(setup) < 0) {
                    setup = config.timeout();
                }
                setupStart = System.nanoTime();
                int protocol = config.protocol() == 3 ? helloOrFallback(config, channel, connection, setup)
                        : resp2Start(config, channel, setup);
                connection.started(protocol);
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
            if (log.isDebugEnabled()) {
                long now = System.nanoTime();
                log.debug("connected to {} in {}: TCP {}, {}, {} {} (RESP{}{})", peer, millis(now - start),
                        millis(tcpNanos), describeTls(tls, config), config.user() == null && config.password() == null
                                ? "setup without AUTH" : "AUTH as " + (config.user() == null ? "default" : config.user()),
                        millis(now - setupStart), connection.protocol(),
                        connection.serverVersion() == null ? "" : ", server " + connection.serverVersion());
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(stream);
            throw new RedisConnectionException("cannot set up the connection to " + peer + ": " + e.getMessage(), e);
        }
    }

    private static String describeTls(TlsSession tls, RedisConfig config) {
        if (tls == null) {
            return "no TLS";
        }
        StringBuilder sb = new StringBuilder("TLS ").append(tls.protocol()).append(' ').append(tls.cipherSuite())
                .append(' ').append(millis(tls.handshakeTime().toNanos())).append(" (verification ")
                .append(config.tls().orElseThrow().verification()).append(", SNI ").append(tls.sniSent())
                .append(", resumed ").append(tls.resumed());
        if (tls.clientCertificateSent()) {
            sb.append(", client certificate sent");
        }
        if (!tls.peerChain().isEmpty()) {
            java.security.cert.X509Certificate leaf = tls.peerChain().get(0);
            sb.append(", server certificate ").append(leaf.getSubjectX500Principal().getName())
                    .append(" issued by ").append(leaf.getIssuerX500Principal().getName());
        }
        return sb.append(')').toString();
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static Socket openSocket(RedisConfig config, String peer) {
        Socket socket = null;
        try {
            socket = config.socketOptions().newSocket();
            socket.setTcpNoDelay(true);
            HostAndPort dial = config.dialAddress();
            socket.connect(new InetSocketAddress(dial.host(), dial.port()),
                    (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.connectTimeout().toMillis())));
            return socket;
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new RedisConnectionException("cannot connect to " + peer + ": unknown host \"" + config.dialAddress().host() + "\"", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new RedisConnectionException("cannot connect to " + peer + ": timed out after "
                    + RespChannel.describe(config.connectTimeout()) + " (connect_timeout)", e);
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new RedisConnectionException("cannot connect to " + peer + ": " + e.getMessage()
                    + " (is Redis listening on port " + config.port() + "?)", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RedisConnectionException("cannot connect to " + peer + ": " + e.getMessage(), e);
        }
    }

    private static TlsConnection handshake(Socket socket, RedisConfig config, String peer, long deadline) {
        TlsConfig tlsConfig = config.tls().orElseThrow();
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            closeQuietly(socket);
            throw new RedisConnectionException("cannot connect to " + peer + ": connect_timeout of "
                    + RespChannel.describe(config.connectTimeout()) + " used up before the TLS handshake");
        }
        try {
            return TlsSockets.layer(socket, config.host(), config.port(), tlsConfig, Duration.ofNanos(remaining));
        } catch (TlsException e) {
            closeQuietly(socket);
            String hint = switch (e.kind()) {
                case NOT_TLS -> " (for a plaintext Redis port use redis://)";
                case TIMEOUT -> " (a plaintext Redis port never answers a TLS handshake: is port " + config.port()
                        + " a plaintext port? then use redis://)";
                case CLOSED_BY_PEER -> " (is port " + config.port() + " a Redis TLS port?)";
                default -> "";
            };
            throw new RedisConnectionException("TLS to " + peer + " failed: " + e.getMessage() + hint, e);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw new RedisConnectionException("TLS to " + peer + " failed: " + e, e);
        }
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
            throw new RedisServerException(e.code(), e.message(), "SELECT " + config.database() + " failed");
        }
        if (readOnly instanceof ErrorReply e) {
            throw new RedisServerException(e.code(), e.message(), "READONLY (for reads from cluster replicas) failed");
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
                        : new RedisServerException(e.code(), e.message(), "connection setup failed");
            }
        }
        if (first != null) {
            throw first;
        }
        return 2;
    }

    private static RedisServerException authFailure(RedisConfig config, ErrorReply e) {
        String who = config.user() == null ? "the default user" : "user \"" + config.user() + "\"";
        return new RedisServerException(e.code(), e.message(), "authentication as " + who + " failed");
    }

    private static byte[] utf8(char[] chars) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static void closeQuietly(Socket s) {
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
