package dev.loomwire.redis;

import dev.loomwire.redis.resp.RespEncoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/**
 * One Redis command, ready to send: its arguments, where its keys are, how its reply becomes a
 * {@code T}, and {@link Flag flags} that tell a front end where it may run. Built only by
 * {@link RedisCommandFactory} (the one place each command is defined) and run by
 * {@link RedisCommands#execute}, a {@link RedisPipeline} or a {@link RedisTransaction}. Immutable.
 *
 * <p>Arguments are kept as given ({@code String}, {@code byte[]} or an integer) and encoded
 * straight into the connection's write buffer, so no per-argument byte array is made. Key
 * positions are argument indexes (0 is the command name), exact for the commands the factory
 * knows, including multi-key commands ({@code MGET}, {@code MSET}, {@code DEL}, ...),
 * {@code numkeys} commands ({@code EVAL}, {@code EVALSHA}, {@code BLMPOP}) and
 * {@code XREAD ... STREAMS}; {@link #keysKnown()} is false for a raw command the factory does not
 * know.
 *
 * @param <T> the decoded reply
 */
public sealed class RedisCommand<T> permits RedisCommand.Blocking {

    /** What a front end must know about a command before sending it. */
    public enum Flag {
        /** May wait on the server (BLPOP, WAIT, XREAD BLOCK, ...): never on a shared connection. */
        BLOCKING,
        /**
         * Changes or depends on the connection's state (SELECT, AUTH, HELLO, WATCH, MULTI, EXEC,
         * CLIENT SETNAME, SUBSCRIBE, ...): only on a connection the caller owns.
         */
        CONNECTION_STATE,
        /** Acts on one node's whole keyspace or script cache (FLUSHALL, DBSIZE, KEYS, SCRIPT LOAD): a cluster runs it on every primary. */
        ALL_NODES,
        /** Only reads keys: may be served by a replica. */
        READ_ONLY;

        final int bit = 1 << ordinal();
    }

    /** Flags that keep a command off a connection shared by many callers. */
    static final int EXCLUSIVE = Flag.BLOCKING.bit | Flag.CONNECTION_STATE.bit;

    // kept to 32 bytes per object: one is made per call on the multiplexed GET path
    private final Object[] args;
    private final Function<RedisReply, ? extends T> decoder;
    /** The flag bits, and the step between keys above them. */
    private final int flagsAndStep;
    /** First key index; 0 when the command has no keys, -1 when unknown. */
    private final int firstKey;
    private final int keyCount;

    RedisCommand(Object[] args, Function<RedisReply, ? extends T> decoder, int flags, int firstKey, int keyCount, int keyStep) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        for (Object a : args) {
            if (a == null) {
                throw new IllegalArgumentException("command argument must not be null (" + nameOf(args) + ")");
            }
            if (!(a instanceof byte[] || a instanceof CharSequence || a instanceof Long || a instanceof Integer)) {
                throw new IllegalArgumentException("unsupported command argument type " + a.getClass().getName());
            }
        }
        this.args = args;
        this.decoder = decoder;
        this.flagsAndStep = flags | keyStep << 8;
        this.firstKey = firstKey;
        this.keyCount = keyCount;
    }

    /** Builds a command; a BLOCKING one with a known block time keeps it. */
    static <T> RedisCommand<T> of(Object[] args, Function<RedisReply, ? extends T> decoder, int flags, int firstKey,
                                  int keyCount, int keyStep, Duration blockTimeout) {
        return blockTimeout == null ? new RedisCommand<>(args, decoder, flags, firstKey, keyCount, keyStep)
                : new Blocking<>(args, decoder, flags, firstKey, keyCount, keyStep, blockTimeout);
    }

    /** A BLOCKING command that knows how long it may wait on the server. */
    static final class Blocking<T> extends RedisCommand<T> {
        private final Duration blockTimeout;

        private Blocking(Object[] args, Function<RedisReply, ? extends T> decoder, int flags, int firstKey, int keyCount,
                         int keyStep, Duration blockTimeout) {
            super(args, decoder, flags, firstKey, keyCount, keyStep);
            this.blockTimeout = blockTimeout;
        }

        @Override
        public Duration blockTimeout() {
            return blockTimeout;
        }
    }

    /** The command name as sent, e.g. {@code GET} (the first argument). */
    public String name() {
        return nameOf(args);
    }

    /** How many arguments, the name included. */
    public int argumentCount() {
        return args.length;
    }

    /** Argument {@code i} (0 is the name) as the bytes sent: UTF-8 for text, decimal for numbers. */
    public byte[] argument(int i) {
        return switch (args[i]) {
            case byte[] b -> b.clone();
            case Object o -> o.toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Argument {@code i} as given, not copied (the cluster client hashes keys without a copy); never modify it. */
    Object rawArgument(int i) {
        return args[i];
    }

    /** True when {@link #keyPositions()} is exact; false for a raw command the factory does not know. */
    public boolean keysKnown() {
        return firstKey >= 0;
    }

    /** How many keys the command names (0 when unknown or keyless). */
    public int keyCount() {
        return keyCount;
    }

    /** The argument index of key {@code i}, {@code 0 <= i < keyCount()}. */
    public int keyPosition(int i) {
        if (i < 0 || i >= keyCount) {
            throw new IndexOutOfBoundsException("key " + i + " of " + keyCount + " in " + name());
        }
        return firstKey + i * keyStep();
    }

    private int keyStep() {
        return flagsAndStep >>> 8;
    }

    /** Every key's argument index, in order. */
    public int[] keyPositions() {
        int[] p = new int[keyCount];
        for (int i = 0; i < keyCount; i++) {
            p[i] = firstKey + i * keyStep();
        }
        return p;
    }

    /** Key {@code i} as the bytes sent (what a cluster hashes to a slot). */
    public byte[] key(int i) {
        return argument(keyPosition(i));
    }

    /** True when the command carries {@code flag}. */
    public boolean has(Flag flag) {
        return (flagsAndStep & flag.bit) != 0;
    }

    /** The command's flags. */
    public Set<Flag> flags() {
        EnumSet<Flag> set = EnumSet.noneOf(Flag.class);
        for (Flag f : Flag.values()) {
            if (has(f)) {
                set.add(f);
            }
        }
        return set;
    }

    /** True when the command may not run on a connection shared by many callers (BLOCKING or CONNECTION_STATE). */
    public boolean needsOwnConnection() {
        return (flagsAndStep & EXCLUSIVE) != 0;
    }

    /**
     * For a BLOCKING command, how long it may wait on the server ({@link Duration#ZERO}: forever),
     * which the reply timeout is extended by; null when unknown (a raw blocking command).
     */
    public Duration blockTimeout() {
        return null;
    }

    /** Turns the command's (non-error) reply into its result. */
    public T decode(RedisReply reply) {
        return decoder.apply(reply);
    }

    /** Appends the command to {@code encoder} as one RESP array. */
    void encodeTo(RespEncoder encoder) {
        encoder.commandOf(args);
    }

    private static String nameOf(Object[] args) {
        if (args.length == 0) {
            return "";
        }
        return args[0] instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : args[0].toString();
    }

    @Override
    public String toString() {
        return "RedisCommand[" + name() + ", " + (args.length - 1) + " args, keys "
                + (keysKnown() ? java.util.Arrays.toString(keyPositions()) : "unknown") + ", " + flags() + "]";
    }
}
