package dev.loomwire.redis;

import dev.loomwire.redis.resp.RespDecoder;
import dev.loomwire.tls.SocketOptions;
import dev.loomwire.tls.TlsConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to open a {@link RedisConnection}: address, TLS, credentials, database,
 * protocol version and timeouts. Immutable; build it with {@link #builder()} or parse a
 * {@code redis://} / {@code rediss://} URI with {@link #fromUri(String)}. {@link #toString()}
 * never shows the password.
 */
public final class RedisConfig {
    /** Redis's default port. */
    public static final int DEFAULT_PORT = 6379;
    /** Default for {@link Builder#timeout(Duration)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default for {@link Builder#connectTimeout(Duration)}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final TlsConfig tls;
    private final String user;
    private final char[] password;
    private final int database;
    private final int protocol;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final String clientName;
    private final long maxBulkLength;
    /** Cluster nodes only: where to connect when that differs from the name TLS checks ({@link #host}). */
    private final HostAndPort dial;
    /** Cluster nodes only: send READONLY after connecting, so replicas serve reads. */
    private final boolean readOnly;
    private final SocketOptions socketOptions;

    private RedisConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
        this.user = b.user;
        this.password = b.password == null ? null : b.password.clone();
        this.database = b.database;
        this.protocol = b.protocol;
        this.timeout = b.timeout;
        this.connectTimeout = b.connectTimeout;
        this.clientName = b.clientName;
        this.maxBulkLength = b.maxBulkLength;
        this.dial = b.dial;
        this.readOnly = b.readOnly;
        this.socketOptions = b.socketOptions;
    }

    /** A builder with the defaults: localhost:6379, plaintext, RESP3, database 0, 10 s read and 5 s connect timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code redis://[[user]:password@]host[:port][/db][?params]} or {@code rediss://...}
     * (TLS from the first byte). Throws {@link IllegalArgumentException} naming the bad part.
     */
    public static RedisConfig fromUri(String uri) {
        return RedisUri.parse(uri);
    }

    public String host() { return host; }
    public int port() { return port; }
    /** True for {@code rediss://}: TLS from the first byte. */
    public boolean isTls() { return tls != null; }
    /** The TLS settings; empty for plaintext. */
    public Optional<TlsConfig> tls() { return Optional.ofNullable(tls); }
    /** The ACL user; null means the default user. */
    public String user() { return user; }
    /** A copy of the password, or null. */
    public char[] password() { return password == null ? null : password.clone(); }
    public int database() { return database; }
    /** 3 (RESP3, the default) or 2. */
    public int protocol() { return protocol; }
    /** Read timeout for replies; {@link Duration#ZERO} waits forever. */
    public Duration timeout() { return timeout; }
    /** Deadline for TCP connect plus TLS handshake. */
    public Duration connectTimeout() { return connectTimeout; }
    /** Name set with CLIENT SETNAME / HELLO SETNAME, or null. */
    public String clientName() { return clientName; }
    /** Largest bulk string accepted in a reply; a longer declared length breaks the connection. */
    public long maxBulkLength() { return maxBulkLength; }
    /** TCP keepalive and user-timeout settings (libpq names in the URI: keepalives, keepalives_idle, ...). */
    public SocketOptions socketOptions() { return socketOptions; }

    /** The address to connect to: {@link #host()}:{@link #port()} unless a cluster node is dialed elsewhere. */
    HostAndPort dialAddress() {
        return dial != null ? dial : new HostAndPort(host, port);
    }

    boolean readOnly() {
        return readOnly;
    }

    /** A builder holding this configuration's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).tls(tls).user(user).database(database)
                .protocol(protocol).timeout(timeout).connectTimeout(connectTimeout).clientName(clientName).maxBulkLength(maxBulkLength)
                .socketOptions(socketOptions);
        b.password = password == null ? null : password.clone();
        b.dial = dial;
        b.readOnly = readOnly;
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isTls() ? "rediss://" : "redis://");
        if (user != null || password != null) {
            sb.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
        }
        sb.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port).append('/').append(database);
        sb.append(" protocol=").append(protocol).append(" timeout=").append(RespChannel.describe(timeout))
                .append(" connect_timeout=").append(RespChannel.describe(connectTimeout));
        if (clientName != null) {
            sb.append(" client_name=").append(clientName);
        }
        if (dial != null) {
            sb.append(" dialed at ").append(dial);
        }
        if (tls != null) {
            sb.append(" sslverify=").append(tls.verification());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisConfig c && host.equals(c.host) && port == c.port && Objects.equals(tls, c.tls)
                && Objects.equals(user, c.user) && Arrays.equals(password, c.password) && database == c.database
                && protocol == c.protocol && timeout.equals(c.timeout) && connectTimeout.equals(c.connectTimeout)
                && Objects.equals(clientName, c.clientName) && maxBulkLength == c.maxBulkLength
                && socketOptions.equals(c.socketOptions)
                && Objects.equals(dial, c.dial) && readOnly == c.readOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user, database, protocol);
    }

    /** Builds a {@link RedisConfig}; every setter validates its argument. */
    public static final class Builder {
        private String host = "localhost";
        private int port = DEFAULT_PORT;
        private TlsConfig tls;
        private String user;
        private char[] password;
        private int database;
        private int protocol = 3;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private String clientName;
        private long maxBulkLength = RespDecoder.DEFAULT_MAX_BULK_LENGTH;
        private HostAndPort dial;
        private boolean readOnly;
        private SocketOptions socketOptions = SocketOptions.DEFAULTS;

        private Builder() {}

        /** Cluster nodes: connect to {@code address} while TLS checks {@link #host(String)}; null for host:port. */
        Builder dial(HostAndPort address) {
            this.dial = address;
            return this;
        }

        /** Cluster nodes: send READONLY after connecting. */
        Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return this;
        }

        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad port " + port + ": expected 1 to 65535");
            }
            this.port = port;
            return this;
        }

        /** TLS from the first byte with these settings ({@code rediss://}); null for plaintext. */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** The ACL user for HELLO/AUTH; null means "default". */
        public Builder user(String user) {
            this.user = user == null || user.isEmpty() ? null : user;
            return this;
        }

        /** The password (copied); null for none. */
        public Builder password(char[] password) {
            this.password = password == null ? null : password.clone();
            return this;
        }

        public Builder password(String password) {
            return password(password == null ? null : password.toCharArray());
        }

        public Builder database(int database) {
            if (database < 0) {
                throw new IllegalArgumentException("bad database index " + database + ": expected a number >= 0");
            }
            this.database = database;
            return this;
        }

        /** 3 (RESP3 via HELLO 3) or 2 (RESP2, AUTH). */
        public Builder protocol(int protocol) {
            if (protocol != 2 && protocol != 3) {
                throw new IllegalArgumentException("bad protocol " + protocol + ": expected 2 or 3");
            }
            this.protocol = protocol;
            return this;
        }

        /** Read timeout for replies; {@link Duration#ZERO} waits forever. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be zero (none) or positive");
            }
            this.timeout = timeout;
            return this;
        }

        /** Deadline for TCP connect plus the TLS handshake; must be positive. */
        public Builder connectTimeout(Duration connectTimeout) {
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connect_timeout must be positive");
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder clientName(String clientName) {
            if (clientName != null && (clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
                throw new IllegalArgumentException("client_name must be non-empty printable ASCII without spaces");
            }
            this.clientName = clientName;
            return this;
        }

        /**
         * Largest bulk string to accept in a reply (default 512 MiB, the server's own
         * proto-max-bulk-len): a larger declared length from a broken or hostile server fails
         * before anything is allocated for it.
         */
        public Builder maxBulkLength(long bytes) {
            if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxBulkLength must be between 1 and " + (Integer.MAX_VALUE - 8));
            }
            this.maxBulkLength = bytes;
            return this;
        }

        /** TCP keepalive and user-timeout settings; default {@link SocketOptions#DEFAULTS}. */
        public Builder socketOptions(SocketOptions options) {
            if (options == null) {
                throw new IllegalArgumentException("socketOptions must not be null (use SocketOptions.DEFAULTS)");
            }
            this.socketOptions = options;
            return this;
        }

        public RedisConfig build() {
            if (user != null && password == null) {
                throw new IllegalArgumentException("user \"" + user + "\" given without a password");
            }
            return new RedisConfig(this);
        }
    }
}
