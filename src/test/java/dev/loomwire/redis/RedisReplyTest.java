package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.*;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RedisReplyTest {
    static BulkString bulk(String s) {
        return new BulkString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersConvertFromTextReplies() {
        assertEquals(42, bulk("42").asLong());
        assertEquals(1.5, bulk("1.5").asDouble());
        assertEquals(Double.POSITIVE_INFINITY, bulk("inf").asDouble());
        assertEquals(7, new SimpleString("7").asLong());
        assertEquals("3", new IntegerReply(3).asString());
        assertTrue(new IntegerReply(1).asBoolean());
        assertEquals(1, new BooleanReply(true).asLong());
    }

    @Test
    void mismatchNamesTheActualType() {
        RedisException e = assertThrows(RedisException.class, () -> bulk("abc").asLong());
        assertTrue(e.getMessage().contains("bulk string"), e.getMessage());
        RedisException list = assertThrows(RedisException.class, () -> new IntegerReply(1).asList());
        assertTrue(list.getMessage().contains("expected an array reply, got integer"), list.getMessage());
        assertThrows(RedisException.class, () -> new IntegerReply(2).asBoolean());
    }

    @Test
    void errorReplyIsThrownWhenReadAsAValue() {
        ErrorReply err = new ErrorReply("WRONGTYPE", "WRONGTYPE Operation against a key", false);
        RedisServerException e = assertThrows(RedisServerException.class, err::asString);
        assertEquals("WRONGTYPE", e.code());
    }

    @Test
    void nullReplyReadsAsNull() {
        assertNull(NullReply.INSTANCE.asString());
        assertNull(NullReply.INSTANCE.asBytes());
        assertNull(NullReply.INSTANCE.asList());
        assertTrue(NullReply.INSTANCE.isNull());
    }

    @Test
    void mapsFromResp3MapsAndResp2FlatArrays() {
        Map<RedisReply, RedisReply> m = new LinkedHashMap<>();
        m.put(bulk("a"), new IntegerReply(1));
        assertEquals(Map.of("a", new IntegerReply(1)), new MapReply(m).asMap());
        assertEquals(Map.of("a", new IntegerReply(1)), new ArrayReply(List.of(bulk("a"), new IntegerReply(1))).asMap());
        assertThrows(RedisException.class, () -> new ArrayReply(List.of(bulk("a"))).asMap());
        assertEquals(List.of(bulk("a"), new IntegerReply(1)), new MapReply(m).asList());
    }

    @Test
    void bulkStringsCompareByContent() {
        assertEquals(bulk("x"), bulk("x"));
        assertEquals(bulk("x").hashCode(), bulk("x").hashCode());
        assertNotEquals(bulk("x"), bulk("y"));
    }
}
