package dev.loomwire.redis;

import dev.loomwire.pool.ConnectionFactory;
import dev.loomwire.pool.ConnectionPool;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.pool.PooledConnection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The thread-safe entry point to one Redis server: share one instance between any number of
 * (virtual) threads. Each call borrows a {@link RedisConnection} from a fair
 * {@link ConnectionPool}, runs, and gives it back; a connection broken by a transport failure is
 * discarded and replaced by a fresh one on demand.
 *
 * <p>Commands that hold a connection in a special state (BLPOP, WATCH/MULTI/EXEC, SUBSCRIBE)
 * belong in {@link #withConnection(Function)}, which lends one connection exclusively for the
 * whole function. Leave it as you found it (same database, no WATCHed keys); a connection still
 * subscribed at the end is closed rather than given back.
 *
 * <p>Timeouts: {@link RedisConfig#connectTimeout()} bounds TCP connect + TLS handshake + HELLO/AUTH
 * together, {@link RedisConfig#timeout()} bounds each reply, and
 * {@link PoolSettings#acquireTimeout()} bounds the wait for a free connection
 * ({@link PoolTimeoutException}). After {@link #close()} every call throws
 * {@link PoolClosedException}.
 */
public final class RedisClient implements AutoCloseable {
    private final RedisConfig config;
    private final ConnectionPool<RedisConnection> pool;

    private RedisClient(RedisConfig config, PoolSettings settings) {
        this.config = config;
        PoolSettings named = settings.name().equals(PoolSettings.DEFAULTS.name())
                ? settings.toBuilder().name("redis[" + config.host() + ":" + config.port() + "]").build() : settings;
        this.pool = new ConnectionPool<>(new Factory(config), named);
    }

    /** A client for a {@code redis://} or {@code rediss://} URI with the default pool settings. */
    public static RedisClient create(String uri) {
        return create(RedisConfig.fromUri(uri), PoolSettings.DEFAULTS);
    }

    public static RedisClient create(String uri, PoolSettings pool) {
        return create(RedisConfig.fromUri(uri), pool);
    }

    public static RedisClient create(RedisConfig config) {
        return create(config, PoolSettings.DEFAULTS);
    }

    /** A client with these connection and pool settings; connections open lazily (or {@code minIdle} in the background). */
    public static RedisClient create(RedisConfig config, PoolSettings pool) {
        if (config == null || pool == null) {
            throw new IllegalArgumentException("config and pool settings must not be null");
        }
        return new RedisClient(config, pool);
    }

    public RedisConfig config() {
        return config;
    }

    public PoolSettings poolSettings() {
        return pool.settings();
    }

    /** The pool's counters: total, idle, in use, opening, waiting. */
    public PoolStats stats() {
        return pool.stats();
    }

    /** Closes the pool: waiters fail, idle connections close now, lent ones when given back. */
    @Override
    public void close() {
        pool.close();
    }

    /**
     * Lends one connection exclusively for {@code work}: for blocking commands, WATCH/MULTI/EXEC,
     * SUBSCRIBE, or a run of commands that must share a connection.
     */
    public <T> T withConnection(Function<RedisConnection, T> work) {
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

    /** Any command with UTF-8 arguments; an error reply throws {@link RedisServerException}. */
    public RedisReply command(String... args) {
        return withConnection(c -> c.command(args));
    }

    /** Any command with binary arguments. */
    public RedisReply command(byte[]... args) {
        return withConnection(c -> c.command(args));
    }

    // ---------------------------------------------------------------- everyday commands (see RedisConnection)

    public String ping() { return withConnection(RedisConnection::ping); }
    public String echo(String message) { return withConnection(c -> c.echo(message)); }
    public String get(String key) { return withConnection(c -> c.get(key)); }
    public byte[] get(byte[] key) { return withConnection(c -> c.get(key)); }
    public void set(String key, String value) { withConnection(c -> { c.set(key, value); return null; }); }
    public void set(byte[] key, byte[] value) { withConnection(c -> { c.set(key, value); return null; }); }
    /** SET with options; false when an NX/XX condition kept the value from being set. */
    public boolean set(String key, String value, SetOptions options) { return withConnection(c -> c.set(key, value, options)); }
    public List<String> mget(String... keys) { return withConnection(c -> c.mget(keys)); }
    public void mset(Map<String, String> keyValues) { withConnection(c -> { c.mset(keyValues); return null; }); }
    public long incr(String key) { return withConnection(c -> c.incr(key)); }
    public long incrBy(String key, long delta) { return withConnection(c -> c.incrBy(key, delta)); }
    public long decr(String key) { return withConnection(c -> c.decr(key)); }
    public long append(String key, String value) { return withConnection(c -> c.append(key, value)); }
    public long del(String... keys) { return withConnection(c -> c.del(keys)); }
    public long exists(String... keys) { return withConnection(c -> c.exists(keys)); }
    public boolean expire(String key, Duration ttl) { return withConnection(c -> c.expire(key, ttl)); }
    public long ttl(String key) { return withConnection(c -> c.ttl(key)); }
    public boolean hset(String key, String field, String value) { return withConnection(c -> c.hset(key, field, value)); }
    public long hset(String key, Map<String, String> fields) { return withConnection(c -> c.hset(key, fields)); }
    public String hget(String key, String field) { return withConnection(c -> c.hget(key, field)); }
    public Map<String, String> hgetAll(String key) { return withConnection(c -> c.hgetAll(key)); }
    public long hdel(String key, String... fields) { return withConnection(c -> c.hdel(key, fields)); }
    public long hincrBy(String key, String field, long delta) { return withConnection(c -> c.hincrBy(key, field, delta)); }
    public long lpush(String key, String... values) { return withConnection(c -> c.lpush(key, values)); }
    public long rpush(String key, String... values) { return withConnection(c -> c.rpush(key, values)); }
    public String lpop(String key) { return withConnection(c -> c.lpop(key)); }
    public String rpop(String key) { return withConnection(c -> c.rpop(key)); }
    public List<String> lrange(String key, long start, long stop) { return withConnection(c -> c.lrange(key, start, stop)); }
    public long llen(String key) { return withConnection(c -> c.llen(key)); }
    /** BLPOP: holds one connection while it blocks; see {@link RedisConnection#blpop}. */
    public Optional<Map.Entry<String, String>> blpop(Duration timeout, String... keys) { return withConnection(c -> c.blpop(timeout, keys)); }
    public long sadd(String key, String... members) { return withConnection(c -> c.sadd(key, members)); }
    public long srem(String key, String... members) { return withConnection(c -> c.srem(key, members)); }
    public Set<String> smembers(String key) { return withConnection(c -> c.smembers(key)); }
    public boolean sismember(String key, String member) { return withConnection(c -> c.sismember(key, member)); }
    public boolean zadd(String key, double score, String member) { return withConnection(c -> c.zadd(key, score, member)); }
    public Double zscore(String key, String member) { return withConnection(c -> c.zscore(key, member)); }
    public List<String> zrange(String key, long start, long stop) { return withConnection(c -> c.zrange(key, start, stop)); }
    public RedisReply eval(String script, List<String> keys, List<String> args) { return withConnection(c -> c.eval(script, keys, args)); }
    /** PUBLISH; returns how many subscribers received the message. */
    public long publish(String channel, String message) { return withConnection(c -> c.command("PUBLISH", channel, message).asLong()); }

    @Override
    public String toString() {
        return "RedisClient[" + config + " " + pool.stats() + "]";
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
