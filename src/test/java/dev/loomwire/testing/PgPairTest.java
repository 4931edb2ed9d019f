package dev.loomwire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The primary/standby pairs replicate over TLS, the standby is a hot standby, the versions are right. */
class PgPairTest {
    @ParameterizedTest
    @ValueSource(ints = {15, 18})
    void standbyStreamsFromPrimaryOverTlsAndServesReads(int major) {
        PgPair pair = TestServers.pgPair(major);
        assertEquals(major, pair.primary().majorVersion());
        assertEquals(List.of("f"), pair.primary().psql("postgres", "SELECT pg_is_in_recovery()"));
        assertEquals(List.of("t"), pair.standby().psql("postgres", "SELECT pg_is_in_recovery()"));
        assertEquals(List.of("t"), pair.primary().psql("postgres",
                "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_replication USING (pid) WHERE application_name = 'standby'"));
        String table = "pair_check_" + System.nanoTime();
        pair.primary().psql("loomwire", "BEGIN; CREATE TABLE " + table + " (v int); INSERT INTO " + table
                + " VALUES (42); COMMIT");
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> seen;
        do {
            seen = pair.standby().psql("loomwire", "SELECT count(*) FROM pg_class WHERE relname = '" + table + "'");
        } while (seen.equals(List.of("0")) && System.nanoTime() < deadline);
        assertEquals(List.of("1"), seen, "the table never reached the standby");
        assertEquals(List.of("42"), pair.standby().psql("loomwire", "SELECT v FROM " + table));
        pair.primary().psql("loomwire", "DROP TABLE " + table);
    }
}
