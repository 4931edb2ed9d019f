package dev.loomwire.redis.resp;

import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisReplies;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Bytes a broken or hostile server might send: each is refused with a clear message, never an OOM. */
class RespHostileInputTest {

    static RespProtocolException refused(String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        return assertThrows(RespProtocolException.class, () -> {
            RespDecoder<RedisReply> d = RedisReplies.decoder();
            int start = 0;
            while (start < b.length) {
                if (d.decode(b, start, b.length) == null && d.position() == start) {
                    break;
                }
                start = d.position();
            }
        });
    }

    @Test
    void bulkLengthAboveTheLimit() {
        assertTrue(refused("$9999999999\r\nabc").getMessage().contains("exceeds the limit"));
        assertTrue(refused("$536870913\r\n").getMessage().contains("536870913"));
    }

    @Test
    void hugeDeclaredBulkWithFewBytesAllocatesOnlyWhatArrived() {
        RespDecoder<RedisReply> d = RedisReplies.decoder();
        byte[] b = "$536870912\r\nabc".getBytes(StandardCharsets.US_ASCII);
        assertNull(d.decode(b, 0, b.length), "needs more, does not allocate 512 MiB");
        assertEquals(b.length, d.position());
        assertFalse(d.isIdle());
    }

    @Test
    void aggregateCountAboveTheLimit() {
        assertTrue(refused("*9223372036854775807\r\n").getMessage().contains("exceeds the limit"));
        assertTrue(refused("%300000000\r\n").getMessage().contains("map"));
        RespDecoder<RedisReply> small = RedisReplies.decoder(100, 10, 100, RespDecoder.Attributes.SKIP);
        byte[] b = "*11\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(RespProtocolException.class, () -> small.decode(b, 0, b.length));
    }

    @Test
    void hugeDeclaredArrayDoesNotPreallocate() {
        RespDecoder<RedisReply> d = RedisReplies.decoder();
        byte[] b = "*268435456\r\n:1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertNull(d.decode(b, 0, b.length));
    }

    @Test
    void badTypeByte() {
        assertTrue(refused("HTTP/1.1 400 Bad Request\r\n").getMessage().contains("0x48 ('H')"));
        assertTrue(refused("\u0015\u0003\u0003\u0000\u0002\u0002\u0046\r\n").getMessage().contains("0x15"));
    }

    @Test
    void badNumbers() {
        assertTrue(refused(":12a\r\n").getMessage().contains("bad integer"));
        assertTrue(refused(":99999999999999999999\r\n").getMessage().contains("bad integer"));
        assertTrue(refused(":\r\n").getMessage().contains("bad integer"));
        assertTrue(refused("$-2\r\n").getMessage().contains("negative"));
        assertTrue(refused("$abc\r\n").getMessage().contains("bulk length"));
        assertTrue(refused(",1.5x\r\n").getMessage().contains("double"));
        assertTrue(refused(",Infinity\r\n").getMessage().contains("double"));
        assertTrue(refused("#x\r\n").getMessage().contains("boolean"));
        assertTrue(refused("(12z\r\n").getMessage().contains("big number"));
        assertTrue(refused("_x\r\n").getMessage().contains("null"));
    }

    @Test
    void bulkNotFollowedByCrlf() {
        assertTrue(refused("$3\r\nabcdef\r\n").getMessage().contains("not followed by CRLF"));
    }

    @Test
    void crWithoutLf() {
        assertTrue(refused("+OK\rX").getMessage().contains("CRLF"));
    }

    @Test
    void endlessLineIsBounded() {
        RespDecoder<RedisReply> d = RedisReplies.decoder(100, 100, 64, RespDecoder.Attributes.SKIP);
        byte[] b = ("+" + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII);
        assertThrows(RespProtocolException.class, () -> d.decode(b, 0, b.length));
    }

    @Test
    void deepNestingIsBounded() {
        assertTrue(refused("*1\r\n".repeat(RespDecoder.MAX_DEPTH + 1)).getMessage().contains("nested"));
    }

    @Test
    void badVerbatim() {
        assertTrue(refused("=3\r\ntxt\r\n").getMessage().contains("verbatim"));
    }

    @Test
    void streamedTypesAreRefusedClearly() {
        assertTrue(refused("$?\r\n").getMessage().contains("streamed"));
        assertTrue(refused("*?\r\n").getMessage().contains("streamed"));
    }
}
