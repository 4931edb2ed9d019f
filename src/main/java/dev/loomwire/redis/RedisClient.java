package dev.loomwire.redis;

import dev.loomwire.pool.ConnectionFactory;
import dev.loomwire.pool.ConnectionPool;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.pool.PooledConnection;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The thread-safe entry point to one Redis server: share one instance between any number of
 * (virtual) threads. By default ({@link #create}) the everyday commands of all callers share one
 * multiplexed connection: callers queue their encoded commands, whoever holds the writer lock
 * sends everything queued so far in one socket write, and one reader virtual thread matches the
 * replies in order. A failure or reply timeout on the shared connection fails every caller
 * waiting on it; the next call opens a new one.
 *
 * <p>Commands that hold a connection in a special state (BLPOP, WATCH/MULTI/EXEC, SUBSCRIBE)
 * belong in {@link #withConnection(Function)}, which lends one connection exclusively from a fair
 * {@link ConnectionPool} for the whole function; {@link #pipeline}, {@link #transaction} and
 * {@link #blpop} use it too. Leave it as you found it (same database, no WATCHed keys); a
 * connection still subscribed at the end is closed rather than given back. {@link #createPooled}
 * runs every command on a pooled connection instead, a connection broken by a transport failure
 * being discarded and replaced by a fresh one on demand.
 *
 * <p>Timeouts: {@link RedisConfig#connectTimeout()} bounds TCP connect + TLS handshake + HELLO/AUTH
 * together, {@link RedisConfig#timeout()} bounds each reply, and
 * {@link PoolSettings#acquireTimeout()} bounds the wait for a free pooled connection
 * ({@link PoolTimeoutException}). After {@link #close()} every call throws
 * {@link PoolClosedException}.
 *
 * <p>Sentinel: {@code RedisClient.create("rediss-sentinel://s1:26379,s2:26379/0?sslrootcert=ca.crt#mymaster")}
 * finds the primary through the Sentinels, confirms it with {@code ROLE}, and follows failovers
 * ({@code +switch-master}, {@code READONLY}, lost connections); every method works as on a single
 * server. See {@link RedisSentinelSettings} and {@link RedisSentinelException}.
 */
public final class RedisClient implements RedisCommands, AutoCloseable {
    private final RedisConfig config;
    private final ConnectionPool<RedisConnection> pool;
    private final RedisMultiplexer multiplexer;
    /** Set for a {@code redis[s]-sentinel://} client: it serves every call through the current primary's client. */
    private final SentinelRouter sentinel;

    private RedisClient(SentinelRouter sentinel) {
        this.config = null;
        this.pool = null;
        this.multiplexer = null;
        this.sentinel = sentinel;
    }

    private RedisClient(RedisConfig config, PoolSettings settings, boolean multiplexed) {
        this.sentinel = null;
        this.config = config;
        PoolSettings named = settings.name().equals(PoolSettings.DEFAULTS.name())
                ? settings.toBuilder().name("redis[" + config.host() + ":" + config.port() + "]").build() : settings;
        this.pool = new ConnectionPool<>(new Factory(config), named);
        this.multiplexer = multiplexed ? new RedisMultiplexer(config, named.name()) : null;
    }

    /**
     * A multiplexed client (see {@link #create(RedisConfig, PoolSettings)}) for a {@code redis://}
     * or {@code rediss://} URI with the default pool settings.
     */
    public static RedisClient create(String uri) {
        return create(uri, PoolSettings.DEFAULTS);
    }

    /** A multiplexed client for a URI; the pool serves the exclusive operations. */
    public static RedisClient create(String uri, PoolSettings pool) {
        if (RedisUri.isSentinel(uri)) {
            return create(uri, RedisSentinelSettings.builder().pool(pool).build());
        }
        return create(RedisConfig.fromUri(uri), pool);
    }

    /**
     * A client for the primary (and with {@code readFrom}, the replicas) of a Sentinel-managed
     * master: {@code rediss-sentinel://[user:password@]s1[:26379],s2[:port]/[db][?params]#masterName}
     * ({@code redis-sentinel://} for plaintext). Besides every parameter of a {@code rediss://} URI
     * (for the data links): {@code sentinel_sslrootcert}, {@code sentinel_sslcert}, ... (any TLS
     * parameter with a {@code sentinel_} prefix, for the Sentinel links; each defaults to the data
     * links' value), {@code sentinel_user}/{@code sentinel_password} (the Sentinels' ACL user,
     * none by default), {@code readFrom=primary|replica|replicaPreferred} and
     * {@code node_tls_name=announced|seed|<name>}. URI parameters win over {@code settings}.
     * Resolves the primary before returning.
     *
     * @throws RedisSentinelException naming each Sentinel asked and what it said
     */
    public static RedisClient create(String uri, RedisSentinelSettings settings) {
        if (!RedisUri.isSentinel(uri)) {
            throw new IllegalArgumentException("not a Sentinel URI: expected redis-sentinel:// or rediss-sentinel://...#masterName");
        }
        return new RedisClient(SentinelRouter.start(uri, settings, true));
    }

    /** A multiplexed client with the default pool settings. */
    public static RedisClient create(RedisConfig config) {
        return create(config, PoolSettings.DEFAULTS);
    }

    /**
     * The default client: everyday commands (everything but {@link #withConnection},
     * {@link #pipeline}, {@link #transaction} and {@link #blpop}) share one multiplexed
     * connection, opened on first use; the pool, whose connections open lazily (or
     * {@code minIdle} in the background), serves the exclusive operations.
     */
    public static RedisClient create(RedisConfig config, PoolSettings pool) {
        return build(config, pool, true);
    }

    /** The same as {@link #create(RedisConfig, PoolSettings)}: the multiplexed client. */
    public static RedisClient createMultiplexed(RedisConfig config, PoolSettings pool) {
        return build(config, pool, true);
    }

    /** A pooled client (see {@link #createPooled(RedisConfig, PoolSettings)}) with the default pool settings. */
    public static RedisClient createPooled(String uri) {
        return createPooled(RedisConfig.fromUri(uri), PoolSettings.DEFAULTS);
    }

    /** A pooled client for a {@code redis://} or {@code rediss://} URI. */
    public static RedisClient createPooled(String uri, PoolSettings pool) {
        if (RedisUri.isSentinel(uri)) {
            return new RedisClient(SentinelRouter.start(uri, RedisSentinelSettings.builder().pool(pool).build(), false));
        }
        return createPooled(RedisConfig.fromUri(uri), pool);
    }

    /** A pooled client with the default pool settings. */
    public static RedisClient createPooled(RedisConfig config) {
        return createPooled(config, PoolSettings.DEFAULTS);
    }

    /**
     * A client that runs every command on a connection borrowed from the pool, one round trip per
     * borrow: no shared connection, so one slow reply or broken connection affects only its own
     * caller, at the cost of throughput under many concurrent callers.
     */
    public static RedisClient createPooled(RedisConfig config, PoolSettings pool) {
        return build(config, pool, false);
    }

    private static RedisClient build(RedisConfig config, PoolSettings pool, boolean multiplexed) {
        if (config == null || pool == null) {
            throw new IllegalArgumentException("config and pool settings must not be null");
        }
        return new RedisClient(config, pool, multiplexed);
    }

    /** True when everyday commands share one multiplexed connection. */
    public boolean isMultiplexed() {
        return sentinel != null ? sentinel.primary().isMultiplexed() : multiplexer != null;
    }

    /** The configuration; for a Sentinel client, the current primary's. */
    public RedisConfig config() {
        return sentinel != null ? sentinel.primary().config() : config;
    }

    public PoolSettings poolSettings() {
        return sentinel != null ? sentinel.primary().poolSettings() : pool.settings();
    }

    /** The pool's counters: total, idle, in use, opening, waiting (for a Sentinel client, the current primary's pool). */
    public PoolStats stats() {
        return sentinel != null ? sentinel.primary().stats() : pool.stats();
    }

    /** Closes the pool: waiters fail, idle connections close now, lent ones when given back. */
    @Override
    public void close() {
        if (sentinel != null) {
            sentinel.close();
            return;
        }
        pool.close();
        if (multiplexer != null) {
            multiplexer.close();
        }
    }

    /**
     * Lends one connection exclusively for {@code work}: for blocking commands, WATCH/MULTI/EXEC,
     * SUBSCRIBE, or a run of commands that must share a connection.
     */
    public <T> T withConnection(Function<RedisConnection, T> work) {
        if (sentinel != null) {
            return sentinel.withConnection(work);
        }
        PooledConnection<RedisConnection> lease = pool.acquire();
        RedisConnection c = lease.get();
        try {
            return work.apply(c);
        } catch (Error e) {
            lease.discard();
            throw e;
        } finally {
            c.onPush(null);
            if (c.inSubscription()) {
                lease.discard();
            } else {
                lease.close();
            }
        }
    }

    /** Queues commands with {@code commands} and sends them in one write on one connection; replies in order (errors in their slot). */
    public List<RedisReply> pipeline(Consumer<RedisPipeline> commands) {
        return withConnection(c -> {
            RedisPipeline p = c.pipeline();
            commands.accept(p);
            return p.execute();
        });
    }

    /** MULTI/EXEC of the queued commands on one connection; empty if a WATCHed key changed (see {@link RedisTransaction#exec()}). */
    public Optional<List<RedisReply>> transaction(Consumer<RedisTransaction> commands) {
        return withConnection(c -> {
            RedisTransaction t = c.multi();
            commands.accept(t);
            return t.exec();
        });
    }

    /**
     * Runs one command. Everyday commands go over the shared multiplexed connection (or a pooled
     * one in pooled mode). A {@link RedisCommand.Flag#BLOCKING} command with a known block time
     * ({@link #blpop}) runs on a pooled connection of its own for as long as it blocks. Commands
     * flagged {@link RedisCommand.Flag#CONNECTION_STATE} (MULTI, WATCH, SELECT, SUBSCRIBE,
     * CLIENT SETNAME, ...) and raw blocking commands are refused with
     * {@link IllegalArgumentException}: run them inside {@link #withConnection}.
     */
    @Override
    public <T> T execute(RedisCommand<T> command) {
        if (sentinel != null) {
            return sentinel.execute(command);
        }
        if (!command.needsOwnConnection()) {
            return multiplexer != null ? multiplexer.execute(command) : withConnection(c -> c.execute(command));
        }
        if (command.has(RedisCommand.Flag.CONNECTION_STATE) || command.blockTimeout() == null) {
            throw new IllegalArgumentException(command.name() + (command.has(RedisCommand.Flag.CONNECTION_STATE)
                    ? " changes the connection's state" : " blocks")
                    + ": run it inside RedisClient.withConnection(c -> ...)");
        }
        return withConnection(c -> c.execute(command));
    }

    /** ASKING and the command adjacent in one write on the shared connection (a cluster's ASK redirect); multiplexed clients only. */
    <T> T executeAsking(RedisCommand<T> command) {
        return multiplexer.executeAsking(command);
    }

    @Override
    public String toString() {
        return sentinel != null ? "RedisClient[" + sentinel.describe() + "]" : "RedisClient[" + config + " " + pool.stats() + "]";
    }

    /** Opens, checks and closes the pool's connections. */
    private static final class Factory implements ConnectionFactory<RedisConnection> {
        private final RedisConfig config;

        Factory(RedisConfig config) {
            this.config = config;
        }

        @Override
        public RedisConnection open() {
            return RedisConnection.connect(config);
        }

        @Override
        public boolean isUsable(RedisConnection c) {
            return c.isOpen() && !c.inSubscription();
        }

        @Override
        public boolean validate(RedisConnection c) {
            return "PONG".equals(c.ping());
        }

        @Override
        public void close(RedisConnection c) {
            c.close();
        }
    }
}
