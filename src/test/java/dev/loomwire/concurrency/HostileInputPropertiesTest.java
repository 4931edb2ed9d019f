package dev.loomwire.concurrency;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConfigException;
import dev.loomwire.pg.protocol.Backend;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisReplies;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.resp.RespDecoder;
import dev.loomwire.redis.resp.RespProtocolException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Property-based hostile input (jqwik): random and mutated bytes for the RESP decoder and the
 * PostgreSQL backend-message decoder, random strings for the Redis URI and libpq conninfo
 * parsers. Each input either decodes/parses or is refused with the component's own exception
 * type, within a bounded time; never an OutOfMemoryError, an endless loop or a stray runtime
 * exception.
 */
class HostileInputPropertiesTest {
    private static final long MAX_NANOS_PER_INPUT = 1_000_000_000L;

    private static final List<String> VALID_RESP = List.of(
            "+OK\r\n", "-ERR unknown command\r\n", ":12345\r\n", "$5\r\nhello\r\n", "$-1\r\n", "*-1\r\n", "_\r\n",
            "*3\r\n:1\r\n$3\r\nabc\r\n*1\r\n+x\r\n", "%2\r\n+a\r\n:1\r\n+b\r\n,3.5\r\n", "~2\r\n+a\r\n+b\r\n",
            ">3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n", "|1\r\n+ttl\r\n:3600\r\n+value\r\n", "#t\r\n", ",inf\r\n",
            "(3492890328409238509324850943850943825024385\r\n", "!21\r\nSYNTAX invalid syntax\r\n", "=15\r\ntxt:Some string\r\n");

    // ---------------------------------------------------------------- RESP

    @Property(tries = 3000)
    void respDecoderOnRandomBytes(@ForAll @Size(max = 400) byte[] bytes) {
        decodeResp(bytes, bytes.length);
    }

    @Property(tries = 3000)
    void respDecoderOnMutatedReplies(@ForAll("mutatedResp") byte[] bytes, @ForAll("splitPoint") int split) {
        decodeResp(bytes, Math.min(split, bytes.length));
    }

    @Property(tries = 1000)
    void respDecoderOnHugeDeclaredLengths(@ForAll("respLengthHeaders") String header) {
        decodeResp((header + "abc").getBytes(StandardCharsets.ISO_8859_1), 3);
    }

    @Provide
    Arbitrary<byte[]> mutatedResp() {
        Arbitrary<byte[]> base = Arbitraries.of(VALID_RESP).list().ofMinSize(1).ofMaxSize(4)
                .map(parts -> String.join("", parts).getBytes(StandardCharsets.ISO_8859_1));
        return Combinators.combine(base, Arbitraries.integers().between(0, 10_000).list().ofMaxSize(4),
                Arbitraries.bytes().list().ofMinSize(4).ofMaxSize(4), Arbitraries.integers().between(0, 10_000)).as((b, positions, values, cut) -> {
            byte[] m = b.clone();
            for (int i = 0; i < positions.size(); i++) {
                m[positions.get(i) % m.length] = values.get(i);
            }
            return cut % 5 == 0 ? java.util.Arrays.copyOf(m, cut % (m.length + 1)) : m;
        });
    }

    @Provide
    Arbitrary<Integer> splitPoint() {
        return Arbitraries.integers().between(0, 200);
    }

    @Provide
    Arbitrary<String> respLengthHeaders() {
        return Combinators.combine(Arbitraries.of("$", "*", "%", "~", ">", "|", "!", "=", "(", ":"),
                Arbitraries.longs().between(-2, Long.MAX_VALUE).map(Object::toString)
                        .injectDuplicates(0.1).edgeCases(c -> c.add("99999999999999999999999"))).as((t, n) -> t + n + "\r\n");
    }

    /** Feeds {@code bytes} in two chunks (split at {@code split}) like a socket would, until it is consumed or refused. */
    private static void decodeResp(byte[] bytes, int split) {
        long t0 = System.nanoTime();
        RespDecoder<RedisReply> d = RedisReplies.decoder();
        try {
            int start = 0;
            for (int end : new int[] {split, bytes.length}) {
                for (int guard = 0; start < end; guard++) {
                    assertTrue(guard <= end + 1, "decoder made no progress");
                    if (d.decode(bytes, start, end) == null && d.position() == start) {
                        break;
                    }
                    start = d.position();
                }
            }
        } catch (RespProtocolException expected) {
            assertNotNull(expected.getMessage());
        }
        assertTrue(System.nanoTime() - t0 < MAX_NANOS_PER_INPUT, "took more than a second");
    }

    // ---------------------------------------------------------------- PostgreSQL backend messages

    @Property(tries = 5000)
    void pgBackendDecoderOnRandomBodies(@ForAll("pgTypes") byte type, @ForAll @Size(max = 300) byte[] body) {
        decodePg(type, body);
    }

    @Property(tries = 3000)
    void pgBackendDecoderOnMutatedBodies(@ForAll("mutatedPg") Map.Entry<Byte, byte[]> message) {
        decodePg(message.getKey(), message.getValue());
    }

    @Provide
    Arbitrary<Byte> pgTypes() {
        return Arbitraries.oneOf(Arbitraries.of((byte) 'R', (byte) 'K', (byte) 'S', (byte) 'Z', (byte) 'T', (byte) 'D',
                (byte) 'C', (byte) 'I', (byte) 'E', (byte) 'N', (byte) '1', (byte) '2', (byte) '3', (byte) 'n', (byte) 's',
                (byte) 't', (byte) 'A', (byte) 'G', (byte) 'H', (byte) 'W', (byte) 'd', (byte) 'c', (byte) 'v'), Arbitraries.bytes());
    }

    @Provide
    Arbitrary<Map.Entry<Byte, byte[]>> mutatedPg() {
        List<Map.Entry<Byte, byte[]>> valid = List.of(
                Map.entry((byte) 'T', hex("0002 6100 00000000 0000 00000017 0004 ffffffff 0000 6200 00004001 0002 00000019 ffff ffffffff 0000")),
                Map.entry((byte) 'D', hex("0003 00000002 3432 ffffffff 00000000")),
                Map.entry((byte) 'E', hex("5345 52524f5200 4334 32503031 00 4d6e6f7065 00 00")),
                Map.entry((byte) 'R', hex("0000000a 534352414d2d5348412d323536 00 00")),
                Map.entry((byte) 'K', hex("00001234 01020304")),
                Map.entry((byte) 'Z', hex("49")),
                Map.entry((byte) 'v', hex("00000002 00000001 6f707400")),
                Map.entry((byte) 'G', hex("00 0002 0000 0001")));
        return Combinators.combine(Arbitraries.of(valid), Arbitraries.integers().between(0, 1000).list().ofMaxSize(3),
                Arbitraries.bytes().list().ofMinSize(3).ofMaxSize(3), Arbitraries.integers().between(0, 100)).as((m, positions, values, cut) -> {
            byte[] b = m.getValue().clone();
            for (int i = 0; i < positions.size(); i++) {
                b[positions.get(i) % b.length] = values.get(i);
            }
            return Map.entry(m.getKey(), cut % 4 == 0 ? java.util.Arrays.copyOf(b, cut % (b.length + 1)) : b);
        });
    }

    private static void decodePg(byte type, byte[] body) {
        long t0 = System.nanoTime();
        try {
            assertNotNull(Backend.decode(type, body));
        } catch (ProtocolException expected) {
            assertNotNull(expected.getMessage());
        }
        assertTrue(System.nanoTime() - t0 < MAX_NANOS_PER_INPUT, "took more than a second");
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // ---------------------------------------------------------------- URI and conninfo parsers

    @Property(tries = 3000)
    void redisUriParserRefusesWithIllegalArgumentOnly(@ForAll("redisUris") String uri) {
        try {
            assertNotNull(RedisConfig.fromUri(uri));
        } catch (IllegalArgumentException expected) {
            assertNotNull(expected.getMessage());
            assertFalse(expected.getMessage().contains("secret-pw"), "password in message: " + expected.getMessage());
        }
    }

    @Provide
    Arbitrary<String> redisUris() {
        Arbitrary<String> tail = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcxyz019:/@?&=%[]._-+ \\").ofMaxLength(50),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("u:secret-pw@localhost:6379/0", ":secret-pw@[::1]:1/2?timeout=5", "h?protocol=2&client_name=a",
                        "h:99999", "h:-1", "[::1", "h/99999999999", "h?sslverify=none&sslsni=off", "h?timeout=-1", "h?x=%zz",
                        "%41:secret-pw@h", "h?timeout=9999999999999999999").flatMap(s ->
                        Arbitraries.integers().between(0, s.length()).map(cut -> cut % 3 == 0 ? s.substring(0, cut) : s)));
        return Combinators.combine(Arbitraries.of("redis://", "rediss://", "REDIS://", "", "http://", "redis:/"), tail).as(String::concat);
    }

    @Property(tries = 3000)
    void pgConninfoParserRefusesWithConfigExceptionsOnly(@ForAll("conninfos") String conninfo) {
        try {
            assertNotNull(PgConfig.parse(conninfo, Map.of("HOME", "/nonexistent-home")));
        } catch (PgConfigException | IllegalArgumentException expected) {
            assertNotNull(expected.getMessage());
            assertFalse(expected.getMessage().contains("secret-pw"), "password in message: " + expected.getMessage());
        }
    }

    @Provide
    Arbitrary<String> conninfos() {
        Arbitrary<String> keywordValue = Combinators.combine(
                Arbitraries.of("host", "port", "dbname", "user", "password", "sslmode", "connect_timeout", "hostaddr",
                        "sslnegotiation", "channel_binding", "require_auth", "target_session_attrs", "options", "bogus", ""),
                Arbitraries.oneOf(Arbitraries.strings().withChars("abc019'\\ =,:/").ofMaxLength(12),
                        Arbitraries.of("verify-full", "-1", "99999999999", "'unterminated", "a\\", "1,2,3"))
        ).as((k, v) -> k + "=" + v).list().ofMaxSize(5).map(l -> String.join(" ", l))
                .flatMap(kv -> Arbitraries.of("", "password=secret-pw ", "password='secret-pw ").map(pw -> pw + kv));
        Arbitrary<String> uri = Combinators.combine(Arbitraries.of("postgresql://", "postgres://", "postgresql:/"),
                Arbitraries.oneOf(Arbitraries.strings().withChars("abcxyz019:/@?&=%[],._-").ofMaxLength(50),
                        Arbitraries.of("u:secret-pw@h1:1,h2:2/db?sslmode=require", "[::1]:5432/x?port=1", "h?host=%2Ftmp",
                                "h:99999", "%zz@h", "h?connect_timeout=abc", "@/", ":@:"))).as(String::concat);
        return Arbitraries.oneOf(keywordValue, uri, Arbitraries.strings().ofMaxLength(40));
    }
}
