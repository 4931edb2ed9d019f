package dev.loomwire.pg.protocol;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.pg.protocol.BackendMessage.*;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static BackendMessage decode(char type, String bodyHex) {
        return Backend.decode((byte) type, hex(bodyHex));
    }

    @Test
    void authenticationRequests() {
        assertInstanceOf(AuthenticationOk.class, decode('R', "00000000"));
        assertInstanceOf(AuthenticationCleartextPassword.class, decode('R', "00000003"));
        var md5 = (AuthenticationMD5Password) decode('R', "00000005 01020304");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, md5.salt());
        // SASL: "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"
        var sasl = (AuthenticationSASL) decode('R', "0000000a"
                + "534352414d2d5348412d3235362d504c555300" + "534352414d2d5348412d32353600" + "00");
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"), sasl.mechanisms());
        var cont = (AuthenticationSASLContinue) decode('R', "0000000b 723d61");
        assertArrayEquals("r=a".getBytes(), cont.data());
        assertEquals("GSSAPI", ((AuthenticationUnsupported) decode('R', "00000007")).methodName());
    }

    @Test
    void authenticationWithWrongLengthsIsRejected() {
        assertThrows(ProtocolException.class, () -> decode('R', "00000005 0102"));
        assertThrows(ProtocolException.class, () -> decode('R', "00000000 ff"));
        assertThrows(ProtocolException.class, () -> decode('R', "0000000a 534352"));
        assertThrows(ProtocolException.class, () -> decode('R', "000000ff"));
        assertThrows(ProtocolException.class, () -> decode('R', "0000"));
    }

    @Test
    void backendKeyDataAcceptsProtocol32LongKeys() {
        var k = (BackendKeyData) decode('K', "00003039 0a0b0c0d");
        assertEquals(12345, k.processId());
        assertArrayEquals(hex("0a0b0c0d"), k.secretKey());
        var longKey = (BackendKeyData) decode('K', "00000001" + "ab".repeat(32));
        assertEquals(32, longKey.secretKey().length);
        assertThrows(ProtocolException.class, () -> decode('K', "00000001 01"));
        assertThrows(ProtocolException.class, () -> decode('K', "00000001" + "ab".repeat(257)));
    }

    @Test
    void statusAndCompletionMessages() {
        var ps = (ParameterStatus) decode('S', "7365727665725f76657273696f6e00 31382e3100");
        assertEquals("server_version", ps.name());
        assertEquals("18.1", ps.value());
        assertEquals('T', ((ReadyForQuery) decode('Z', "54")).transactionStatus());
        assertThrows(ProtocolException.class, () -> decode('Z', "58"));
        assertThrows(ProtocolException.class, () -> decode('Z', ""));
        assertEquals("INSERT 0 3", ((CommandComplete) decode('C', "494e5345525420302033 00")).tag());
        assertInstanceOf(EmptyQueryResponse.class, decode('I', ""));
        assertInstanceOf(ParseComplete.class, decode('1', ""));
        assertInstanceOf(BindComplete.class, decode('2', ""));
        assertInstanceOf(CloseComplete.class, decode('3', ""));
        assertInstanceOf(NoData.class, decode('n', ""));
        assertInstanceOf(PortalSuspended.class, decode('s', ""));
        assertThrows(ProtocolException.class, () -> decode('1', "00"));
    }

    @Test
    void rowDescriptionAndDataRow() {
        // one field "id": table 0, col 0, int4 (23), size 4, typmod -1, text
        var rd = (RowDescription) decode('T', "0001 696400 00000000 0000 00000017 0004 ffffffff 0000");
        assertEquals(1, rd.fields().size());
        Field f = rd.fields().get(0);
        assertEquals("id", f.name());
        assertEquals(23, f.typeOid());
        assertEquals(4, f.typeSize());
        assertEquals(-1, f.typeModifier());
        var row = (DataRow) decode('D', "0002 00000001 37 ffffffff");
        assertArrayEquals("7".getBytes(), row.values()[0]);
        assertNull(row.values()[1]);
    }

    @Test
    void hostileCountsAndLengthsAreRejectedWithoutHugeAllocations() {
        assertThrows(ProtocolException.class, () -> decode('T', "ffff 6900"));
        assertThrows(ProtocolException.class, () -> decode('D', "ffff"));
        assertThrows(ProtocolException.class, () -> decode('D', "0001 7fffffff 00"));
        assertThrows(ProtocolException.class, () -> decode('D', "0001 fffffffe"));
        assertThrows(ProtocolException.class, () -> decode('D', "0001 00000001 37 ff"));
        assertThrows(ProtocolException.class, () -> decode('t', "7fff 00000017"));
        assertThrows(ProtocolException.class, () -> decode('v', "00000000 7fffffff"));
        assertThrows(ProtocolException.class, () -> decode('S', "6100 62"));
        var e = assertThrows(ProtocolException.class, () -> decode('x', ""));
        assertTrue(e.getMessage().contains("unknown message type 0x78"), e.getMessage());
    }

    @Test
    void errorResponseKeepsAllFields() {
        // S ERROR, V ERROR, C 42601, M syntax error, P 1, F scan.l, L 1, R scanner_yyerror
        var err = (ErrorResponse) decode('E', "53 4552524f5200 56 4552524f5200 43 343236303100"
                + "4d 73796e746178206572726f7200 50 3100 46 7363616e2e6c00 4c 3100"
                + "52 7363616e6e65725f79796572726f7200 00");
        assertEquals("42601", err.fields().get('C'));
        assertEquals("syntax error", err.fields().get('M'));
        assertEquals("1", err.fields().get('P'));
        assertEquals("scanner_yyerror", err.fields().get('R'));
        assertEquals(8, err.fields().size());
        var notice = (NoticeResponse) decode('N', "53 4e4f5449434500 4d 686900 00");
        assertEquals("hi", notice.fields().get('M'));
        assertThrows(ProtocolException.class, () -> decode('E', "53 4552524f5200"));
    }

    @Test
    void notificationsCopyAndNegotiation() {
        var n = (NotificationResponse) decode('A', "0000002a 6300 7000");
        assertEquals(42, n.processId());
        assertEquals("c", n.channel());
        assertEquals("p", n.payload());
        var in = (CopyInResponse) decode('G', "00 0002 0000 0000");
        assertEquals(0, in.overallFormat());
        assertEquals(2, in.columnFormats().length);
        var out = (CopyOutResponse) decode('H', "01 0001 0001");
        assertEquals(1, out.overallFormat());
        assertInstanceOf(CopyBothResponse.class, decode('W', "00 0000"));
        assertArrayEquals(hex("616263"), ((CopyData) decode('d', "616263")).data());
        assertInstanceOf(CopyDone.class, decode('c', ""));
        var v = (NegotiateProtocolVersion) decode('v', "00000000 00000001 5f70712e666f6f00");
        assertEquals(0, v.newestMinorVersion());
        assertEquals(List.of("_pq.foo"), v.unrecognizedOptions());
        assertThrows(ProtocolException.class, () -> decode('G', "05 0000"));
    }
}
