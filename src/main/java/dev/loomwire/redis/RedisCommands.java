package dev.loomwire.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The typed Redis commands, the same on every front end: {@link RedisConnection}, both
 * {@link RedisClient} modes and the cluster client. Each method builds its command with
 * {@link RedisCommandFactory} and runs it through the front end's one {@link #execute} method, so
 * a command is defined once and behaves identically everywhere. Pipelines and transactions queue
 * the same command objects ({@link RedisPipeline#add}, {@link RedisTransaction#add}).
 *
 * <p>An error reply throws {@link RedisServerException}; a transport failure
 * {@link RedisConnectionException}. Commands flagged {@link RedisCommand.Flag#BLOCKING} run on a
 * connection of their own where the front end shares connections (the reply timeout is extended
 * by the command's block time); {@link RedisCommand.Flag#CONNECTION_STATE} commands are refused
 * where the connection is shared.
 */
public interface RedisCommands {

    /**
     * Sends {@code command} and returns its decoded reply; an error reply throws
     * {@link RedisServerException}. The one method a front end implements.
     */
    <T> T execute(RedisCommand<T> command);

    /** Any command with UTF-8 arguments (see {@link RedisCommandFactory#raw}); an error reply throws {@link RedisServerException}. */
    default RedisReply command(String... args) {
        return execute(RedisCommandFactory.raw((Object[]) args));
    }

    /** Any command with binary arguments; the same rules as {@link #command(String...)}. */
    default RedisReply command(byte[]... args) {
        return execute(RedisCommandFactory.raw((Object[]) args));
    }

    // ---------------------------------------------------------------- strings

    default String get(String key) { return execute(RedisCommandFactory.get(key)); }
    default byte[] get(byte[] key) { return execute(RedisCommandFactory.get(key)); }
    default void set(String key, String value) { execute(RedisCommandFactory.set(key, value)); }
    default void set(byte[] key, byte[] value) { execute(RedisCommandFactory.set(key, value)); }
    /** SET with options; false when an NX/XX condition kept the value from being set. */
    default boolean set(String key, String value, SetOptions options) { return execute(RedisCommandFactory.set(key, value, options)); }
    default boolean set(byte[] key, byte[] value, SetOptions options) { return execute(RedisCommandFactory.set(key, value, options)); }
    /** MGET: values in key order, null for missing keys. */
    default List<String> mget(String... keys) { return execute(RedisCommandFactory.mget(keys)); }
    default List<byte[]> mget(byte[]... keys) { return execute(RedisCommandFactory.mget(keys)); }
    default void mset(Map<String, String> keyValues) { execute(RedisCommandFactory.mset(keyValues)); }
    default long incr(String key) { return execute(RedisCommandFactory.incr(key)); }
    default long incrBy(String key, long delta) { return execute(RedisCommandFactory.incrBy(key, delta)); }
    default long decr(String key) { return execute(RedisCommandFactory.decr(key)); }
    default long decrBy(String key, long delta) { return execute(RedisCommandFactory.decrBy(key, delta)); }
    /** APPEND; returns the new length. */
    default long append(String key, String value) { return execute(RedisCommandFactory.append(key, value)); }
    default long append(byte[] key, byte[] value) { return execute(RedisCommandFactory.append(key, value)); }

    // ---------------------------------------------------------------- keys

    /** DEL; returns how many keys were removed. */
    default long del(String... keys) { return execute(RedisCommandFactory.del(keys)); }
    default long del(byte[]... keys) { return execute(RedisCommandFactory.del(keys)); }
    /** UNLINK; returns how many keys were removed. */
    default long unlink(String... keys) { return execute(RedisCommandFactory.unlink(keys)); }
    /** EXISTS; returns how many of the keys exist. */
    default long exists(String... keys) { return execute(RedisCommandFactory.exists(keys)); }
    /** PEXPIRE with the TTL in milliseconds; false if the key does not exist. */
    default boolean expire(String key, Duration ttl) { return execute(RedisCommandFactory.expire(key, ttl)); }
    /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
    default long ttl(String key) { return execute(RedisCommandFactory.ttl(key)); }
    /** PTTL in milliseconds; -1 without expiry, -2 when the key does not exist. */
    default long pttl(String key) { return execute(RedisCommandFactory.pttl(key)); }
    /** PERSIST; true if an expiry was removed. */
    default boolean persist(String key) { return execute(RedisCommandFactory.persist(key)); }

    /** Iterates all keys with SCAN, fetching batches lazily (one command per batch). */
    default Iterator<String> scan() { return scan(null, 0); }

    /** Iterates keys matching the glob {@code match} (null for all) with SCAN; {@code count} is a hint (0: server default). */
    default Iterator<String> scan(String match, int count) {
        return new ScanIterator<>(this, match == null ? null : match.getBytes(StandardCharsets.UTF_8), count, RedisReply::asString);
    }

    /** Binary-key variant of {@link #scan(String, int)}. */
    default Iterator<byte[]> scanBytes(byte[] match, int count) {
        return new ScanIterator<>(this, match, count, RedisReply::asBytes);
    }

    // ---------------------------------------------------------------- hashes

    /** HSET of one field; true if the field is new. */
    default boolean hset(String key, String field, String value) { return execute(RedisCommandFactory.hset(key, field, value)); }
    default boolean hset(byte[] key, byte[] field, byte[] value) { return execute(RedisCommandFactory.hset(key, field, value)); }
    /** HSET of several fields; returns how many are new. */
    default long hset(String key, Map<String, String> fields) { return execute(RedisCommandFactory.hset(key, fields)); }
    default String hget(String key, String field) { return execute(RedisCommandFactory.hget(key, field)); }
    default byte[] hget(byte[] key, byte[] field) { return execute(RedisCommandFactory.hget(key, field)); }
    default List<String> hmget(String key, String... fields) { return execute(RedisCommandFactory.hmget(key, fields)); }
    /** HGETALL as an insertion-ordered map. */
    default Map<String, String> hgetAll(String key) { return execute(RedisCommandFactory.hgetAll(key)); }
    default long hdel(String key, String... fields) { return execute(RedisCommandFactory.hdel(key, fields)); }
    default boolean hexists(String key, String field) { return execute(RedisCommandFactory.hexists(key, field)); }
    default long hincrBy(String key, String field, long delta) { return execute(RedisCommandFactory.hincrBy(key, field, delta)); }
    default List<String> hkeys(String key) { return execute(RedisCommandFactory.hkeys(key)); }
    default List<String> hvals(String key) { return execute(RedisCommandFactory.hvals(key)); }
    default long hlen(String key) { return execute(RedisCommandFactory.hlen(key)); }

    // ---------------------------------------------------------------- lists

    /** LPUSH; returns the new length. */
    default long lpush(String key, String... values) { return execute(RedisCommandFactory.lpush(key, values)); }
    default long lpush(byte[] key, byte[]... values) { return execute(RedisCommandFactory.lpush(key, values)); }
    /** RPUSH; returns the new length. */
    default long rpush(String key, String... values) { return execute(RedisCommandFactory.rpush(key, values)); }
    default long rpush(byte[] key, byte[]... values) { return execute(RedisCommandFactory.rpush(key, values)); }
    /** LPOP; null when the list is empty. */
    default String lpop(String key) { return execute(RedisCommandFactory.lpop(key)); }
    default byte[] lpop(byte[] key) { return execute(RedisCommandFactory.lpop(key)); }
    default String rpop(String key) { return execute(RedisCommandFactory.rpop(key)); }
    default List<String> lrange(String key, long start, long stop) { return execute(RedisCommandFactory.lrange(key, start, stop)); }
    default List<byte[]> lrange(byte[] key, long start, long stop) { return execute(RedisCommandFactory.lrange(key, start, stop)); }
    default long llen(String key) { return execute(RedisCommandFactory.llen(key)); }
    default String lindex(String key, long index) { return execute(RedisCommandFactory.lindex(key, index)); }

    /**
     * BLPOP: waits up to {@code timeout} ({@link Duration#ZERO}: forever) for an element; returns
     * (key, value) or empty on timeout. The reply timeout is extended by {@code timeout}, so a long
     * block does not break the connection; a client runs it on a connection of its own.
     */
    default Optional<Map.Entry<String, String>> blpop(Duration timeout, String... keys) { return execute(RedisCommandFactory.blpop(timeout, keys)); }
    /** BRPOP; see {@link #blpop(Duration, String...)}. */
    default Optional<Map.Entry<String, String>> brpop(Duration timeout, String... keys) { return execute(RedisCommandFactory.brpop(timeout, keys)); }

    // ---------------------------------------------------------------- sets

    default long sadd(String key, String... members) { return execute(RedisCommandFactory.sadd(key, members)); }
    default long srem(String key, String... members) { return execute(RedisCommandFactory.srem(key, members)); }
    /** SMEMBERS in the server's order. */
    default Set<String> smembers(String key) { return execute(RedisCommandFactory.smembers(key)); }
    default boolean sismember(String key, String member) { return execute(RedisCommandFactory.sismember(key, member)); }
    default long scard(String key) { return execute(RedisCommandFactory.scard(key)); }

    // ---------------------------------------------------------------- sorted sets

    /** ZADD of one member; true if it is new. */
    default boolean zadd(String key, double score, String member) { return execute(RedisCommandFactory.zadd(key, score, member)); }
    /** ZADD of several members; returns how many are new. */
    default long zadd(String key, Map<String, Double> scores) { return execute(RedisCommandFactory.zadd(key, scores)); }
    /** ZSCORE; null when the member is absent. */
    default Double zscore(String key, String member) { return execute(RedisCommandFactory.zscore(key, member)); }
    default double zincrby(String key, double delta, String member) { return execute(RedisCommandFactory.zincrby(key, delta, member)); }
    default List<String> zrange(String key, long start, long stop) { return execute(RedisCommandFactory.zrange(key, start, stop)); }
    /** ZRANGE ... WITHSCORES. */
    default List<ScoredMember> zrangeWithScores(String key, long start, long stop) { return execute(RedisCommandFactory.zrangeWithScores(key, start, stop)); }
    default long zrem(String key, String... members) { return execute(RedisCommandFactory.zrem(key, members)); }
    default long zcard(String key) { return execute(RedisCommandFactory.zcard(key)); }
    /** ZRANK; null when the member is absent. */
    default Long zrank(String key, String member) { return execute(RedisCommandFactory.zrank(key, member)); }

    // ---------------------------------------------------------------- scripting

    /** EVAL script with keys and arguments; the script's result as a reply. */
    default RedisReply eval(String script, List<String> keys, List<String> args) { return execute(RedisCommandFactory.eval(script, keys, args)); }
    /** EVALSHA of a script loaded before (SCRIPT LOAD); NOSCRIPT is thrown as a {@link RedisServerException}. */
    default RedisReply evalsha(String sha1, List<String> keys, List<String> args) { return execute(RedisCommandFactory.evalsha(sha1, keys, args)); }
    /** SCRIPT LOAD; returns the SHA-1 to pass to {@link #evalsha}. */
    default String scriptLoad(String script) { return execute(RedisCommandFactory.scriptLoad(script)); }

    // ---------------------------------------------------------------- server and pub/sub

    /** PING; returns the server's answer ({@code PONG}). */
    default String ping() { return execute(RedisCommandFactory.ping()); }
    default String echo(String message) { return execute(RedisCommandFactory.echo(message)); }
    default String info() { return execute(RedisCommandFactory.info()); }
    default String info(String section) { return execute(RedisCommandFactory.info(section)); }
    /** PUBLISH; returns how many subscribers received the message. */
    default long publish(String channel, String message) { return execute(RedisCommandFactory.publish(channel, message)); }
}
