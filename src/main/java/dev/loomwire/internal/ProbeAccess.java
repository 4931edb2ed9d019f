package dev.loomwire.internal;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisException;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The connectors' entry points for {@code loomwire probe}, which must run the drivers' own
 * connection set-up (one definition) but must not make {@code Connector}/{@code RedisConnector}
 * public in the exported driver packages. The package is not exported, so only loomwire's own
 * code can reach these; {@code dev.loomwire.pg.Connector} and {@code dev.loomwire.redis.RedisConnector}
 * register their implementations from their static initialisers.
 */
public final class ProbeAccess {
    private static volatile Pg pg;
    private static volatile Redis redis;

    private ProbeAccess() {}

    /** What the PostgreSQL connector offers the probe. */
    public interface Pg {
        /**
         * Runs the driver's own attempt for one host entry ({@code hostCfg}, see {@link PgConfig#forHost})
         * at {@code address}, stopping at the server's first authentication request, before a
         * password is sent (or at ReadyForQuery when none is asked for, then checking the server
         * type as target_session_attrs does), then sends Terminate. {@code tlsConfig} null: no TLS.
         */
        PgAttempt probe(PgConfig hostCfg, TlsConfig tlsConfig, InetAddress address, Duration timeout,
                        ConnectListener<BackendMessage> listener);

        /** The TLS configuration the driver derives from {@code cfg}: null for sslmode=disable. */
        TlsConfig tlsConfigFor(PgConfig cfg);
    }

    /**
     * What one probe attempt came to: the TLS session if a handshake completed (also when a later
     * step failed), the failure that ended the attempt if any, and the server type check.
     */
    public record PgAttempt(Optional<TlsSession> tls, Optional<PgException> failure, ServerCheck serverCheck) {}

    /** The target_session_attrs decision of the driver for a probed server. */
    public sealed interface ServerCheck {
        /** The server asked for a password (or failed) before it said what it is: unknown. */
        record Unknown() implements ServerCheck {}
        /**
         * The server let the probe in; {@code type} is "primary", "primary, read-only" or "standby"
         * as the driver reads it, {@code rejection} libpq's reason when target_session_attrs would
         * pass it over (empty: accepted).
         */
        record Known(String type, Optional<String> rejection) implements ServerCheck {}
    }

    /** What the Redis connector offers the probe. */
    public interface Redis {
        /**
         * The driver's own connection opening: DNS, TCP to the first address that accepts, and with
         * {@code tlsConfig} ({@code null}: none) the TLS handshake, within {@code timeout}, reported
         * to {@code listener}. Stops before HELLO/AUTH: nothing is sent.
         */
        RedisOpened open(RedisConfig config, TlsConfig tlsConfig, Duration timeout, ConnectListener<RedisReply> listener);

        /**
         * The driver's own session set-up on an opened connection (HELLO 3 with AUTH, or AUTH and
         * RESP2 on servers without HELLO; SETNAME, SELECT), within {@code timeout}, each reply
         * reported to {@code listener}; the connection stays open (the caller closes it).
         */
        RedisSession setup(RedisConfig config, RedisOpened opened, Duration timeout, ConnectListener<RedisReply> listener);
    }

    /** A Redis connection opened up to where the protocol starts: the TCP socket, and the TLS connection over it ({@code null} without TLS). */
    public record RedisOpened(Socket socket, TlsConnection tls) {
        /** The socket to speak RESP on: the TLS socket, or the plain one. */
        public Socket stream() {
            return tls != null ? tls.socket() : socket;
        }
    }

    /**
     * The outcome of the driver's set-up: the negotiated protocol (2 or 3; 0 after a failure), or
     * the failure (a {@link dev.loomwire.redis.RedisServerException} such as WRONGPASS, a timeout,
     * a broken connection). The HELLO reply itself reaches the listener passed to {@link Redis#setup}.
     */
    public record RedisSession(int protocol, Optional<RedisException> failure) {}

    /** Called once, by {@code dev.loomwire.pg.Connector}'s static initialiser. */
    public static void register(Pg access) {
        if (pg != null) {
            throw new IllegalStateException("PostgreSQL probe access already registered");
        }
        pg = Objects.requireNonNull(access);
    }

    /** Called once, by {@code dev.loomwire.redis.RedisConnector}'s static initialiser. */
    public static void register(Redis access) {
        if (redis != null) {
            throw new IllegalStateException("Redis probe access already registered");
        }
        redis = Objects.requireNonNull(access);
    }

    /** The PostgreSQL connector's probe entry points. */
    public static Pg pg() {
        Pg p = pg;
        if (p == null) {
            initialise("dev.loomwire.pg.Connector");
            p = pg;
        }
        return p;
    }

    /** The Redis connector's probe entry points. */
    public static Redis redis() {
        Redis r = redis;
        if (r == null) {
            initialise("dev.loomwire.redis.RedisConnector");
            r = redis;
        }
        return r;
    }

    private static void initialise(String className) {
        try {
            Class.forName(className, true, ProbeAccess.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("loomwire is incomplete: " + className + " is missing", e);
        }
    }
}
