package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host lists, target_session_attrs, load_balance_hosts and service files, as libpq reads them. */
class PgMultiHostConfigTest {
    @TempDir
    Path home;

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("HOME", home.toString(), "USER", "osuser"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private PgConfig parse(String s, String... env) {
        return PgConfig.parse(s, env(env));
    }

    private static PgHost host(String name, int port) {
        return new PgHost(Optional.of(name), Optional.empty(), port);
    }

    @Test
    void keywordFormHostListWithOnePortForAllOrOnePerHost() {
        assertEquals(List.of(host("a", 6000), host("b", 6000), host("c", 6000)),
                parse("host=a,b,c port=6000").hosts());
        assertEquals(List.of(host("a", 5432), host("b", 5433), host("c", 5432)),
                parse("host=a,b,c port=5432,5433,").hosts());
        assertEquals(List.of(host("a", 5432), host("b", 5432)), parse("host=a,b").hosts());
    }

    @Test
    void uriFormHostList() {
        PgConfig c = parse("postgresql://u@a:5432,b:5433,[::1]:5434/db?target_session_attrs=read-write");
        assertEquals(List.of(host("a", 5432), host("b", 5433), host("::1", 5434)), c.hosts());
        assertEquals("db", c.database());
        assertEquals(TargetSessionAttrs.READ_WRITE, c.targetSessionAttrs());
        assertEquals(List.of(host("a", 5432), host("b", 6543)), parse("postgresql://a,b:6543/db").hosts());
    }

    @Test
    void hostaddrListPairsWithHostNames() {
        PgConfig c = parse("host=db1,db2 hostaddr=10.0.0.1,10.0.0.2 port=1,2");
        assertEquals(new PgHost(Optional.of("db1"), Optional.of("10.0.0.1"), 1), c.hosts().get(0));
        assertEquals(new PgHost(Optional.of("db2"), Optional.of("10.0.0.2"), 2), c.hosts().get(1));
        PgConfig second = c.forHost(c.hosts().get(1));
        assertEquals("db2", second.host());
        assertEquals("10.0.0.2", second.hostaddr());
        assertEquals(2, second.port());
        assertEquals(List.of(new PgHost(Optional.empty(), Optional.of("10.0.0.1"), 5432),
                new PgHost(Optional.empty(), Optional.of("10.0.0.2"), 5432)), parse("hostaddr=10.0.0.1,10.0.0.2").hosts());
    }

    @Test
    void environmentGivesListsToo() {
        PgConfig c = parse("", "PGHOST", "a,b", "PGPORT", "1,2", "PGTARGETSESSIONATTRS", "standby",
                "PGLOADBALANCEHOSTS", "random");
        assertEquals(List.of(host("a", 1), host("b", 2)), c.hosts());
        assertEquals(TargetSessionAttrs.STANDBY, c.targetSessionAttrs());
        assertEquals(LoadBalanceHosts.RANDOM, c.loadBalanceHosts());
    }

    @Test
    void everyTargetSessionAttrsValueParses() {
        for (TargetSessionAttrs t : TargetSessionAttrs.values()) {
            assertEquals(t, parse("target_session_attrs=" + t.keyword()).targetSessionAttrs());
        }
        assertEquals(TargetSessionAttrs.ANY, parse("").targetSessionAttrs());
        assertEquals(LoadBalanceHosts.DISABLE, parse("").loadBalanceHosts());
    }

    @Test
    void mismatchedCountsNameTheParameters() {
        PgConfigException e = assertThrows(PgConfigException.class, () -> parse("host=a,b,c port=1,2"));
        assertEquals("could not match 2 port numbers to 3 hosts (port)", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("host=a,b hostaddr=10.0.0.1"));
        assertEquals("could not match 2 host names to 1 hostaddr values (host, hostaddr)", e.getMessage());
        assertEquals(List.of(host("a", 7), host("b", 7)), parse("postgresql://a:1,b:2/db?port=7").hosts(),
                "a later port parameter replaces the list");
    }

    @Test
    void emptyHostEntriesAreRefused() {
        PgConfigException e = assertThrows(PgConfigException.class, () -> parse("host=a,,b"));
        assertEquals("host: entry 2 of 3 is empty (name a host; Unix-domain sockets are not supported)", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("host=a, port=1,2"));
        assertTrue(e.getMessage().startsWith("host: entry 2 of 2 is empty"), e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("port=1,x"));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void misspelledValuesNameTheParameterAndTheChoices() {
        PgConfigException e = assertThrows(PgConfigException.class, () -> parse("host=a,b target_session_attrs=read_write"));
        assertEquals("conninfo: invalid target_session_attrs value \"read_write\" (one of any, read-write, read-only,"
                + " primary, standby, prefer-standby) at position 9", e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("", "PGTARGETSESSIONATTRS", "master"));
        assertTrue(e.getMessage().startsWith("environment variable PGTARGETSESSIONATTRS: invalid target_session_attrs"),
                e.getMessage());
        e = assertThrows(PgConfigException.class, () -> parse("load_balance_hosts=true"));
        assertTrue(e.getMessage().contains("invalid load_balance_hosts value \"true\" (one of disable, random)"),
                e.getMessage());
    }

    @Test
    void serviceFileFromPgServiceFileThenSysconfdirThenHome() throws Exception {
        Path file = home.resolve("services.conf");
        Files.writeString(file, "# comment\n[other]\nhost=x\n\n[ha]\nhost=a,b\nport=1,2\ntarget_session_attrs=read-write\n"
                + "dbname=fromservice\n");
        PgConfig c = parse("service=ha dbname=explicit", "PGSERVICEFILE", file.toString(), "PGDATABASE", "fromenv");
        assertEquals(List.of(host("a", 1), host("b", 2)), c.hosts());
        assertEquals(TargetSessionAttrs.READ_WRITE, c.targetSessionAttrs());
        assertEquals("explicit", c.database(), "the connection string wins over the service");
        assertEquals("fromservice", parse("service=ha", "PGSERVICEFILE", file.toString(), "PGDATABASE", "fromenv")
                .database(), "the service wins over the environment");

        Path sysconf = Files.createDirectories(home.resolve("etc"));
        Files.writeString(sysconf.resolve("pg_service.conf"), "[sys]\nhost=sysdb\n");
        assertEquals("sysdb", parse("", "PGSERVICE", "sys", "PGSYSCONFDIR", sysconf.toString()).host());

        Files.writeString(home.resolve(".pg_service.conf"), "[mine]\nport=7777\n");
        assertEquals(7777, parse("service=mine").port());
    }

    @Test
    void missingServiceOrServiceFileIsNamed() throws Exception {
        PgConfigException e = assertThrows(PgConfigException.class, () -> parse("service=nope"));
        assertEquals("definition of service \"nope\" not found (service; searched " + home.resolve(".pg_service.conf")
                + ")", e.getMessage());
        Path missing = home.resolve("no-such.conf");
        e = assertThrows(PgConfigException.class, () -> parse("service=ha", "PGSERVICEFILE", missing.toString()));
        assertEquals("service file \"" + missing + "\" not found (PGSERVICEFILE)", e.getMessage());
        Path bad = home.resolve("bad.conf");
        Files.writeString(bad, "[ha]\ntarget_session_attrs=writable\n");
        e = assertThrows(PgConfigException.class, () -> parse("service=ha", "PGSERVICEFILE", bad.toString()));
        assertTrue(e.getMessage().startsWith("service \"ha\": invalid target_session_attrs value \"writable\""),
                e.getMessage());
    }

    @Test
    void toStringListsTheHostsWithoutPasswords() {
        String s = parse("host=a,b port=1,2 password=secret target_session_attrs=primary").toString();
        assertTrue(s.contains("hosts=[a:1, b:2], target_session_attrs=primary"), s);
        assertTrue(!s.contains("secret"), s);
    }
}
