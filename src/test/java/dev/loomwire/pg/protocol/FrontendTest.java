package dev.loomwire.pg.protocol;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrontendTest {
    private static String hex(ByteSink s) {
        return HexFormat.of().formatHex(s.toByteArray());
    }

    @Test
    void sslRequestIsTheDocumentedEightBytes() {
        ByteSink s = new ByteSink();
        Frontend.sslRequest(s);
        assertEquals("0000000804d2162f", hex(s));
    }

    @Test
    void cancelRequest() {
        ByteSink s = new ByteSink();
        Frontend.cancelRequest(s, 0x3039, new byte[] {1, 2, 3, 4});
        assertEquals("0000001004d2162e0000303901020304", hex(s));
    }

    @Test
    void startupMessage() {
        ByteSink s = new ByteSink();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "u");
        Frontend.startup(s, p);
        assertEquals("00000010" + "00030000" + "7573657200" + "7500" + "00", hex(s));
    }

    @Test
    void simpleQueryAndTerminate() {
        ByteSink s = new ByteSink();
        Frontend.query(s, "SELECT 1");
        Frontend.terminate(s);
        assertEquals("51" + "0000000d" + "53454c4543542031" + "00" + "5800000004", hex(s));
    }

    @Test
    void extendedQueryPipeline() {
        ByteSink s = new ByteSink();
        Frontend.parse(s, "s1", "SELECT $1", new int[] {23});
        Frontend.bind(s, "", "s1", new short[] {1}, new byte[][] {{0, 0, 0, 7}, null}, new short[] {1});
        Frontend.describe(s, 'P', "");
        Frontend.execute(s, "", 0);
        Frontend.sync(s);
        assertEquals("50" + "00000017" + "733100" + "53454c45435420243100" + "0001" + "00000017"
                + "42" + "0000001e" + "00" + "733100" + "0001" + "0001" + "0002" + "00000004" + "00000007"
                + "ffffffff" + "0001" + "0001"
                + "44" + "00000006" + "50" + "00"
                + "45" + "00000009" + "00" + "00000000"
                + "5300000004", hex(s));
    }

    @Test
    void saslAndPasswordMessages() {
        ByteSink s = new ByteSink();
        Frontend.saslInitialResponse(s, "M", new byte[] {'x'});
        Frontend.saslResponse(s, new byte[] {'y'});
        Frontend.password(s, "pw");
        assertEquals("70" + "0000000b" + "4d00" + "00000001" + "78" + "70" + "00000005" + "79"
                + "70" + "00000007" + "707700", hex(s));
    }

    @Test
    void copyMessages() {
        ByteSink s = new ByteSink();
        Frontend.copyData(s, new byte[] {'a', 'b'}, 0, 2);
        Frontend.copyDone(s);
        Frontend.copyFail(s, "no");
        Frontend.close(s, 'S', "s1");
        Frontend.flush(s);
        assertEquals("64000000066162" + "6300000004" + "66000000076e6f00" + "430000000853733100"
                + "4800000004", hex(s));
    }

    @Test
    void nulInStringsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Frontend.query(new ByteSink(), "a\0b"));
    }
}
