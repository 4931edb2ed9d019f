package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ArrayReply;
import dev.loomwire.redis.RedisReply.PushReply;
import dev.loomwire.redis.resp.RespEncoder;
import dev.loomwire.tls.TlsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One blocking connection to a Redis server, plaintext ({@code redis://}) or TLS from the first
 * byte ({@code rediss://}). Not thread-safe: use one per (virtual) thread. Every request is
 * encoded into one buffer and sent with one socket write; {@link #pipeline()} sends many
 * commands in one write.
 *
 * <p>An error reply throws {@link RedisServerException} and leaves the connection usable; a
 * transport, TLS, timeout or protocol failure throws {@link RedisConnectionException} and closes
 * the connection.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisConfig config;
    private final RespChannel channel;
    private final TlsSession tls;
    private int protocol;
    private String serverVersion;
    private long serverConnectionId = -1;
    private Consumer<PushReply> pushListener;
    private RedisSubscription subscription;

    RedisConnection(RedisConfig config, RespChannel channel, TlsSession tls) {
        this.config = config;
        this.channel = channel;
        this.tls = tls;
    }

    /** Connects to a {@code redis://} or {@code rediss://} URI (see {@link RedisConfig#fromUri}). */
    public static RedisConnection connect(String uri) {
        return connect(RedisConfig.fromUri(uri));
    }

    /** Connects, sets up TLS if configured, authenticates, names the client and selects the database. */
    public static RedisConnection connect(RedisConfig config) {
        return RedisConnector.connect(config);
    }

    void started(int negotiatedProtocol) {
        this.protocol = negotiatedProtocol;
    }

    void serverInfo(RedisReply hello) {
        try {
            Map<String, RedisReply> info = hello.asMap();
            RedisReply version = info.get("version");
            serverVersion = version == null ? null : version.asString();
            RedisReply id = info.get("id");
            serverConnectionId = id == null ? -1 : id.asLong();
        } catch (RedisException e) {
            log.debug("unexpected HELLO reply {}", hello);
        }
    }

    // ---------------------------------------------------------------- connection facts

    /** The configuration this connection was opened with. */
    public RedisConfig config() {
        return config;
    }

    /** The TLS session facts (protocol, cipher suite, peer chain, SNI); empty for plaintext. */
    public Optional<TlsSession> tls() {
        return Optional.ofNullable(tls);
    }

    /** The RESP version in use: 3 after a successful HELLO 3, else 2. */
    public int protocol() {
        return protocol;
    }

    /** The server version from HELLO, or null under RESP2. */
    public String serverVersion() {
        return serverVersion;
    }

    /** True until closed or broken by a transport failure. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** True when a transport, TLS or protocol failure closed this connection. */
    public boolean isBroken() {
        return channel.isBroken();
    }

    /**
     * Receives RESP3 push messages that arrive between replies outside a subscription (e.g.
     * client-side caching invalidations); without a listener they are dropped.
     */
    public void onPush(Consumer<PushReply> listener) {
        this.pushListener = listener;
    }

    @Override
    public void close() {
        channel.close();
    }

    // ---------------------------------------------------------------- generic commands

    /** Sends any command with UTF-8 arguments; an error reply throws {@link RedisServerException}. */
    public RedisReply command(String... args) {
        return call((Object[]) args);
    }

    /** Sends any command with binary arguments; an error reply throws {@link RedisServerException}. */
    public RedisReply command(byte[]... args) {
        return call((Object[]) args);
    }

    /** Queues commands and sends them all in one write; see {@link RedisPipeline}. */
    public RedisPipeline pipeline() {
        return new RedisPipeline(this);
    }

    /** Starts a MULTI/EXEC transaction: commands queue locally and go in one write at {@link RedisTransaction#exec()}. */
    public RedisTransaction multi() {
        return new RedisTransaction(this);
    }

    /** {@code WATCH keys}: a following {@link RedisTransaction#exec()} aborts if they change. */
    public void watch(String... keys) {
        call(CommandArgs.prepend("WATCH", (Object[]) keys));
    }

    /** {@code UNWATCH}. */
    public void unwatch() {
        call("UNWATCH");
    }

    // ---------------------------------------------------------------- strings

    public String get(String key) {
        return call("GET", key).asString();
    }

    public byte[] get(byte[] key) {
        return call("GET", key).asBytes();
    }

    public void set(String key, String value) {
        call("SET", key, value);
    }

    public void set(byte[] key, byte[] value) {
        call("SET", key, value);
    }

    /** SET with options; returns false when an NX/XX condition kept the value from being set. */
    public boolean set(String key, String value, SetOptions options) {
        return !call(concat(List.of("SET", key, value), options.arguments())).isNull();
    }

    public boolean set(byte[] key, byte[] value, SetOptions options) {
        return !call(concat(List.of("SET", key, value), options.arguments())).isNull();
    }

    /** MGET: values in key order, null for missing keys. */
    public List<String> mget(String... keys) {
        return strings(call(CommandArgs.prepend("MGET", (Object[]) keys)));
    }

    public List<byte[]> mget(byte[]... keys) {
        return map(call(CommandArgs.prepend("MGET", (Object[]) keys)), RedisReply::asBytes);
    }

    public void mset(Map<String, String> keyValues) {
        List<Object> args = new ArrayList<>(keyValues.size() * 2 + 1);
        args.add("MSET");
        keyValues.forEach((k, v) -> { args.add(k); args.add(v); });
        call(args.toArray());
    }

    public long incr(String key) {
        return call("INCR", key).asLong();
    }

    public long incrBy(String key, long delta) {
        return call("INCRBY", key, delta).asLong();
    }

    public long decr(String key) {
        return call("DECR", key).asLong();
    }

    public long decrBy(String key, long delta) {
        return call("DECRBY", key, delta).asLong();
    }

    /** APPEND; returns the new length. */
    public long append(String key, String value) {
        return call("APPEND", key, value).asLong();
    }

    public long append(byte[] key, byte[] value) {
        return call("APPEND", key, value).asLong();
    }

    // ---------------------------------------------------------------- keys

    /** DEL; returns how many keys were removed. */
    public long del(String... keys) {
        return call(CommandArgs.prepend("DEL", (Object[]) keys)).asLong();
    }

    public long del(byte[]... keys) {
        return call(CommandArgs.prepend("DEL", (Object[]) keys)).asLong();
    }

    /** EXISTS; returns how many of the keys exist. */
    public long exists(String... keys) {
        return call(CommandArgs.prepend("EXISTS", (Object[]) keys)).asLong();
    }

    /** EXPIRE (whole seconds) or PEXPIRE; false if the key does not exist. */
    public boolean expire(String key, Duration ttl) {
        long ms = ttl.toMillis();
        return ms % 1000 == 0 ? call("EXPIRE", key, ms / 1000).asLong() == 1 : call("PEXPIRE", key, ms).asLong() == 1;
    }

    /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
    public long ttl(String key) {
        return call("TTL", key).asLong();
    }

    /** PTTL in milliseconds; -1 without expiry, -2 when the key does not exist. */
    public long pttl(String key) {
        return call("PTTL", key).asLong();
    }

    /** PERSIST; true if an expiry was removed. */
    public boolean persist(String key) {
        return call("PERSIST", key).asLong() == 1;
    }

    /** Iterates all keys with SCAN, fetching batches lazily. */
    public Iterator<String> scan() {
        return scan(null, 0);
    }

    /** Iterates keys matching the glob {@code match} (null for all) with SCAN; {@code count} is a hint (0: server default). */
    public Iterator<String> scan(String match, int count) {
        return new ScanIterator<>(this, match == null ? null : match.getBytes(StandardCharsets.UTF_8), count, RedisReply::asString);
    }

    /** Binary-key variant of {@link #scan(String, int)}. */
    public Iterator<byte[]> scanBytes(byte[] match, int count) {
        return new ScanIterator<>(this, match, count, RedisReply::asBytes);
    }

    // ---------------------------------------------------------------- hashes

    /** HSET of one field; true if the field is new. */
    public boolean hset(String key, String field, String value) {
        return call("HSET", key, field, value).asLong() == 1;
    }

    public boolean hset(byte[] key, byte[] field, byte[] value) {
        return call("HSET", key, field, value).asLong() == 1;
    }

    /** HSET of several fields; returns how many are new. */
    public long hset(String key, Map<String, String> fields) {
        List<Object> args = new ArrayList<>(fields.size() * 2 + 2);
        args.add("HSET");
        args.add(key);
        fields.forEach((f, v) -> { args.add(f); args.add(v); });
        return call(args.toArray()).asLong();
    }

    public String hget(String key, String field) {
        return call("HGET", key, field).asString();
    }

    public byte[] hget(byte[] key, byte[] field) {
        return call("HGET", key, field).asBytes();
    }

    public List<String> hmget(String key, String... fields) {
        return strings(call(CommandArgs.prepend("HMGET", key, (Object[]) fields)));
    }

    /** HGETALL as an insertion-ordered map (works for the RESP3 map and the RESP2 flat array). */
    public Map<String, String> hgetAll(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        call("HGETALL", key).asMap().forEach((k, v) -> out.put(k, v.asString()));
        return out;
    }

    public long hdel(String key, String... fields) {
        return call(CommandArgs.prepend("HDEL", key, (Object[]) fields)).asLong();
    }

    public boolean hexists(String key, String field) {
        return call("HEXISTS", key, field).asBoolean();
    }

    public long hincrBy(String key, String field, long delta) {
        return call("HINCRBY", key, field, delta).asLong();
    }

    public List<String> hkeys(String key) {
        return strings(call("HKEYS", key));
    }

    public List<String> hvals(String key) {
        return strings(call("HVALS", key));
    }

    public long hlen(String key) {
        return call("HLEN", key).asLong();
    }

    // ---------------------------------------------------------------- lists

    /** LPUSH; returns the new length. */
    public long lpush(String key, String... values) {
        return call(CommandArgs.prepend("LPUSH", key, (Object[]) values)).asLong();
    }

    public long lpush(byte[] key, byte[]... values) {
        return call(CommandArgs.prepend("LPUSH", key, (Object[]) values)).asLong();
    }

    /** RPUSH; returns the new length. */
    public long rpush(String key, String... values) {
        return call(CommandArgs.prepend("RPUSH", key, (Object[]) values)).asLong();
    }

    public long rpush(byte[] key, byte[]... values) {
        return call(CommandArgs.prepend("RPUSH", key, (Object[]) values)).asLong();
    }

    /** LPOP; null when the list is empty. */
    public String lpop(String key) {
        return call("LPOP", key).asString();
    }

    public byte[] lpop(byte[] key) {
        return call("LPOP", key).asBytes();
    }

    public String rpop(String key) {
        return call("RPOP", key).asString();
    }

    public List<String> lrange(String key, long start, long stop) {
        return strings(call("LRANGE", key, start, stop));
    }

    public List<byte[]> lrange(byte[] key, long start, long stop) {
        return map(call("LRANGE", key, start, stop), RedisReply::asBytes);
    }

    public long llen(String key) {
        return call("LLEN", key).asLong();
    }

    public String lindex(String key, long index) {
        return call("LINDEX", key, index).asString();
    }

    /**
     * BLPOP: waits up to {@code timeout} ({@link Duration#ZERO}: forever) for an element;
     * returns (key, value) or empty on timeout. The socket read waits for {@code timeout} plus
     * the connection's normal timeout, so a long block does not break the connection.
     */
    public Optional<Map.Entry<String, String>> blpop(Duration timeout, String... keys) {
        return blockingPop("BLPOP", timeout, keys);
    }

    /** BRPOP; see {@link #blpop(Duration, String...)}. */
    public Optional<Map.Entry<String, String>> brpop(Duration timeout, String... keys) {
        return blockingPop("BRPOP", timeout, keys);
    }

    private Optional<Map.Entry<String, String>> blockingPop(String command, Duration timeout, String... keys) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(command + " timeout must not be negative");
        }
        List<Object> args = new ArrayList<>(keys.length + 2);
        args.add(command);
        Collections.addAll(args, (Object[]) keys);
        args.add(BigDecimal.valueOf(timeout.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString());
        Duration readTimeout = timeout.isZero() || config.timeout().isZero() ? Duration.ZERO : timeout.plus(config.timeout());
        RedisReply reply = callWithTimeout(readTimeout, args.toArray());
        if (reply.isNull()) {
            return Optional.empty();
        }
        List<RedisReply> kv = reply.asList();
        return Optional.of(Map.entry(kv.get(0).asString(), kv.get(1).asString()));
    }

    // ---------------------------------------------------------------- sets

    public long sadd(String key, String... members) {
        return call(CommandArgs.prepend("SADD", key, (Object[]) members)).asLong();
    }

    public long srem(String key, String... members) {
        return call(CommandArgs.prepend("SREM", key, (Object[]) members)).asLong();
    }

    /** SMEMBERS in the server's order (a RESP3 set or a RESP2 array). */
    public Set<String> smembers(String key) {
        return new LinkedHashSet<>(strings(call("SMEMBERS", key)));
    }

    public boolean sismember(String key, String member) {
        return call("SISMEMBER", key, member).asBoolean();
    }

    public long scard(String key) {
        return call("SCARD", key).asLong();
    }

    // ---------------------------------------------------------------- sorted sets

    /** ZADD of one member; true if it is new. */
    public boolean zadd(String key, double score, String member) {
        return call("ZADD", key, number(score), member).asLong() == 1;
    }

    /** ZADD of several members; returns how many are new. */
    public long zadd(String key, Map<String, Double> scores) {
        List<Object> args = new ArrayList<>(scores.size() * 2 + 2);
        args.add("ZADD");
        args.add(key);
        scores.forEach((m, s) -> { args.add(number(s)); args.add(m); });
        return call(args.toArray()).asLong();
    }

    /** ZSCORE; null when the member is absent. */
    public Double zscore(String key, String member) {
        RedisReply r = call("ZSCORE", key, member);
        return r.isNull() ? null : r.asDouble();
    }

    public double zincrby(String key, double delta, String member) {
        return call("ZINCRBY", key, number(delta), member).asDouble();
    }

    public List<String> zrange(String key, long start, long stop) {
        return strings(call("ZRANGE", key, start, stop));
    }

    /** ZRANGE ... WITHSCORES (pairs under RESP3, a flat array under RESP2). */
    public List<ScoredMember> zrangeWithScores(String key, long start, long stop) {
        List<RedisReply> items = call("ZRANGE", key, start, stop, "WITHSCORES").asList();
        List<ScoredMember> out = new ArrayList<>();
        if (!items.isEmpty() && items.get(0) instanceof ArrayReply) {
            for (RedisReply pair : items) {
                out.add(new ScoredMember(pair.asList().get(0).asString(), pair.asList().get(1).asDouble()));
            }
        } else {
            for (int i = 0; i + 1 < items.size(); i += 2) {
                out.add(new ScoredMember(items.get(i).asString(), items.get(i + 1).asDouble()));
            }
        }
        return out;
    }

    public long zrem(String key, String... members) {
        return call(CommandArgs.prepend("ZREM", key, (Object[]) members)).asLong();
    }

    public long zcard(String key) {
        return call("ZCARD", key).asLong();
    }

    /** ZRANK; null when the member is absent. */
    public Long zrank(String key, String member) {
        RedisReply r = call("ZRANK", key, member);
        return r.isNull() ? null : r.asLong();
    }

    // ---------------------------------------------------------------- scripting

    /** EVAL script with keys and arguments; the script's result as a reply. */
    public RedisReply eval(String script, List<String> keys, List<String> args) {
        return call(scriptArgs("EVAL", script, keys, args));
    }

    /** EVALSHA of a script loaded before (SCRIPT LOAD); NOSCRIPT is thrown as a {@link RedisServerException}. */
    public RedisReply evalsha(String sha1, List<String> keys, List<String> args) {
        return call(scriptArgs("EVALSHA", sha1, keys, args));
    }

    /** SCRIPT LOAD; returns the SHA-1 to pass to {@link #evalsha}. */
    public String scriptLoad(String script) {
        return call("SCRIPT", "LOAD", script).asString();
    }

    private static Object[] scriptArgs(String command, String script, List<String> keys, List<String> args) {
        List<Object> all = new ArrayList<>(keys.size() + args.size() + 3);
        all.add(command);
        all.add(script);
        all.add(keys.size());
        all.addAll(keys);
        all.addAll(args);
        return all.toArray();
    }

    // ---------------------------------------------------------------- server and connection

    public String info() {
        return call("INFO").asString();
    }

    public String info(String section) {
        return call("INFO", section).asString();
    }

    /** PING; returns the server's answer ({@code PONG}). */
    public String ping() {
        return call("PING").asString();
    }

    public String echo(String message) {
        return call("ECHO", message).asString();
    }

    public void clientSetName(String name) {
        call("CLIENT", "SETNAME", name);
    }

    public String clientGetName() {
        return call("CLIENT", "GETNAME").asString();
    }

    /** CLIENT ID: the server's id of this connection. */
    public long clientId() {
        return call("CLIENT", "ID").asLong();
    }

    // ---------------------------------------------------------------- pub/sub

    /** SUBSCRIBE; the connection serves only the returned subscription until it is closed. */
    public RedisSubscription subscribe(String... channels) {
        return startSubscription().subscribe(channels);
    }

    /** PSUBSCRIBE; the connection serves only the returned subscription until it is closed. */
    public RedisSubscription psubscribe(String... patterns) {
        return startSubscription().psubscribe(patterns);
    }

    /** SSUBSCRIBE to shard channels (Redis 7+); the connection serves only the returned subscription until it is closed. */
    public RedisSubscription ssubscribe(String... shardChannels) {
        return startSubscription().ssubscribe(shardChannels);
    }

    private RedisSubscription startSubscription() {
        ensureNotSubscribed();
        subscription = new RedisSubscription(this);
        return subscription;
    }

    void subscriptionEnded() {
        subscription = null;
    }

    /** True while a subscription owns this connection (a pool must not lend it to anyone else). */
    boolean inSubscription() {
        return subscription != null;
    }

    // ---------------------------------------------------------------- plumbing

    RespChannel channel() {
        return channel;
    }

    Duration timeout() {
        return config.timeout();
    }

    /** Sends one command and returns its reply; error replies are thrown. */
    RedisReply call(Object... args) {
        return callWithTimeout(config.timeout(), args);
    }

    private RedisReply callWithTimeout(Duration readTimeout, Object... args) {
        ensureNotSubscribed();
        channel.encoder().commandOf(args);
        channel.flush();
        return readReply(readTimeout).throwIfError();
    }

    /** Sends a pre-encoded batch with one write and reads {@code count} replies (errors returned, not thrown). */
    List<RedisReply> sendBatch(RespEncoder batch, int count) {
        ensureNotSubscribed();
        channel.write(batch);
        List<RedisReply> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replies.add(readReply(config.timeout()));
        }
        return replies;
    }

    /** The next reply that is not an out-of-band push (pushes go to the listener). */
    RedisReply readReply(Duration readTimeout) {
        while (true) {
            RedisReply r = channel.read(readTimeout);
            if (r instanceof PushReply p) {
                Consumer<PushReply> listener = pushListener;
                if (listener != null) {
                    listener.accept(p);
                } else {
                    log.debug("dropping push message {} from {}", p.kind(), channel.peer());
                }
                continue;
            }
            return r;
        }
    }

    private void ensureNotSubscribed() {
        if (subscription != null) {
            throw new IllegalStateException("this connection is serving a pub/sub subscription: close the subscription first");
        }
    }

    private static Object[] concat(List<Object> head, List<Object> tail) {
        List<Object> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray();
    }

    private static List<String> strings(RedisReply reply) {
        return map(reply, RedisReply::asString);
    }

    private static <T> List<T> map(RedisReply reply, Function<RedisReply, T> f) {
        List<RedisReply> items = reply.asList();
        List<T> out = new ArrayList<>(items.size());
        for (RedisReply r : items) {
            out.add(f.apply(r));
        }
        return out;
    }

    static String number(double d) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a valid Redis score");
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+inf" : "-inf";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    public String toString() {
        return "RedisConnection[" + config + (isOpen() ? "" : isBroken() ? " broken" : " closed") + "]";
    }
}
