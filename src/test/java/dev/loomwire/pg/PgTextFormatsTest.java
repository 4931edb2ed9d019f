package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text forms of interval, timetz, inet and hstore as the server writes them, and their metadata. */
class PgTextFormatsTest {
    @Test
    void intervalsInTheDefaultPostgresStyle() {
        assertEquals(new PgInterval(0, 0, 0), PgTypes.decodeText(Oid.INTERVAL, "00:00:00"));
        assertEquals(new PgInterval(0, 1, 0), PgTypes.decodeText(Oid.INTERVAL, "1 day"));
        assertEquals(new PgInterval(-14, 3, -14_706_000_000L),
                PgTypes.decodeText(Oid.INTERVAL, "-1 years -2 mons +3 days -04:05:06"));
        assertEquals(new PgInterval(0, 0, 360_000_000_001L), PgTypes.decodeText(Oid.INTERVAL, "100:00:00.000001"));
        assertEquals(new PgInterval(0, 0, 500_000L), PgTypes.decodeText(Oid.INTERVAL, "00:00:00.5"));
        PgException iso = assertThrows(PgException.class, () -> PgTypes.decodeText(Oid.INTERVAL, "P1Y2M"));
        assertTrue(iso.getMessage().contains("IntervalStyle"), iso.getMessage());
    }

    @Test
    void intervalsPrintInAFormTheServerReadsBack() {
        PgInterval i = new PgInterval(14, -3, -3_723_000_004L);
        assertEquals("14 mons -3 days -1:02:03.000004", i.toString());
        assertEquals(i, PgInterval.parse(i.toString()));
        assertEquals(Duration.ofDays(30 * 14 - 3).minusSeconds(3723).minusNanos(4000), i.toDuration());
        assertEquals(new PgInterval(0, 0, 90_000_000L), PgInterval.of(Duration.ofSeconds(90)));
    }

    @Test
    void timetzWithMinuteAndSecondOffsets() {
        assertEquals(OffsetTime.of(4, 5, 6, 789_000_000, ZoneOffset.ofHoursMinutes(5, 30)),
                PgTypes.decodeText(Oid.TIMETZ, "04:05:06.789+05:30"));
        assertEquals(OffsetTime.of(23, 0, 0, 0, ZoneOffset.ofHours(-8)), PgTypes.decodeText(Oid.TIMETZ, "23:00:00-08"));
        assertEquals(OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHoursMinutesSeconds(5, 30, 15)),
                PgTypes.decodeText(Oid.TIMETZ, "01:02:03+05:30:15"));
    }

    @Test
    void inetAddressPartWithoutDnsAndRefusingNames() {
        assertEquals("10.1.0.0", PgTypes.parseInet("10.1.0.0/16").getHostAddress());
        assertTrue(PgTypes.parseInet("::1").isLoopbackAddress());
        assertThrows(PgException.class, () -> PgTypes.parseInet("example.com"));
        assertThrows(PgException.class, () -> PgTypes.parseInet("cafe"), "hex letters without a colon are a name, not IPv4");
    }

    @Test
    void hstoreTextWithQuotesEscapesAndNulls() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("a", "1");
        m.put("b \"c\"", "x\\y");
        m.put("n", null);
        String text = PgCodecRegistry.hstore().encodeText(m);
        assertEquals("\"a\"=>\"1\", \"b \\\"c\\\"\"=>\"x\\\\y\", \"n\"=>NULL", text);
        assertEquals(m, PgCodecRegistry.hstore().decodeText(text));
        assertEquals(Map.of(), PgCodecRegistry.hstore().decodeText(""));
        assertThrows(PgException.class, () -> PgCodecRegistry.hstore().decodeText("\"a\"=\"b\""));
    }

    @Test
    void columnMetadataFromTypeModifiers() {
        assertEquals(10, new PgColumn("n", Oid.NUMERIC, 0, 0, (10 << 16 | 2) + 4, 0).precision());
        assertEquals(2, new PgColumn("n", Oid.NUMERIC, 0, 0, (10 << 16 | 2) + 4, 0).scale());
        assertEquals(20, new PgColumn("v", Oid.VARCHAR, 0, 0, 24, 0).length());
        assertEquals(-1, new PgColumn("v", Oid.VARCHAR, 0, 0, -1, 0).length());
        assertEquals("_int4", new PgColumn("a", Oid.INT4_ARRAY, 0, 0, -1, 0).typeName());
        assertEquals("unknown", new PgColumn("x", 16_385, 0, 0, -1, 0).typeName());
    }
}
