package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.redis.RedisReply;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe's use of the drivers' codecs against literal bytes (RESP replies through
 * {@link RespReader}, PostgreSQL authentication requests in pg_hba terms), and its own small
 * codecs: DER key shapes, JSON.
 */
class WireDecodingTest {

    private static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static RedisReply resp(String s) throws IOException {
        return new RespReader(bytes(s)).read();
    }

    @Test
    void resp3HelloMapAndResp2Fallbacks() throws IOException {
        Map<String, RedisReply> hello = resp("%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n").asMap();
        assertEquals("redis", hello.get("server").asString());
        assertEquals("7.0.15", hello.get("version").asString());
        assertEquals(3, hello.get("proto").asLong());
        assertEquals("ERR unknown command 'HELLO'", ((RedisReply.ErrorReply) resp("-ERR unknown command 'HELLO'\r\n")).message());
        assertEquals("PONG", resp("+PONG\r\n").asString());
        assertEquals("[a, 1, true]", resp("|1\r\n+k\r\n+v\r\n*3\r\n+a\r\n:1\r\n#t\r\n").toString(), "attributes are skipped");
        assertEquals("7.2.4", RedisProbe.infoField("# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\n", "redis_version"));
    }

    @Test
    void respReaderKeepsWhatArrivesBeforeTheFirstRead() throws IOException {
        RespReader in = new RespReader(bytes("+OK\r\n:7\r\n"));
        assertTrue(in.awaitData());
        assertEquals("OK", in.read().asString());
        assertEquals(7, in.read().asLong());
        assertThrows(EOFException.class, in::read);
    }

    @Test
    void postgresAuthenticationRequestsAndErrorsInPgHbaTerms() throws IOException {
        assertEquals("SASL: SCRAM-SHA-256-PLUS, SCRAM-SHA-256", PgProbe.authRequest(
                new BackendMessage.AuthenticationSASL(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"))));
        assertEquals("MD5 password (pg_hba method md5)", PgProbe.authRequest(new BackendMessage.AuthenticationMD5Password(new byte[4])));
        assertEquals("cleartext password (pg_hba method password)",
                PgProbe.authRequest(new BackendMessage.AuthenticationCleartextPassword()));
        assertEquals("FATAL 28000 no pg_hba.conf entry",
                PgProbe.errorText(Map.of('S', "FATAL", 'C', "28000", 'M', "no pg_hba.conf entry")));
        assertEquals(null, PgProbe.authRequest(new BackendMessage.ReadyForQuery('I')));
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
