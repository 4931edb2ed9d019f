package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.pg.PgNoSuitableHostException.Reason;
import dev.loomwire.testing.PgPair;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Multi-host connection strings against real primary + streaming standby pairs (PostgreSQL 15
 * and 18): target_session_attrs as libpq decides it, the host walk, its failures and TLS per host.
 */
class PgHighAvailabilityTest {
    @TempDir
    Path tmp;

    private static String conninfo(String hostsAndPorts, String extra) {
        return hostsAndPorts + " user=" + PgServer.USER + " password=" + PgServer.PASSWORD
                + " dbname=loomwire connect_timeout=5 sslmode=verify-full sslrootcert=" + PgTests.cert("ca.crt") + " " + extra;
    }

    private static PgConnection connect(PgPair pair, String extra, PgServer... order) {
        return PgConnection.connect(PgTests.config(conninfo(pair.hostsAndPorts(order), extra)));
    }

    private static int serverPort(PgConnection c) {
        return c.query("SELECT inet_server_port()").rows().get(0).getInt(0);
    }

    /** A port nothing listens on. */
    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 18})
    void targetSessionAttrsPicksTheServerLibpqWould(int major) {
        PgPair pair = TestServers.pgPair(major);
        PgServer primary = pair.primary();
        PgServer standby = pair.standby();
        Map<String, PgServer> standbyFirst = Map.of("any", standby, "read-write", primary, "read-only", standby,
                "primary", primary, "standby", standby, "prefer-standby", standby);
        Map<String, PgServer> primaryFirst = Map.of("any", primary, "read-write", primary, "read-only", standby,
                "primary", primary, "standby", standby, "prefer-standby", standby);
        for (var expected : List.of(standbyFirst, primaryFirst)) {
            PgServer[] order = expected == standbyFirst ? new PgServer[] {standby, primary} : new PgServer[] {primary, standby};
            for (Map.Entry<String, PgServer> e : expected.entrySet()) {
                try (PgConnection c = connect(pair, "target_session_attrs=" + e.getKey(), order)) {
                    assertEquals(e.getValue().port(), serverPort(c), e.getKey() + " with " + order[0] + " first");
                    assertEquals(e.getValue().port(), c.host().port(), "PgConnection.host() is the session's host entry");
                }
            }
        }
    }

    @Test
    void preferStandbyMakesItsSecondPassFromTheFirstHost() {
        PgServer first = TestServers.pg18();
        PgServer second = TestServers.pgPair(18).primary();
        String hosts = "host=127.0.0.1,127.0.0.1 port=" + first.port() + "," + second.port();
        try (PgConnection c = PgConnection.connect(PgTests.config(conninfo(hosts, "target_session_attrs=prefer-standby")))) {
            assertEquals(first.port(), serverPort(c), "no standby: libpq starts over from the first host and accepts it");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 18})
    void onlyStandbysUpWithReadWriteSaysSoForEachHost(int major) {
        PgServer standby = TestServers.pgPair(major).standby();
        String hosts = "host=127.0.0.1,localhost port=" + standby.port() + "," + standby.port();
        PgNoSuitableHostException e = assertThrows(PgNoSuitableHostException.class,
                () -> PgConnection.connect(PgTests.config(conninfo(hosts, "target_session_attrs=read-write"))));
        assertEquals(TargetSessionAttrs.READ_WRITE, e.targetSessionAttrs());
        assertEquals(List.of(Reason.WRONG_SERVER_TYPE, Reason.WRONG_SERVER_TYPE),
                e.failures().stream().map(PgNoSuitableHostException.Failure::reason).toList());
        assertEquals("no server of the requested type (target_session_attrs=read-write): every host was reached, none"
                + " qualified\n  127.0.0.1:" + standby.port() + ": session is read-only\n  localhost:" + standby.port()
                + ": session is read-only", e.getMessage());
    }

    @Test
    void everyHostDownListsEachHostAndWhy() throws IOException {
        int a = deadPort();
        int b = deadPort();
        PgNoSuitableHostException e = assertThrows(PgNoSuitableHostException.class, () -> PgConnection.connect(
                PgTests.config(conninfo("host=127.0.0.1,127.0.0.1,no-such-host.invalid port=" + a + "," + b + ",5432",
                        "target_session_attrs=read-write"))));
        assertEquals(3, e.failures().size());
        assertTrue(e.failures().stream().allMatch(f -> f.reason() == Reason.UNREACHABLE), e.failures().toString());
        assertTrue(e.getMessage().startsWith("could not connect to any of 3 hosts (target_session_attrs=read-write)\n"),
                e.getMessage());
        assertTrue(e.getMessage().contains("\n  127.0.0.1:" + a + ": connection to server \"127.0.0.1\", port " + a
                + " failed: Connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("\n  127.0.0.1:" + b + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("\n  no-such-host.invalid:5432: could not translate host name"), e.getMessage());
    }

    @Test
    void preferStandbysSecondPassTriesEveryHostAgainFromTheFirst() throws IOException {
        int a = deadPort();
        int b = deadPort();
        PgNoSuitableHostException e = assertThrows(PgNoSuitableHostException.class, () -> PgConnection.connect(
                PgTests.config(conninfo("host=127.0.0.1,127.0.0.1 port=" + a + "," + b, "target_session_attrs=prefer-standby"))));
        assertEquals(List.of(a, b, a, b), e.failures().stream().map(f -> f.host().port()).toList(),
                "libpq's second pass (SERVER_TYPE_PREFER_STANDBY_PASS2) restarts from the first host, unreachable ones included");
        assertTrue(e.failures().stream().allMatch(f -> f.reason() == Reason.UNREACHABLE), e.failures().toString());
    }

    @Test
    void preferStandbysSecondPassRetriesAHostUnreachableInTheFirst() throws IOException {
        int dead = deadPort();
        PgServer primary = TestServers.pgPair(18).primary();
        List<String> tcp = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.loomwire.net.ConnectListener<dev.loomwire.pg.protocol.BackendMessage> listener = new dev.loomwire.net.ConnectListener<>() {
            @Override
            public void phaseStarted(dev.loomwire.error.ConnectPhase phase, String target) {
                if (phase == dev.loomwire.error.ConnectPhase.TCP) {
                    tcp.add(target);
                }
            }
        };
        String hosts = "host=127.0.0.1,127.0.0.1 port=" + dead + "," + primary.port();
        try (PgConnection c = PgConnection.connect(PgTests.config(conninfo(hosts, "target_session_attrs=prefer-standby")),
                listener)) {
            assertEquals(primary.port(), c.host().port(), "pass 2 accepts the primary");
        }
        String s = "127.0.0.1:";
        assertEquals(List.of(s + dead, s + primary.port(), s + dead, s + primary.port()), tcp,
                "pass 1 tries both; pass 2 starts over at the first host, although it was unreachable in pass 1");
    }

    @Test
    void aDownHostIsSkippedAndTheNextOneServes() throws IOException {
        PgServer primary = TestServers.pgPair(18).primary();
        String hosts = "host=127.0.0.1,127.0.0.1 port=" + deadPort() + "," + primary.port();
        try (PgConnection c = PgConnection.connect(PgTests.config(conninfo(hosts, "")))) {
            assertEquals(primary.port(), serverPort(c));
        }
    }

    @Test
    void authenticationFailureStopsTheWalk() {
        PgServer first = TestServers.pgPair(18).primary();
        PgServer second = TestServers.pg18();
        String hosts = "host=127.0.0.1,127.0.0.1 port=" + first.port() + "," + second.port();
        String before = second.log();
        PgServerException e = assertThrows(PgServerException.class, () -> PgConnection.connect(
                PgTests.config(conninfo(hosts, "password=wrong"))));
        assertEquals("28P01", e.sqlState());
        assertTrue(e instanceof PgAuthenticationException, e.getClass().getName());
        assertEquals(before.length(), second.log().length(), "libpq does not try the next host after an authentication failure");
    }

    @Test
    void connectTimeoutIsPerHost() throws Exception {
        PgServer primary = TestServers.pgPair(18).primary();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String hosts = "host=127.0.0.1,127.0.0.1 port=" + silent.getLocalPort() + "," + primary.port();
            long t0 = System.nanoTime();
            try (PgConnection c = PgConnection.connect(PgTests.config(conninfo(hosts, "connect_timeout=2")))) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(primary.port(), serverPort(c));
                assertTrue(ms >= 1900 && ms < 10_000, "the silent host costs its own 2 s, then the next host gets its own: " + ms);
            }
        }
    }

    @Test
    void tlsVerifiesEachEntrysOwnHostNameNeverItsHostaddr() {
        PgPair pair = TestServers.pgPair(18);
        String p = pair.standby().port() + "," + pair.primary().port();
        String ok = "host=localhost,localhost hostaddr=127.0.0.1,127.0.0.1 port=" + p;
        try (PgConnection c = PgConnection.connect(PgTests.config(conninfo(ok, "target_session_attrs=read-write")))) {
            assertEquals(pair.primary().port(), serverPort(c));
            assertEquals("localhost", c.tls().orElseThrow().session().sniSent());
        }
        String second = "host=localhost,db.example.invalid hostaddr=127.0.0.1,127.0.0.1 port=" + p;
        PgConnectionException e = assertThrows(PgConnectionException.class, () -> PgConnection.connect(
                PgTests.config(conninfo(second, "target_session_attrs=read-write"))));
        assertTrue(e.getMessage().contains("db.example.invalid"), e.getMessage());
        assertTrue(e.getCause() instanceof TlsException t && t.kind() == TlsException.Kind.HOST_MISMATCH, String.valueOf(e.getCause()));
    }

    @Test
    void cancelGoesToTheHostTheSessionIsOn() throws Exception {
        PgPair pair = TestServers.pgPair(18);
        try (PgConnection c = connect(pair, "target_session_attrs=read-write", pair.standby(), pair.primary())) {
            assertEquals(pair.primary().port(), c.host().port());
            CompletableFuture<Object> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.query("SELECT pg_sleep(30)");
                } catch (PgException e) {
                    return e;
                }
            }, r -> Thread.ofVirtual().start(r));
            Thread.sleep(300);
            c.cancel();
            assertTrue(sleeping.get(10, TimeUnit.SECONDS) instanceof PgQueryCanceledException);
        }
    }

    @Test
    void loadBalanceHostsRandomUsesEveryHost() {
        PgPair pair = TestServers.pgPair(18);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 30 && seen.size() < 2; i++) {
            try (PgConnection c = connect(pair, "load_balance_hosts=random", pair.primary(), pair.standby())) {
                seen.add(c.host().port());
            }
        }
        assertEquals(Set.of(pair.primary().port(), pair.standby().port()), seen);
    }

    @Test
    void uriFormAndServiceFileReachTheRightServer() throws IOException {
        PgPair pair = TestServers.pgPair(15);
        String uri = "postgresql://" + PgServer.USER + ":" + PgServer.PASSWORD + "@127.0.0.1:" + pair.standby().port()
                + ",127.0.0.1:" + pair.primary().port() + "/loomwire?target_session_attrs=primary&sslmode=verify-full"
                + "&sslrootcert=" + PgTests.cert("ca.crt");
        try (PgConnection c = PgConnection.connect(PgTests.config(uri))) {
            assertEquals(pair.primary().port(), serverPort(c));
        }
        Path file = tmp.resolve("pg_service.conf");
        Files.writeString(file, "[ha]\n" + pair.hostsAndPorts(pair.primary(), pair.standby()).replace(" ", "\n")
                + "\ntarget_session_attrs=standby\ndbname=loomwire\nuser=" + PgServer.USER + "\n");
        Map<String, String> env = new HashMap<>(PgTests.cleanEnv());
        env.put("PGSERVICEFILE", file.toString());
        env.put("PGPASSWORD", PgServer.PASSWORD);
        PgConfig cfg = PgConfig.builder().environment(env).conninfo("service=ha sslmode=verify-full sslrootcert="
                + PgTests.cert("ca.crt")).build();
        try (PgConnection c = PgConnection.connect(cfg)) {
            assertEquals(pair.standby().port(), serverPort(c));
            assertFalse(c.query("SELECT pg_is_in_recovery()").rows().get(0).getString(0).equals("f"));
        }
    }

    @Test
    void serviceNamingAMissingServiceOrFileFails() {
        Map<String, String> env = new HashMap<>(PgTests.cleanEnv());
        env.put("PGSERVICEFILE", tmp.resolve("absent.conf").toString());
        PgConfigException e = assertThrows(PgConfigException.class,
                () -> PgConfig.builder().environment(env).conninfo("service=ha").build());
        assertEquals("service file \"" + tmp.resolve("absent.conf") + "\" not found (PGSERVICEFILE)", e.getMessage());
        e = assertThrows(PgConfigException.class,
                () -> PgConfig.builder().environment(PgTests.cleanEnv()).conninfo("service=nowhere").build());
        assertTrue(e.getMessage().startsWith("definition of service \"nowhere\" not found"), e.getMessage());
    }

    @Test
    void connectListenerSeesEachPhaseOfEachHost() throws IOException {
        PgPair pair = TestServers.pgPair(18);
        int dead = deadPort();
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.loomwire.net.ConnectListener<dev.loomwire.pg.protocol.BackendMessage> listener = new dev.loomwire.net.ConnectListener<>() {
            @Override
            public void phaseSucceeded(dev.loomwire.error.ConnectPhase phase, String target, Duration took, String detail) {
                events.add(phase + " ok " + target);
            }

            @Override
            public void phaseFailed(dev.loomwire.error.ConnectPhase phase, String target, Duration took, Exception failure) {
                events.add(phase + " failed " + target);
            }

            @Override
            public void received(dev.loomwire.pg.protocol.BackendMessage message) {
                if (message instanceof dev.loomwire.pg.protocol.BackendMessage.ParameterStatus p
                        && p.name().equals("in_hot_standby")) {
                    events.add("in_hot_standby=" + p.value());
                }
            }
        };
        String hosts = "host=127.0.0.1,127.0.0.1,127.0.0.1 port=" + dead + "," + pair.standby().port() + "," + pair.primary().port();
        PgConfig cfg = PgTests.config(conninfo(hosts, "target_session_attrs=read-write"));
        try (PgConnection c = PgConnection.connect(cfg, listener)) {
            assertEquals(pair.primary().port(), c.host().port());
        }
        String s = "127.0.0.1:";
        assertEquals(List.of("DNS ok " + s + dead, "TCP failed " + s + dead,
                "DNS ok " + s + pair.standby().port(), "TCP ok " + s + pair.standby().port(),
                "SSL_REQUEST ok " + s + pair.standby().port(), "TLS ok " + s + pair.standby().port(),
                "in_hot_standby=on", "AUTH ok " + s + pair.standby().port(),
                "DNS ok " + s + pair.primary().port(), "TCP ok " + s + pair.primary().port(),
                "SSL_REQUEST ok " + s + pair.primary().port(), "TLS ok " + s + pair.primary().port(),
                "in_hot_standby=off", "AUTH ok " + s + pair.primary().port(), "READY ok " + s + pair.primary().port()),
                events);
    }
}
