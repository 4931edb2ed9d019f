package dev.loomwire.redis.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class RespEncoderTest {
    static String wire(RespEncoder e) {
        return new String(Arrays.copyOf(e.buffer(), e.size()), StandardCharsets.UTF_8);
    }

    @Test
    void commandIsAnArrayOfBulkStrings() {
        RespEncoder e = new RespEncoder().command("SET", "key", "value");
        assertEquals("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", wire(e));
    }

    @Test
    void severalCommandsShareOneBuffer() {
        RespEncoder e = new RespEncoder().command("PING").command("GET", "k");
        assertEquals("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", wire(e));
        e.reset();
        assertEquals(0, e.size());
    }

    @Test
    void utf8LengthIsInBytes() {
        RespEncoder e = new RespEncoder().command("ECHO", "h\u00e9\u20ac\uD83D\uDE00");
        assertEquals("*2\r\n$4\r\nECHO\r\n$10\r\nh\u00e9\u20ac\uD83D\uDE00\r\n", wire(e));
        assertEquals("\uD800x".getBytes(StandardCharsets.UTF_8).length, RespEncoder.utf8Length("\uD800x"));
    }

    @Test
    void binaryAndNumbers() {
        RespEncoder e = new RespEncoder().commandOf("EXPIRE", new byte[] {0, 1}, 42L, -7);
        byte[] expected = "*4\r\n$6\r\nEXPIRE\r\n$2\r\n\0\1\r\n$2\r\n42\r\n$2\r\n-7\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, Arrays.copyOf(e.buffer(), e.size()));
    }

    @Test
    void growsForLargeValues() {
        byte[] big = new byte[100_000];
        RespEncoder e = new RespEncoder().command("SET".getBytes(), "k".getBytes(), big);
        assertEquals(100_000 + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n\r\n".length(), e.size());
    }

    @Test
    void nullArgumentIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RespEncoder().command("GET", null));
    }
}
