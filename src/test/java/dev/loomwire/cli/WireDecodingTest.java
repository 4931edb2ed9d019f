package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe's small codecs against literal bytes: RESP replies, PostgreSQL messages, DER key shapes, JSON. */
class WireDecodingTest {

    private static WireInput input(String s) {
        return new WireInput(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void resp3HelloMapAndResp2Fallbacks() throws IOException {
        Object hello = Resp.read(input("%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"));
        assertEquals(Map.of("server", "redis", "version", "7.0.15", "proto", 3L), hello);
        assertEquals(new Resp.Error("ERR unknown command 'HELLO'"), Resp.read(input("-ERR unknown command 'HELLO'\r\n")));
        assertEquals("PONG", Resp.read(input("+PONG\r\n")));
        assertEquals(List.of("a", 1L, true), Resp.read(input("|1\r\n+k\r\n+v\r\n*3\r\n+a\r\n:1\r\n#t\r\n")));
        assertEquals("7.2.4", RedisProbe.infoField("# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\n", "redis_version"));
        assertArrayEquals("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n".getBytes(StandardCharsets.US_ASCII), Resp.command("HELLO", "3"));
    }

    @Test
    void postgresStartupAuthenticationAndErrors() {
        byte[] startup = PgProbe.startupMessage("u", "d");
        String expectedBody = "user\0u\0database\0d\0application_name\0loomwire-probe\0\0";
        assertEquals(8 + expectedBody.length(), startup.length);
        assertArrayEquals(new byte[] {0, 0, 0, (byte) startup.length, 0, 3, 0, 0}, java.util.Arrays.copyOf(startup, 8));
        assertEquals(expectedBody, new String(startup, 8, startup.length - 8, StandardCharsets.US_ASCII));

        byte[] sasl = "\0\0\0\nSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII);
        assertEquals("SASL: SCRAM-SHA-256-PLUS, SCRAM-SHA-256", PgProbe.authMethod(10, sasl));
        assertEquals("MD5 password (pg_hba method md5)", PgProbe.authMethod(5, new byte[8]));
        byte[] error = "SFATAL\0C28000\0Mno pg_hba.conf entry\0\0".getBytes(StandardCharsets.US_ASCII);
        assertEquals("FATAL 28000 no pg_hba.conf entry", PgProbe.errorText(error));
    }

    @Test
    void derKeyShapes() {
        // SEQUENCE { INTEGER 0, SEQUENCE {}, OCTET STRING {} } = PKCS#8
        assertEquals("DER, PKCS#8", FileCheck.derKeyFormat(new byte[] {0x30, 7, 2, 1, 0, 0x30, 0, 4, 0}));
        assertEquals("DER, PKCS#1 RSA", FileCheck.derKeyFormat(new byte[] {0x30, 6, 2, 1, 0, 2, 1, 5}));
        assertEquals("DER, SEC1 EC", FileCheck.derKeyFormat(new byte[] {0x30, 5, 2, 1, 1, 4, 0}));
        assertEquals("DER, encrypted PKCS#8", FileCheck.derKeyFormat(new byte[] {0x30, 4, 0x30, 0, 4, 0}));
        assertEquals("neither PEM nor DER", FileCheck.derKeyFormat("hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void jsonEscapesAndNests() {
        String json = Json.write(Map.of("k", List.of("a\"b\\c\n\u0001", 1, true)));
        assertEquals("{\n  \"k\": [\n    \"a\\\"b\\\\c\\n\\u0001\",\n    1,\n    true\n  ]\n}", json);
        assertEquals(Map.of("k", List.of("a\"b\\c\n\u0001", 1.0, true)), MiniJson.parse(json));
    }
}
