package dev.loomwire.redis;

import dev.loomwire.redis.RedisCommand.Flag;
import dev.loomwire.redis.RedisReply.ArrayReply;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one place every Redis command is defined: a table of command specs (where the keys are,
 * which {@link Flag flags} apply) and one builder per typed command, returning a
 * {@link RedisCommand} with its reply decoder. {@link RedisCommands} (connection, client, cluster),
 * {@link RedisPipeline} and {@link RedisTransaction} all run these objects, so a command behaves
 * the same on every front end. {@link #raw} turns an untyped command into a command object too,
 * with key positions and flags looked up in the same table by name.
 *
 * <p>{@code expire} sends {@code PEXPIRE} with milliseconds on every front end: one command for
 * any {@link Duration}, exact to the millisecond.
 */
public final class RedisCommandFactory {
    private RedisCommandFactory() {}

    // ---------------------------------------------------------------- the command table

    private static final Map<String, Spec> SPECS = new HashMap<>();
    private static final Set<String> CONTAINERS = Set.of("CLIENT", "SCRIPT", "FUNCTION", "OBJECT", "CONFIG", "MEMORY", "XGROUP",
            "SENTINEL");

    private static final int BLOCKING = Flag.BLOCKING.bit;
    private static final int STATE = Flag.CONNECTION_STATE.bit;
    private static final int ALL_NODES = Flag.ALL_NODES.bit;
    private static final int READ = Flag.READ_ONLY.bit;

    /** How to find the keys of one command. */
    private enum Keys { NONE, RANGE, NUMKEYS, STREAMS }

    /**
     * One command's definition. RANGE: keys from {@code first} to {@code last} (negative: counted
     * from the end, -1 = the last argument) every {@code step}; NUMKEYS: a key count at
     * {@code first}, the keys right after it; STREAMS: the first half of the arguments after
     * {@code STREAMS}. {@code blockWord}: the command blocks only when this argument is present.
     */
    private record Spec(String name, Keys keys, int first, int last, int step, int flags, String blockWord) {
        /** Builds a command of this spec; the arguments array is used as is. */
        <T> RedisCommand<T> command(Function<RedisReply, ? extends T> decoder, Duration blockTimeout, Object... args) {
            int first = 0;
            int count = 0;
            int step = 1;
            switch (keys) {
                case NONE -> { }
                case RANGE -> {
                    int l = last < 0 ? args.length + last : Math.min(last, args.length - 1);
                    first = this.first;
                    step = this.step;
                    count = l >= first ? (l - first) / step + 1 : 0;
                }
                case NUMKEYS -> {
                    long n = this.first < args.length ? parseCount(args[this.first]) : -1;
                    first = n >= 0 && this.first + n < args.length ? this.first + 1 : -1;
                    count = first < 0 ? 0 : (int) n;
                }
                case STREAMS -> {
                    int s = indexOfWord(args, "STREAMS");
                    first = s < 0 || (args.length - s - 1) % 2 != 0 ? -1 : s + 1;
                    count = first < 0 ? 0 : (args.length - s - 1) / 2;
                }
            }
            int f = flags;
            if (blockWord != null && indexOfWord(args, blockWord) > 0) {
                f |= BLOCKING;
            }
            return RedisCommand.of(args, decoder, f, first, count, step, blockTimeout);
        }
    }

    private static Spec define(String name, Keys keys, int first, int last, int step, int flags, String blockWord) {
        Spec s = new Spec(name, keys, first, last, step, flags, blockWord);
        if (SPECS.put(name, s) != null) {
            throw new IllegalStateException("command defined twice: " + name);
        }
        return s;
    }

    /** One key at argument 1. */
    private static Spec key1(String name, int flags) {
        return define(name, Keys.RANGE, 1, 1, 1, flags, null);
    }

    /** Keys at {@code first}, {@code first + step}, ... up to {@code last} (negative: from the end). */
    private static Spec keys(String name, int first, int last, int step, int flags) {
        return define(name, Keys.RANGE, first, last, step, flags, null);
    }

    private static Spec keyless(String name, int flags) {
        return define(name, Keys.NONE, 0, 0, 1, flags, null);
    }

    /** A key count at argument {@code numkeysAt}, the keys right after it. */
    private static Spec numkeys(String name, int numkeysAt, int flags) {
        return define(name, Keys.NUMKEYS, numkeysAt, 0, 1, flags, null);
    }

    // strings
    private static final Spec GET = key1("GET", READ);
    private static final Spec SET = key1("SET", 0);
    private static final Spec MGET = keys("MGET", 1, -1, 1, READ);
    private static final Spec MSET = keys("MSET", 1, -1, 2, 0);
    private static final Spec INCR = key1("INCR", 0);
    private static final Spec INCRBY = key1("INCRBY", 0);
    private static final Spec DECR = key1("DECR", 0);
    private static final Spec DECRBY = key1("DECRBY", 0);
    private static final Spec APPEND = key1("APPEND", 0);
    // keys
    private static final Spec DEL = keys("DEL", 1, -1, 1, 0);
    private static final Spec UNLINK = keys("UNLINK", 1, -1, 1, 0);
    private static final Spec EXISTS = keys("EXISTS", 1, -1, 1, READ);
    private static final Spec PEXPIRE = key1("PEXPIRE", 0);
    private static final Spec TTL = key1("TTL", READ);
    private static final Spec PTTL = key1("PTTL", READ);
    private static final Spec PERSIST = key1("PERSIST", 0);
    private static final Spec SCAN = keyless("SCAN", READ);
    // hashes
    private static final Spec HSET = key1("HSET", 0);
    private static final Spec HGET = key1("HGET", READ);
    private static final Spec HMGET = key1("HMGET", READ);
    private static final Spec HGETALL = key1("HGETALL", READ);
    private static final Spec HDEL = key1("HDEL", 0);
    private static final Spec HEXISTS = key1("HEXISTS", READ);
    private static final Spec HINCRBY = key1("HINCRBY", 0);
    private static final Spec HKEYS = key1("HKEYS", READ);
    private static final Spec HVALS = key1("HVALS", READ);
    private static final Spec HLEN = key1("HLEN", READ);
    // lists
    private static final Spec LPUSH = key1("LPUSH", 0);
    private static final Spec RPUSH = key1("RPUSH", 0);
    private static final Spec LPOP = key1("LPOP", 0);
    private static final Spec RPOP = key1("RPOP", 0);
    private static final Spec LRANGE = key1("LRANGE", READ);
    private static final Spec LLEN = key1("LLEN", READ);
    private static final Spec LINDEX = key1("LINDEX", READ);
    private static final Spec BLPOP = keys("BLPOP", 1, -2, 1, BLOCKING);
    private static final Spec BRPOP = keys("BRPOP", 1, -2, 1, BLOCKING);
    // sets
    private static final Spec SADD = key1("SADD", 0);
    private static final Spec SREM = key1("SREM", 0);
    private static final Spec SMEMBERS = key1("SMEMBERS", READ);
    private static final Spec SISMEMBER = key1("SISMEMBER", READ);
    private static final Spec SCARD = key1("SCARD", READ);
    // sorted sets
    private static final Spec ZADD = key1("ZADD", 0);
    private static final Spec ZSCORE = key1("ZSCORE", READ);
    private static final Spec ZINCRBY = key1("ZINCRBY", 0);
    private static final Spec ZRANGE = key1("ZRANGE", READ);
    private static final Spec ZREM = key1("ZREM", 0);
    private static final Spec ZCARD = key1("ZCARD", READ);
    private static final Spec ZRANK = key1("ZRANK", READ);
    // scripting
    private static final Spec EVAL = numkeys("EVAL", 2, 0);
    private static final Spec EVALSHA = numkeys("EVALSHA", 2, 0);
    private static final Spec SCRIPT_LOAD = keyless("SCRIPT LOAD", ALL_NODES);
    // server, connection, pub/sub
    private static final Spec PING = keyless("PING", 0);
    private static final Spec ECHO = keyless("ECHO", 0);
    private static final Spec INFO = keyless("INFO", 0);
    private static final Spec PUBLISH = keyless("PUBLISH", 0);
    private static final Spec WATCH = keys("WATCH", 1, -1, 1, STATE);
    private static final Spec UNWATCH = keyless("UNWATCH", STATE);
    private static final Spec CLIENT_SETNAME = keyless("CLIENT SETNAME", STATE);
    private static final Spec CLIENT_GETNAME = keyless("CLIENT GETNAME", 0);
    private static final Spec CLIENT_ID = keyless("CLIENT ID", 0);
    private static final Spec ROLE = keyless("ROLE", 0);
    private static final Spec SENTINEL_GET_MASTER_ADDR = keyless("SENTINEL GET-MASTER-ADDR-BY-NAME", 0);
    private static final Spec SENTINEL_REPLICAS = keyless("SENTINEL REPLICAS", 0);

    static {
        // known to raw commands only: where their keys are, and what keeps them off a shared connection
        for (String name : List.of("STRLEN", "GETRANGE", "TYPE", "HSTRLEN", "LPOS", "SRANDMEMBER", "ZRANGEBYSCORE",
                "ZREVRANGE", "ZCOUNT", "ZREVRANK", "ZMSCORE", "SMISMEMBER", "XRANGE", "XREVRANGE", "XLEN", "GETBIT", "BITCOUNT",
                "PFCOUNT", "DUMP", "OBJECT ENCODING", "OBJECT FREQ", "OBJECT IDLETIME", "MEMORY USAGE")) {
            define(name, Keys.RANGE, name.contains(" ") ? 2 : 1, name.contains(" ") ? 2 : 1, 1, READ, null);
        }
        for (String name : List.of("GETDEL", "GETEX", "GETSET", "SETNX", "SETEX", "PSETEX", "SETRANGE", "INCRBYFLOAT",
                "EXPIRE", "EXPIREAT", "PEXPIREAT", "HSETNX", "HINCRBYFLOAT", "HMSET", "LSET", "LTRIM", "LREM", "LINSERT",
                "LPUSHX", "RPUSHX", "SPOP", "ZPOPMIN", "ZPOPMAX", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "XADD", "XDEL",
                "XTRIM", "XACK", "XGROUP CREATE", "XCLAIM", "XAUTOCLAIM", "SETBIT", "PFADD", "RESTORE")) {
            define(name, Keys.RANGE, name.contains(" ") ? 2 : 1, name.contains(" ") ? 2 : 1, 1, 0, null);
        }
        keys("MSETNX", 1, -1, 2, 0);
        keys("TOUCH", 1, -1, 1, READ);
        keys("SINTER", 1, -1, 1, READ);
        keys("SUNION", 1, -1, 1, READ);
        keys("SDIFF", 1, -1, 1, READ);
        keys("RENAME", 1, 2, 1, 0);
        keys("RENAMENX", 1, 2, 1, 0);
        keys("COPY", 1, 2, 1, 0);
        keys("LMOVE", 1, 2, 1, 0);
        keys("RPOPLPUSH", 1, 2, 1, 0);
        keys("SMOVE", 1, 2, 1, 0);
        keys("PFMERGE", 1, -1, 1, 0);
        numkeys("EVAL_RO", 2, READ);
        numkeys("EVALSHA_RO", 2, READ);
        numkeys("FCALL", 2, 0);
        numkeys("FCALL_RO", 2, READ);
        numkeys("LMPOP", 1, 0);
        numkeys("ZMPOP", 1, 0);
        numkeys("SINTERCARD", 1, READ);
        numkeys("ZINTERCARD", 1, READ);
        define("XREAD", Keys.STREAMS, 0, 0, 1, READ, "BLOCK");
        define("XREADGROUP", Keys.STREAMS, 0, 0, 1, 0, "BLOCK");
        keys("BLMOVE", 1, 2, 1, BLOCKING);
        keys("BRPOPLPUSH", 1, 2, 1, BLOCKING);
        keys("BZPOPMIN", 1, -2, 1, BLOCKING);
        keys("BZPOPMAX", 1, -2, 1, BLOCKING);
        numkeys("BLMPOP", 2, BLOCKING);
        numkeys("BZMPOP", 2, BLOCKING);
        keyless("WAIT", BLOCKING);
        keyless("WAITAOF", BLOCKING);
        for (String name : List.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
                "MONITOR", "MULTI", "EXEC", "DISCARD", "SELECT", "HELLO", "AUTH", "RESET", "QUIT", "READONLY", "READWRITE",
                "SYNC", "PSYNC", "CLIENT TRACKING", "CLIENT REPLY", "CLIENT CACHING", "CLIENT NO-EVICT",
                "CLIENT NO-TOUCH", "CLIENT PAUSE", "CLIENT UNPAUSE", "CLIENT SETINFO")) {
            keyless(name, STATE);
        }
        for (String name : List.of("FLUSHALL", "FLUSHDB", "DBSIZE", "KEYS", "RANDOMKEY", "SCRIPT FLUSH",
                "SCRIPT EXISTS", "SCRIPT KILL", "FUNCTION LOAD", "FUNCTION FLUSH", "FUNCTION DELETE", "CONFIG SET",
                "CONFIG RESETSTAT")) {
            keyless(name, ALL_NODES | (name.equals("DBSIZE") || name.equals("KEYS") || name.equals("RANDOMKEY")
                    || name.equals("SCRIPT EXISTS") ? READ : 0));
        }
        keys("SPUBLISH", 1, 1, 1, 0);
    }

    // ---------------------------------------------------------------- raw commands

    /**
     * A command built from untyped arguments ({@code String}, {@code byte[]}, {@code Long} or
     * {@code Integer}), returning the reply as is. Key positions and flags come from the same table
     * as the typed commands', by name (and subcommand, e.g. {@code CLIENT SETNAME}); a command the
     * table does not know has unknown keys and no flags.
     */
    public static RedisCommand<RedisReply> raw(Object... args) {
        Spec spec = args.length == 0 ? null : specOf(args);
        if (spec == null) {
            return new RedisCommand<>(args, REPLY, 0, -1, 0, 1);
        }
        return spec.command(REPLY, null, args);
    }

    /** The spec of a raw command, found by its name (case-insensitive) and, for CLIENT and the like, subcommand. */
    private static Spec specOf(Object[] args) {
        String name = word(args[0]);
        Spec spec = SPECS.get(name);
        if (spec == null && (spec = SPECS.get(name.toUpperCase(Locale.ROOT))) == null && args.length > 1
                && CONTAINERS.contains(name.toUpperCase(Locale.ROOT))) {
            spec = SPECS.get(name.toUpperCase(Locale.ROOT) + " " + word(args[1]).toUpperCase(Locale.ROOT));
        }
        return spec;
    }

    private static String word(Object arg) {
        return arg instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(arg);
    }

    // ---------------------------------------------------------------- strings

    public static RedisCommand<String> get(String key) { return GET.command(STRING, null, "GET", key); }
    public static RedisCommand<byte[]> get(byte[] key) { return GET.command(BYTES, null, "GET", key); }
    public static RedisCommand<Void> set(String key, String value) { return SET.command(NOTHING, null, "SET", key, value); }
    public static RedisCommand<Void> set(byte[] key, byte[] value) { return SET.command(NOTHING, null, "SET", key, value); }

    /** SET with options; true unless an NX/XX condition kept the value from being set. */
    public static RedisCommand<Boolean> set(String key, String value, SetOptions options) {
        return SET.command(NOT_NULL, null, withOptions(options, "SET", key, value));
    }

    public static RedisCommand<Boolean> set(byte[] key, byte[] value, SetOptions options) {
        return SET.command(NOT_NULL, null, withOptions(options, "SET", key, value));
    }

    /** MGET: values in key order, null for missing keys. */
    public static RedisCommand<List<String>> mget(String... keys) { return MGET.command(STRINGS, null, prepend("MGET", keys)); }
    public static RedisCommand<List<byte[]>> mget(byte[]... keys) { return MGET.command(BYTES_LIST, null, prepend("MGET", keys)); }

    public static RedisCommand<Void> mset(Map<String, String> keyValues) {
        return MSET.command(NOTHING, null, pairs("MSET", null, keyValues));
    }

    public static RedisCommand<Long> incr(String key) { return INCR.command(LONG, null, "INCR", key); }
    public static RedisCommand<Long> incrBy(String key, long delta) { return INCRBY.command(LONG, null, "INCRBY", key, delta); }
    public static RedisCommand<Long> decr(String key) { return DECR.command(LONG, null, "DECR", key); }
    public static RedisCommand<Long> decrBy(String key, long delta) { return DECRBY.command(LONG, null, "DECRBY", key, delta); }
    /** APPEND; the new length. */
    public static RedisCommand<Long> append(String key, String value) { return APPEND.command(LONG, null, "APPEND", key, value); }
    public static RedisCommand<Long> append(byte[] key, byte[] value) { return APPEND.command(LONG, null, "APPEND", key, value); }

    // ---------------------------------------------------------------- keys

    /** DEL; how many keys were removed. */
    public static RedisCommand<Long> del(String... keys) { return DEL.command(LONG, null, prepend("DEL", keys)); }
    public static RedisCommand<Long> del(byte[]... keys) { return DEL.command(LONG, null, prepend("DEL", keys)); }
    /** UNLINK; how many keys were removed (memory is reclaimed in the background). */
    public static RedisCommand<Long> unlink(String... keys) { return UNLINK.command(LONG, null, prepend("UNLINK", keys)); }
    /** EXISTS; how many of the keys exist. */
    public static RedisCommand<Long> exists(String... keys) { return EXISTS.command(LONG, null, prepend("EXISTS", keys)); }

    /**
     * {@code PEXPIRE key milliseconds}; false if the key does not exist. A TTL with a
     * sub-millisecond part is refused rather than rounded (a TTL rounded to 0 would delete the key).
     */
    public static RedisCommand<Boolean> expire(String key, Duration ttl) {
        if (ttl == null || ttl.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("expire ttl " + ttl + " must be whole milliseconds (PEXPIRE takes milliseconds)");
        }
        return PEXPIRE.command(ONE, null, "PEXPIRE", key, ttl.toMillis());
    }

    /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
    public static RedisCommand<Long> ttl(String key) { return TTL.command(LONG, null, "TTL", key); }
    /** PTTL in milliseconds; -1 without expiry, -2 when the key does not exist. */
    public static RedisCommand<Long> pttl(String key) { return PTTL.command(LONG, null, "PTTL", key); }
    /** PERSIST; true if an expiry was removed. */
    public static RedisCommand<Boolean> persist(String key) { return PERSIST.command(ONE, null, "PERSIST", key); }

    /** One SCAN step from {@code cursor}: the reply is [next cursor, keys]. {@code match} may be null, {@code count} 0. */
    public static RedisCommand<RedisReply> scan(String cursor, byte[] match, int count) {
        List<Object> args = new ArrayList<>(6);
        args.add("SCAN");
        args.add(cursor);
        if (match != null) {
            args.add("MATCH");
            args.add(match);
        }
        if (count > 0) {
            args.add("COUNT");
            args.add(count);
        }
        return SCAN.command(REPLY, null, args.toArray());
    }

    // ---------------------------------------------------------------- hashes

    /** HSET of one field; true if the field is new. */
    public static RedisCommand<Boolean> hset(String key, String field, String value) { return HSET.command(ONE, null, "HSET", key, field, value); }
    public static RedisCommand<Boolean> hset(byte[] key, byte[] field, byte[] value) { return HSET.command(ONE, null, "HSET", key, field, value); }
    /** HSET of several fields; how many are new. */
    public static RedisCommand<Long> hset(String key, Map<String, String> fields) { return HSET.command(LONG, null, pairs("HSET", key, fields)); }
    public static RedisCommand<String> hget(String key, String field) { return HGET.command(STRING, null, "HGET", key, field); }
    public static RedisCommand<byte[]> hget(byte[] key, byte[] field) { return HGET.command(BYTES, null, "HGET", key, field); }
    public static RedisCommand<List<String>> hmget(String key, String... fields) { return HMGET.command(STRINGS, null, prepend("HMGET", key, fields)); }
    /** HGETALL as an insertion-ordered map (the RESP3 map or the RESP2 flat array). */
    public static RedisCommand<Map<String, String>> hgetAll(String key) { return HGETALL.command(STRING_MAP, null, "HGETALL", key); }
    public static RedisCommand<Long> hdel(String key, String... fields) { return HDEL.command(LONG, null, prepend("HDEL", key, fields)); }
    public static RedisCommand<Boolean> hexists(String key, String field) { return HEXISTS.command(BOOLEAN, null, "HEXISTS", key, field); }
    public static RedisCommand<Long> hincrBy(String key, String field, long delta) { return HINCRBY.command(LONG, null, "HINCRBY", key, field, delta); }
    public static RedisCommand<List<String>> hkeys(String key) { return HKEYS.command(STRINGS, null, "HKEYS", key); }
    public static RedisCommand<List<String>> hvals(String key) { return HVALS.command(STRINGS, null, "HVALS", key); }
    public static RedisCommand<Long> hlen(String key) { return HLEN.command(LONG, null, "HLEN", key); }

    // ---------------------------------------------------------------- lists

    /** LPUSH; the new length. */
    public static RedisCommand<Long> lpush(String key, String... values) { return LPUSH.command(LONG, null, prepend("LPUSH", key, values)); }
    public static RedisCommand<Long> lpush(byte[] key, byte[]... values) { return LPUSH.command(LONG, null, prepend("LPUSH", key, values)); }
    /** RPUSH; the new length. */
    public static RedisCommand<Long> rpush(String key, String... values) { return RPUSH.command(LONG, null, prepend("RPUSH", key, values)); }
    public static RedisCommand<Long> rpush(byte[] key, byte[]... values) { return RPUSH.command(LONG, null, prepend("RPUSH", key, values)); }
    /** LPOP; null when the list is empty. */
    public static RedisCommand<String> lpop(String key) { return LPOP.command(STRING, null, "LPOP", key); }
    public static RedisCommand<byte[]> lpop(byte[] key) { return LPOP.command(BYTES, null, "LPOP", key); }
    public static RedisCommand<String> rpop(String key) { return RPOP.command(STRING, null, "RPOP", key); }
    public static RedisCommand<List<String>> lrange(String key, long start, long stop) { return LRANGE.command(STRINGS, null, "LRANGE", key, start, stop); }
    public static RedisCommand<List<byte[]>> lrange(byte[] key, long start, long stop) { return LRANGE.command(BYTES_LIST, null, "LRANGE", key, start, stop); }
    public static RedisCommand<Long> llen(String key) { return LLEN.command(LONG, null, "LLEN", key); }
    public static RedisCommand<String> lindex(String key, long index) { return LINDEX.command(STRING, null, "LINDEX", key, index); }

    /** BLPOP: (key, value), or empty when {@code timeout} ({@link Duration#ZERO}: forever) passed; BLOCKING. */
    public static RedisCommand<Optional<Map.Entry<String, String>>> blpop(Duration timeout, String... keys) {
        return blockingPop(BLPOP, timeout, keys);
    }

    /** BRPOP; see {@link #blpop}. */
    public static RedisCommand<Optional<Map.Entry<String, String>>> brpop(Duration timeout, String... keys) {
        return blockingPop(BRPOP, timeout, keys);
    }

    private static RedisCommand<Optional<Map.Entry<String, String>>> blockingPop(Spec spec, Duration timeout, String... keys) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException(spec.name() + " timeout must not be negative");
        }
        Object[] args = new Object[keys.length + 2];
        args[0] = spec.name();
        System.arraycopy(keys, 0, args, 1, keys.length);
        args[args.length - 1] = BigDecimal.valueOf(timeout.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
        return spec.command(POPPED, timeout, args);
    }

    // ---------------------------------------------------------------- sets

    public static RedisCommand<Long> sadd(String key, String... members) { return SADD.command(LONG, null, prepend("SADD", key, members)); }
    public static RedisCommand<Long> srem(String key, String... members) { return SREM.command(LONG, null, prepend("SREM", key, members)); }
    /** SMEMBERS in the server's order (a RESP3 set or a RESP2 array). */
    public static RedisCommand<Set<String>> smembers(String key) { return SMEMBERS.command(STRING_SET, null, "SMEMBERS", key); }
    public static RedisCommand<Boolean> sismember(String key, String member) { return SISMEMBER.command(BOOLEAN, null, "SISMEMBER", key, member); }
    public static RedisCommand<Long> scard(String key) { return SCARD.command(LONG, null, "SCARD", key); }

    // ---------------------------------------------------------------- sorted sets

    /** ZADD of one member; true if it is new. */
    public static RedisCommand<Boolean> zadd(String key, double score, String member) { return ZADD.command(ONE, null, "ZADD", key, number(score), member); }

    /** ZADD of several members; how many are new. */
    public static RedisCommand<Long> zadd(String key, Map<String, Double> scores) {
        Object[] args = new Object[scores.size() * 2 + 2];
        args[0] = "ZADD";
        args[1] = key;
        int i = 2;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            args[i++] = number(e.getValue());
            args[i++] = e.getKey();
        }
        return ZADD.command(LONG, null, args);
    }

    /** ZSCORE; null when the member is absent. */
    public static RedisCommand<Double> zscore(String key, String member) { return ZSCORE.command(DOUBLE_OR_NULL, null, "ZSCORE", key, member); }
    public static RedisCommand<Double> zincrby(String key, double delta, String member) { return ZINCRBY.command(DOUBLE, null, "ZINCRBY", key, number(delta), member); }
    public static RedisCommand<List<String>> zrange(String key, long start, long stop) { return ZRANGE.command(STRINGS, null, "ZRANGE", key, start, stop); }
    /** ZRANGE ... WITHSCORES (pairs under RESP3, a flat array under RESP2). */
    public static RedisCommand<List<ScoredMember>> zrangeWithScores(String key, long start, long stop) {
        return ZRANGE.command(SCORED, null, "ZRANGE", key, start, stop, "WITHSCORES");
    }
    public static RedisCommand<Long> zrem(String key, String... members) { return ZREM.command(LONG, null, prepend("ZREM", key, members)); }
    public static RedisCommand<Long> zcard(String key) { return ZCARD.command(LONG, null, "ZCARD", key); }
    /** ZRANK; null when the member is absent. */
    public static RedisCommand<Long> zrank(String key, String member) { return ZRANK.command(LONG_OR_NULL, null, "ZRANK", key, member); }

    // ---------------------------------------------------------------- scripting

    /** EVAL script with keys and arguments; the script's result as a reply. */
    public static RedisCommand<RedisReply> eval(String script, List<String> keys, List<String> args) {
        return EVAL.command(REPLY, null, scriptArgs("EVAL", script, keys, args));
    }

    /** EVALSHA of a script loaded before; NOSCRIPT is thrown as a {@link RedisServerException}. */
    public static RedisCommand<RedisReply> evalsha(String sha1, List<String> keys, List<String> args) {
        return EVALSHA.command(REPLY, null, scriptArgs("EVALSHA", sha1, keys, args));
    }

    /** SCRIPT LOAD; the SHA-1 to pass to {@link #evalsha}. ALL_NODES. */
    public static RedisCommand<String> scriptLoad(String script) { return SCRIPT_LOAD.command(STRING, null, "SCRIPT", "LOAD", script); }

    private static Object[] scriptArgs(String command, String script, List<String> keys, List<String> args) {
        Object[] all = new Object[keys.size() + args.size() + 3];
        all[0] = command;
        all[1] = script;
        all[2] = keys.size();
        int i = 3;
        for (String k : keys) {
            all[i++] = k;
        }
        for (String a : args) {
            all[i++] = a;
        }
        return all;
    }

    // ---------------------------------------------------------------- server, connection, pub/sub

    /** PING; the server's answer ({@code PONG}). */
    public static RedisCommand<String> ping() { return PING.command(STRING, null, "PING"); }
    public static RedisCommand<String> echo(String message) { return ECHO.command(STRING, null, "ECHO", message); }
    public static RedisCommand<String> info() { return INFO.command(STRING, null, "INFO"); }
    public static RedisCommand<String> info(String section) { return INFO.command(STRING, null, "INFO", section); }
    /** PUBLISH; how many subscribers received the message. */
    public static RedisCommand<Long> publish(String channel, String message) { return PUBLISH.command(LONG, null, "PUBLISH", channel, message); }
    /** WATCH keys (CONNECTION_STATE). */
    public static RedisCommand<Void> watch(String... keys) { return WATCH.command(NOTHING, null, prepend("WATCH", keys)); }
    public static RedisCommand<Void> unwatch() { return UNWATCH.command(NOTHING, null, "UNWATCH"); }
    /** CLIENT SETNAME (CONNECTION_STATE). */
    public static RedisCommand<Void> clientSetName(String name) { return CLIENT_SETNAME.command(NOTHING, null, "CLIENT", "SETNAME", name); }
    public static RedisCommand<String> clientGetName() { return CLIENT_GETNAME.command(STRING, null, "CLIENT", "GETNAME"); }
    /** CLIENT ID: the server's id of the connection it runs on. */
    public static RedisCommand<Long> clientId() { return CLIENT_ID.command(LONG, null, "CLIENT", "ID"); }

    /** ROLE: the node's role as it reports it ({@code master}, {@code slave} or {@code sentinel}). */
    public static RedisCommand<String> role() { return ROLE.command(r -> r.asList().get(0).asString(), null, "ROLE"); }

    // ---------------------------------------------------------------- Sentinel

    /** SENTINEL GET-MASTER-ADDR-BY-NAME (on a Sentinel): the primary's announced address; empty for an unknown name. */
    public static RedisCommand<Optional<HostAndPort>> sentinelGetMasterAddrByName(String masterName) {
        return SENTINEL_GET_MASTER_ADDR.command(r -> r.isNull() ? Optional.empty()
                : Optional.of(new HostAndPort(r.asList().get(0).asString(), (int) r.asList().get(1).asLong())),
                null, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
    }

    /** SENTINEL REPLICAS (on a Sentinel): one field map per replica ({@code ip}, {@code port}, {@code flags}, ...). */
    public static RedisCommand<List<Map<String, String>>> sentinelReplicas(String masterName) {
        return SENTINEL_REPLICAS.command(r -> map(r, replica -> {
            Map<String, String> fields = new LinkedHashMap<>();
            replica.asMap().forEach((k, v) -> fields.put(k, v.asString()));
            return fields;
        }), null, "SENTINEL", "REPLICAS", masterName);
    }

    // ---------------------------------------------------------------- argument helpers

    private static Object[] prepend(String command, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = command;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static Object[] prepend(String command, Object key, Object[] rest) {
        Object[] all = new Object[rest.length + 2];
        all[0] = command;
        all[1] = key;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    /** {@code command [key] k1 v1 k2 v2 ...} */
    private static Object[] pairs(String command, String key, Map<String, String> pairs) {
        int head = key == null ? 1 : 2;
        Object[] all = new Object[pairs.size() * 2 + head];
        all[0] = command;
        if (key != null) {
            all[1] = key;
        }
        int i = head;
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            all[i++] = e.getKey();
            all[i++] = e.getValue();
        }
        return all;
    }

    private static Object[] withOptions(SetOptions options, Object... head) {
        List<Object> tail = options.arguments();
        Object[] all = new Object[head.length + tail.size()];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < tail.size(); i++) {
            all[head.length + i] = tail.get(i);
        }
        return all;
    }

    /** A score as Redis reads it: integers without a fraction, infinities as {@code +inf}/{@code -inf}. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a valid Redis score");
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+inf" : "-inf";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static long parseCount(Object arg) {
        try {
            return arg instanceof Number n ? n.longValue() : Long.parseLong(word(arg));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int indexOfWord(Object[] args, String word) {
        for (int i = 1; i < args.length; i++) {
            if (!(args[i] instanceof Number) && word.equalsIgnoreCase(word(args[i]))) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- reply decoders (shared, stateless)

    private static final Function<RedisReply, RedisReply> REPLY = r -> r;
    private static final Function<RedisReply, Void> NOTHING = r -> null;
    private static final Function<RedisReply, String> STRING = RedisReply::asString;
    private static final Function<RedisReply, byte[]> BYTES = RedisReply::asBytes;
    private static final Function<RedisReply, Long> LONG = RedisReply::asLong;
    private static final Function<RedisReply, Double> DOUBLE = RedisReply::asDouble;
    private static final Function<RedisReply, Boolean> BOOLEAN = RedisReply::asBoolean;
    /** Integer replies 1/0 as true/false. */
    private static final Function<RedisReply, Boolean> ONE = r -> r.asLong() == 1;
    private static final Function<RedisReply, Boolean> NOT_NULL = r -> !r.isNull();
    private static final Function<RedisReply, Double> DOUBLE_OR_NULL = r -> r.isNull() ? null : r.asDouble();
    private static final Function<RedisReply, Long> LONG_OR_NULL = r -> r.isNull() ? null : r.asLong();
    private static final Function<RedisReply, List<String>> STRINGS = r -> map(r, RedisReply::asString);
    private static final Function<RedisReply, List<byte[]>> BYTES_LIST = r -> map(r, RedisReply::asBytes);
    private static final Function<RedisReply, Set<String>> STRING_SET = r -> new LinkedHashSet<>(map(r, RedisReply::asString));
    private static final Function<RedisReply, Map<String, String>> STRING_MAP = r -> {
        Map<String, String> out = new LinkedHashMap<>();
        r.asMap().forEach((k, v) -> out.put(k, v.asString()));
        return out;
    };
    private static final Function<RedisReply, Optional<Map.Entry<String, String>>> POPPED = r -> {
        if (r.isNull()) {
            return Optional.empty();
        }
        List<RedisReply> kv = r.asList();
        return Optional.of(Map.entry(kv.get(0).asString(), kv.get(1).asString()));
    };
    private static final Function<RedisReply, List<ScoredMember>> SCORED = r -> {
        List<RedisReply> items = r.asList();
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
    };

    private static <T> List<T> map(RedisReply reply, Function<RedisReply, T> f) {
        List<RedisReply> items = reply.asList();
        List<T> out = new ArrayList<>(items.size());
        for (RedisReply r : items) {
            out.add(f.apply(r));
        }
        return out;
    }
}
