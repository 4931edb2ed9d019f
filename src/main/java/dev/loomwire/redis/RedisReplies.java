package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.*;
import dev.loomwire.redis.resp.RespDecoder;
import dev.loomwire.redis.resp.RespValues;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link RedisReply} records for the codec's {@link RespDecoder}: the driver's channel, the
 * CLI's raw reader and tests decode with it, while the codec package knows nothing of the driver.
 */
public final class RedisReplies implements RespValues<RedisReply> {
    /** The only instance (stateless). */
    public static final RedisReplies INSTANCE = new RedisReplies();

    private RedisReplies() {}

    /** A decoder of {@link RedisReply} with the default limits, dropping RESP3 attributes. */
    public static RespDecoder<RedisReply> decoder() {
        return new RespDecoder<>(INSTANCE);
    }

    /** A decoder of {@link RedisReply} with the given limits. */
    public static RespDecoder<RedisReply> decoder(long maxBulkLength, long maxAggregateLength, int maxLineLength, RespDecoder.Attributes attributes) {
        return new RespDecoder<>(INSTANCE, maxBulkLength, maxAggregateLength, maxLineLength, attributes);
    }

    public RedisReply simpleString(String value) { return new SimpleString(value); }
    public RedisReply error(String code, String message, boolean blob) { return new ErrorReply(code, message, blob); }
    public RedisReply integer(long value) { return new IntegerReply(value); }
    public RedisReply bulk(byte[] bytes) { return new BulkString(bytes); }
    public RedisReply nil() { return NullReply.INSTANCE; }
    public RedisReply doubleValue(double value) { return new DoubleReply(value); }
    public RedisReply bool(boolean value) { return new BooleanReply(value); }
    public RedisReply bigNumber(BigInteger value) { return new BigNumberReply(value); }
    public RedisReply verbatim(String format, String text) { return new VerbatimString(format, text); }
    public RedisReply array(List<RedisReply> elements) { return new ArrayReply(elements); }
    public RedisReply set(List<RedisReply> elements) { return new SetReply(elements); }
    public RedisReply push(List<RedisReply> elements) { return new PushReply(elements); }
    public RedisReply map(Map<RedisReply, RedisReply> entries) { return new MapReply(entries); }
    public RedisReply attributed(Map<RedisReply, RedisReply> attributes, RedisReply value) { return new AttributedReply(attributes, value); }
}
