package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text and binary value formats decoded from literal bytes, as the server writes them. */
class PgTypesTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void textTimestampsWithOffsetsInfinityAndBc() {
        assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 120000000, ZoneOffset.ofHoursMinutes(5, 30)),
                PgTypes.decodeText(Oid.TIMESTAMPTZ, "2024-01-02 03:04:05.12+05:30"));
        assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-8)),
                PgTypes.decodeText(Oid.TIMESTAMPTZ, "2024-01-02 03:04:05-08"));
        assertEquals(LocalDateTime.MAX, PgTypes.decodeText(Oid.TIMESTAMP, "infinity"));
        assertEquals(LocalDate.MIN, PgTypes.decodeText(Oid.DATE, "-infinity"));
        assertEquals(LocalDate.of(-43, 3, 15), PgTypes.decodeText(Oid.DATE, "0044-03-15 BC"));
        assertEquals(LocalDate.of(12345, 1, 1), PgTypes.decodeText(Oid.DATE, "12345-01-01"));
    }

    @Test
    void binaryTemporalValuesCountFrom2000() {
        assertEquals(LocalDate.of(2000, 1, 2), PgTypes.decodeBinary(Oid.DATE, hex("00000001")));
        assertEquals(LocalDate.MAX, PgTypes.decodeBinary(Oid.DATE, hex("7fffffff")));
        assertEquals(LocalDateTime.of(2000, 1, 1, 0, 0, 1), PgTypes.decodeBinary(Oid.TIMESTAMP, hex("00000000000f4240")));
        assertEquals(OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC),
                PgTypes.decodeBinary(Oid.TIMESTAMPTZ, hex("fffffffffff0bdc0")));
        assertThrows(PgException.class, () -> PgTypes.decodeBinary(Oid.INT8, hex("0001")));
    }

    @Test
    void byteaInHexAndEscapeFormat() {
        assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad}, (byte[]) PgTypes.decodeText(Oid.BYTEA, "\\xdead"));
        assertArrayEquals(new byte[] {'a', 0, '\\', (byte) 0xff}, (byte[]) PgTypes.decodeText(Oid.BYTEA, "a\\000\\\\\\377"));
    }

    @Test
    void textArrays() {
        assertEquals(Arrays.asList(1, null, 3), PgTypes.decodeText(Oid.INT4_ARRAY, "{1,NULL,3}"));
        assertEquals(List.of("a,b", "c\"d", "NULL", ""), PgTypes.decodeText(Oid.TEXT_ARRAY, "{\"a,b\",\"c\\\"d\",\"NULL\",\"\"}"));
        assertEquals(List.of(List.of(1, 2), List.of(3, 4)), PgTypes.decodeText(Oid.INT4_ARRAY, "{{1,2},{3,4}}"));
        assertEquals(List.of(5, 6), PgTypes.decodeText(Oid.INT4_ARRAY, "[0:1]={5,6}"));
        assertEquals(List.of(), PgTypes.decodeText(Oid.INT4_ARRAY, "{}"));
        assertThrows(PgException.class, () -> PgTypes.decodeText(Oid.INT4_ARRAY, "{1,2"));
    }

    @Test
    void binaryArraysAndHostileDimensions() {
        // int4[] {7, NULL}: ndim 1, has nulls, elem 23, size 2, lbound 1, then (4, 7), (-1)
        byte[] arr = hex("00000001 00000001 00000017 00000002 00000001 00000004 00000007 ffffffff");
        assertEquals(Arrays.asList(7, null), PgTypes.decodeBinary(Oid.INT4_ARRAY, arr));
        byte[] hostile = hex("00000001 00000000 00000017 7fffffff 00000001");
        assertThrows(PgException.class, () -> PgTypes.decodeBinary(Oid.INT4_ARRAY, hostile));
        byte[] truncated = hex("00000001 00000000 00000017 00000001 00000001 00000004 0000");
        assertThrows(PgException.class, () -> PgTypes.decodeBinary(Oid.INT4_ARRAY, truncated));
    }

    @Test
    void numericArraysUseTheBinaryNumericFormat() {
        for (String v : new String[] {"0", "1.50", "-0.001", "123456789.000000001", "10000", "-99999999"}) {
            PgTypes.Param p = PgTypes.encode(new BigDecimal[] {new BigDecimal(v)});
            @SuppressWarnings("unchecked")
            List<Object> back = (List<Object>) PgTypes.decodeBinary(p.oid(), p.value());
            assertEquals(new BigDecimal(v), back.get(0), v);
        }
    }

    @Test
    void parameterEncoding() {
        assertEquals(Oid.INT4, PgTypes.encode(5).oid());
        assertArrayEquals(hex("00000005"), PgTypes.encode(5).value());
        assertEquals(0, PgTypes.encode("x").oid(), "strings go as 'unknown' so the server infers the type");
        assertEquals("1.50", new String(PgTypes.encode(new BigDecimal("1.50")).value(), StandardCharsets.US_ASCII));
        assertNull(PgTypes.encode(null).value());
        assertEquals(Oid.TEXT_ARRAY, PgTypes.encode(List.of("a")).oid());
        var e = assertThrows(PgException.class, () -> PgTypes.encode(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"));
    }
}
