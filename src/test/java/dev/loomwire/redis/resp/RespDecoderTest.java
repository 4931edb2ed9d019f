package dev.loomwire.redis.resp;

import dev.loomwire.redis.RedisReplies;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisReply.*;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RespDecoderTest {

    /** Decodes all replies in {@code wire}, handing the decoder {@code chunk} new bytes at a time. */
    static List<RedisReply> decodeAll(RespDecoder<RedisReply> d, byte[] wire, int chunk) {
        byte[] buf = new byte[wire.length];
        int start = 0;
        int end = 0;
        int fed = 0;
        List<RedisReply> out = new ArrayList<>();
        while (true) {
            RedisReply r = d.decode(buf, start, end);
            start = d.position();
            if (r != null) {
                out.add(r);
                continue;
            }
            if (fed == wire.length) {
                break;
            }
            // keep unconsumed bytes, like a connection compacting its buffer
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            int n = Math.min(chunk, wire.length - fed);
            System.arraycopy(wire, fed, buf, end, n);
            end += n;
            fed += n;
        }
        assertEquals(end, start, "all bytes consumed");
        assertTrue(d.isIdle(), "decoder idle after the last reply");
        return out;
    }

    static RedisReply one(String wire) {
        List<RedisReply> whole = decodeAll(RedisReplies.decoder(), bytes(wire), Integer.MAX_VALUE);
        List<RedisReply> bytewise = decodeAll(RedisReplies.decoder(), bytes(wire), 1);
        assertEquals(1, whole.size(), "one reply in " + wire);
        assertEquals(whole, bytewise, "one byte at a time decodes the same");
        return whole.get(0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static BulkString bulk(String s) {
        return new BulkString(bytes(s));
    }

    @Test
    void simpleString() {
        assertEquals(new SimpleString("OK"), one("+OK\r\n"));
        assertEquals(new SimpleString(""), one("+\r\n"));
    }

    @Test
    void simpleErrorCarriesCode() {
        ErrorReply e = (ErrorReply) one("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        assertEquals("WRONGTYPE", e.code());
        assertFalse(e.blob());
        RedisServerExceptionCheck.check(e);
        assertEquals("ERR", ((ErrorReply) one("-ERR\r\n")).code());
        assertEquals("MOVED", ((ErrorReply) one("-MOVED 3999 127.0.0.1:6381\r\n")).code());
    }

    @Test
    void integers() {
        assertEquals(new IntegerReply(0), one(":0\r\n"));
        assertEquals(new IntegerReply(-42), one(":-42\r\n"));
        assertEquals(new IntegerReply(42), one(":+42\r\n"));
        assertEquals(new IntegerReply(Long.MAX_VALUE), one(":9223372036854775807\r\n"));
        assertEquals(new IntegerReply(Long.MIN_VALUE), one(":-9223372036854775808\r\n"));
    }

    @Test
    void bulkStrings() {
        assertEquals(bulk("hello"), one("$5\r\nhello\r\n"));
        assertEquals(bulk(""), one("$0\r\n\r\n"));
        assertEquals(bulk("a\r\nb"), one("$4\r\na\r\nb\r\n"), "binary safe: CRLF inside");
        assertEquals(NullReply.INSTANCE, one("$-1\r\n"));
        byte[] binary = {0, (byte) 0xff, '\r', '\n', 7};
        byte[] wire = concat(bytes("$5\r\n"), binary, bytes("\r\n"));
        assertArrayEquals(binary, decodeAll(RedisReplies.decoder(), wire, 1).get(0).asBytes());
    }

    @Test
    void largeBulkArrivingInPieces() {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] wire = concat(bytes("$300000\r\n"), payload, bytes("\r\n"));
        for (int chunk : new int[] {1, 1000, 8192, 65536, wire.length}) {
            List<RedisReply> r = decodeAll(RedisReplies.decoder(), wire, chunk);
            assertArrayEquals(payload, r.get(0).asBytes(), "chunk " + chunk);
        }
    }

    @Test
    void nulls() {
        assertTrue(one("_\r\n").isNull());
        assertTrue(one("*-1\r\n").isNull());
    }

    @Test
    void arrays() {
        assertEquals(new ArrayReply(List.of()), one("*0\r\n"));
        RedisReply r = one("*3\r\n:1\r\n$3\r\nfoo\r\n*2\r\n+a\r\n_\r\n");
        assertEquals(new ArrayReply(List.of(new IntegerReply(1), bulk("foo"),
                new ArrayReply(List.of(new SimpleString("a"), NullReply.INSTANCE)))), r);
    }

    @Test
    void maps() {
        MapReply m = (MapReply) one("%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n%1\r\n+x\r\n#t\r\n");
        assertEquals(List.of(new SimpleString("first"), bulk("second")), List.copyOf(m.entries().keySet()));
        assertEquals(new IntegerReply(1), m.asMap().get("first"));
        assertEquals(Map.of("x", new BooleanReply(true)), m.asMap().get("second").asMap());
        assertEquals(new MapReply(Map.of()), one("%0\r\n"));
    }

    @Test
    void sets() {
        assertEquals(new SetReply(List.of(bulk("a"), new IntegerReply(2))), one("~2\r\n$1\r\na\r\n:2\r\n"));
    }

    @Test
    void doubles() {
        assertEquals(1.5, one(",1.5\r\n").asDouble());
        assertEquals(-3.0, one(",-3\r\n").asDouble());
        assertEquals(1.0e10, one(",1e10\r\n").asDouble());
        assertEquals(Double.POSITIVE_INFINITY, one(",inf\r\n").asDouble());
        assertEquals(Double.NEGATIVE_INFINITY, one(",-inf\r\n").asDouble());
        assertTrue(Double.isNaN(one(",nan\r\n").asDouble()));
    }

    @Test
    void booleans() {
        assertEquals(new BooleanReply(true), one("#t\r\n"));
        assertEquals(new BooleanReply(false), one("#f\r\n"));
    }

    @Test
    void bigNumbers() {
        assertEquals(new BigNumberReply(new BigInteger("3492890328409238509324850943850943825024385")),
                one("(3492890328409238509324850943850943825024385\r\n"));
        assertEquals(new BigNumberReply(new BigInteger("-12")), one("(-12\r\n"));
    }

    @Test
    void verbatimStrings() {
        assertEquals(new VerbatimString("txt", "Some string"), one("=15\r\ntxt:Some string\r\n"));
        assertEquals(new VerbatimString("mkd", ""), one("=4\r\nmkd:\r\n"));
    }

    @Test
    void blobErrors() {
        ErrorReply e = (ErrorReply) one("!21\r\nSYNTAX invalid syntax\r\n");
        assertEquals("SYNTAX", e.code());
        assertEquals("SYNTAX invalid syntax", e.message());
        assertTrue(e.blob());
    }

    @Test
    void pushes() {
        PushReply p = (PushReply) one(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n");
        assertEquals("message", p.kind());
        assertEquals("hello", p.elements().get(2).asString());
    }

    @Test
    void attributesSkippedByDefault() {
        String wire = "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n";
        assertEquals(new ArrayReply(List.of(new IntegerReply(2039123), new IntegerReply(9543892))), one(wire));
    }

    @Test
    void attributesAttachedWhenAsked() {
        String wire = "|1\r\n+ttl\r\n:3600\r\n+OK\r\n";
        for (int chunk : new int[] {1, 100}) {
            RespDecoder<RedisReply> d = RedisReplies.decoder(RespDecoder.DEFAULT_MAX_BULK_LENGTH,
                    RespDecoder.DEFAULT_MAX_AGGREGATE_LENGTH, RespDecoder.DEFAULT_MAX_LINE_LENGTH,
                    RespDecoder.Attributes.ATTACH);
            AttributedReply a = (AttributedReply) decodeAll(d, bytes(wire), chunk).get(0);
            assertEquals(new SimpleString("OK"), a.reply());
            assertEquals(Map.of(new SimpleString("ttl"), new IntegerReply(3600)), a.attributes());
            assertEquals("OK", a.asString());
        }
    }

    @Test
    void attributeInsideAnArrayAttachesToTheNextElement() {
        String wire = "*2\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n";
        assertEquals(new ArrayReply(List.of(new IntegerReply(1), new IntegerReply(2))), one(wire));
        RespDecoder<RedisReply> d = RedisReplies.decoder(RespDecoder.DEFAULT_MAX_BULK_LENGTH,
                RespDecoder.DEFAULT_MAX_AGGREGATE_LENGTH, RespDecoder.DEFAULT_MAX_LINE_LENGTH,
                RespDecoder.Attributes.ATTACH);
        List<RedisReply> elements = decodeAll(d, bytes(wire), 1).get(0).asList();
        assertInstanceOf(AttributedReply.class, elements.get(1));
    }

    @Test
    void severalRepliesInOneBuffer() {
        String wire = "+OK\r\n:1\r\n$3\r\nabc\r\n*1\r\n_\r\n>2\r\n+a\r\n+b\r\n";
        List<RedisReply> whole = decodeAll(RedisReplies.decoder(), bytes(wire), Integer.MAX_VALUE);
        assertEquals(5, whole.size());
        assertEquals(whole, decodeAll(RedisReplies.decoder(), bytes(wire), 1));
        assertEquals(whole, decodeAll(RedisReplies.decoder(), bytes(wire), 3));
    }

    @Test
    void everyTypeInOneDocumentOneByteAtATime() {
        String wire = "*16\r\n+s\r\n-ERR e\r\n:1\r\n$1\r\nb\r\n_\r\n*1\r\n:2\r\n%1\r\n+k\r\n+v\r\n~1\r\n+m\r\n"
                + ",2.5\r\n#f\r\n(123\r\n=7\r\ntxt:abc\r\n!5\r\nERR x\r\n>1\r\n+p\r\n|1\r\n+a\r\n+b\r\n+after-attr\r\n$-1\r\n";
        List<RedisReply> items = one(wire).asList();
        assertEquals(16, items.size());
        assertEquals("after-attr", items.get(14).asString());
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Error replies become RedisServerException with the code when thrown. */
    static final class RedisServerExceptionCheck {
        static void check(ErrorReply e) {
            var ex = assertThrows(dev.loomwire.redis.RedisServerException.class, e::throwIfError);
            assertEquals(e.code(), ex.code());
            assertTrue(ex.getMessage().startsWith(e.code()));
        }
    }
}
