package dev.loomwire.redis;

import dev.loomwire.pool.ConnectionFactory;
import dev.loomwire.pool.ConnectionPool;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.pool.PooledConnection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 */
public final class RedisClient implements AutoCloseable {
    private final RedisConfig config;
    private final ConnectionPool<RedisConnection> pool;
    private final RedisMultiplexer multiplexer;

    private RedisClient(RedisConfig config, PoolSettings settings, boolean multiplexed) {
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
        return create(RedisConfig.fromUri(uri), PoolSettings.DEFAULTS);
    }

    /** A multiplexed client for a URI; the pool serves the exclusive operations. */
    public static RedisClient create(String uri, PoolSettings pool) {
        return create(RedisConfig.fromUri(uri), pool);
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
        return multiplexer != null;
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
        if (multiplexer != null) {
            multiplexer.close();
        }
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

    /**
     * Any command with UTF-8 arguments; an error reply throws {@link RedisServerException}.
     * Commands that block or change the connection's state (BLPOP, SUBSCRIBE, MULTI, WATCH,
     * SELECT, ...) are refused here: run them in {@link #withConnection}.
     */
    public RedisReply command(String... args) {
        requireAnsweredAtOnce(args);
        return send((Object[]) args);
    }

    /** Any command with binary arguments; the same restrictions as {@link #command(String...)}. */
    public RedisReply command(byte[]... args) {
        String[] words = new String[Math.min(args.length, 2)];
        for (int i = 0; i < words.length; i++) {
            words[i] = new String(args[i], StandardCharsets.UTF_8);
        }
        requireAnsweredAtOnce(words);
        return send((Object[]) args);
    }

    /** Commands that would block a shared connection or leave state behind for the next borrower. */
    private static final Set<String> NEED_OWN_CONNECTION = Set.of("BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP",
            "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
            "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SELECT", "HELLO",
            "AUTH", "RESET", "QUIT", "READONLY", "READWRITE", "SYNC", "PSYNC");
    private static final Set<String> CLIENT_STATE = Set.of("TRACKING", "REPLY", "SETNAME", "CACHING", "NO-EVICT", "NO-TOUCH", "PAUSE");

    static void requireAnsweredAtOnce(String... args) {
        String name = args.length == 0 ? "" : args[0].toUpperCase(Locale.ROOT);
        String sub = args.length < 2 ? "" : args[1].toUpperCase(Locale.ROOT);
        boolean blockingRead = (name.equals("XREAD") || name.equals("XREADGROUP"))
                && java.util.Arrays.stream(args).anyMatch(a -> a.equalsIgnoreCase("BLOCK"));
        if (NEED_OWN_CONNECTION.contains(name) || blockingRead || name.equals("CLIENT") && CLIENT_STATE.contains(sub)) {
            throw new IllegalArgumentException((name.equals("CLIENT") ? name + " " + sub : name)
                    + " blocks or changes the connection's state: run it inside RedisClient.withConnection(c -> ...)");
        }
    }

    // ---------------------------------------------------------------- everyday commands (see RedisConnection)

    public String ping() { return send("PING").asString(); }
    public String echo(String message) { return send("ECHO", message).asString(); }
    public String get(String key) { return send("GET", key).asString(); }
    public byte[] get(byte[] key) { return send("GET", key).asBytes(); }
    public void set(String key, String value) { send("SET", key, value); }
    public void set(byte[] key, byte[] value) { send("SET", key, value); }
    /** SET with options; false when an NX/XX condition kept the value from being set. */
    public boolean set(String key, String value, SetOptions options) {
        List<Object> args = new ArrayList<>(List.of("SET", key, value));
        args.addAll(options.arguments());
        return !send(args.toArray()).isNull();
    }
    public List<String> mget(String... keys) { return strings(send(CommandArgs.prepend("MGET", (Object[]) keys))); }
    public void mset(Map<String, String> keyValues) {
        List<Object> args = new ArrayList<>(keyValues.size() * 2 + 1);
        args.add("MSET");
        keyValues.forEach((k, v) -> { args.add(k); args.add(v); });
        send(args.toArray());
    }
    public long incr(String key) { return send("INCR", key).asLong(); }
    public long incrBy(String key, long delta) { return send("INCRBY", key, delta).asLong(); }
    public long decr(String key) { return send("DECR", key).asLong(); }
    public long append(String key, String value) { return send("APPEND", key, value).asLong(); }
    public long del(String... keys) { return send(CommandArgs.prepend("DEL", (Object[]) keys)).asLong(); }
    public long exists(String... keys) { return send(CommandArgs.prepend("EXISTS", (Object[]) keys)).asLong(); }
    public boolean expire(String key, Duration ttl) { return send("PEXPIRE", key, ttl.toMillis()).asLong() == 1; }
    public long ttl(String key) { return send("TTL", key).asLong(); }
    public boolean hset(String key, String field, String value) { return send("HSET", key, field, value).asLong() == 1; }
    public long hset(String key, Map<String, String> fields) {
        List<Object> args = new ArrayList<>(fields.size() * 2 + 2);
        args.add("HSET");
        args.add(key);
        fields.forEach((f, v) -> { args.add(f); args.add(v); });
        return send(args.toArray()).asLong();
    }
    public String hget(String key, String field) { return send("HGET", key, field).asString(); }
    /** HGETALL as an insertion-ordered map. */
    public Map<String, String> hgetAll(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        send("HGETALL", key).asMap().forEach((k, v) -> out.put(k, v.asString()));
        return out;
    }
    public long hdel(String key, String... fields) { return send(CommandArgs.prepend("HDEL", key, (Object[]) fields)).asLong(); }
    public long hincrBy(String key, String field, long delta) { return send("HINCRBY", key, field, delta).asLong(); }
    public long lpush(String key, String... values) { return send(CommandArgs.prepend("LPUSH", key, (Object[]) values)).asLong(); }
    public long rpush(String key, String... values) { return send(CommandArgs.prepend("RPUSH", key, (Object[]) values)).asLong(); }
    public String lpop(String key) { return send("LPOP", key).asString(); }
    public String rpop(String key) { return send("RPOP", key).asString(); }
    public List<String> lrange(String key, long start, long stop) { return strings(send("LRANGE", key, start, stop)); }
    public long llen(String key) { return send("LLEN", key).asLong(); }
    /** BLPOP: always on a pooled connection of its own while it blocks; see {@link RedisConnection#blpop}. */
    public Optional<Map.Entry<String, String>> blpop(Duration timeout, String... keys) { return withConnection(c -> c.blpop(timeout, keys)); }
    public long sadd(String key, String... members) { return send(CommandArgs.prepend("SADD", key, (Object[]) members)).asLong(); }
    public long srem(String key, String... members) { return send(CommandArgs.prepend("SREM", key, (Object[]) members)).asLong(); }
    public Set<String> smembers(String key) { return new LinkedHashSet<>(strings(send("SMEMBERS", key))); }
    public boolean sismember(String key, String member) { return send("SISMEMBER", key, member).asBoolean(); }
    public boolean zadd(String key, double score, String member) { return send("ZADD", key, RedisConnection.number(score), member).asLong() == 1; }
    public Double zscore(String key, String member) {
        RedisReply r = send("ZSCORE", key, member);
        return r.isNull() ? null : r.asDouble();
    }
    public List<String> zrange(String key, long start, long stop) { return strings(send("ZRANGE", key, start, stop)); }
    public RedisReply eval(String script, List<String> keys, List<String> args) {
        List<Object> all = new ArrayList<>(keys.size() + args.size() + 3);
        all.add("EVAL");
        all.add(script);
        all.add(keys.size());
        all.addAll(keys);
        all.addAll(args);
        return send(all.toArray());
    }
    /** PUBLISH; returns how many subscribers received the message. */
    public long publish(String channel, String message) { return send("PUBLISH", channel, message).asLong(); }

    /** One command that answers at once: over the shared multiplexed connection if there is one, else a pooled one. */
    RedisReply send(Object... args) {
        return multiplexer != null ? multiplexer.call(args) : withConnection(c -> c.call(args));
    }

    private static List<String> strings(RedisReply reply) {
        List<RedisReply> items = reply.asList();
        List<String> out = new ArrayList<>(items.size());
        for (RedisReply r : items) {
            out.add(r.asString());
        }
        return out;
    }

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
