package dev.loomwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomwire.testing.PgPair;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code probe} with several hosts: each host's verdict, and the host target_session_attrs would pick. */
class ProbeHostsTest {
    private static String hosts(int... ports) {
        StringBuilder p = new StringBuilder();
        for (int port : ports) {
            p.append(p.isEmpty() ? "" : ",").append(port);
        }
        return "host=" + "localhost,".repeat(ports.length - 1) + "localhost port=" + p + " user=loomwire sslmode=verify-full"
                + " sslrootcert=" + TestCerts.file("ca.crt");
    }

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachHostsVerdictAndThePickOfTargetSessionAttrs() throws IOException {
        PgPair pair = TestServers.pgPair(18);
        int dead = deadPort();
        int standby = pair.standby().port();
        int primary = pair.primary().port();
        Cli.Result r = Cli.run("probe", hosts(dead, standby, primary) + " dbname=trustdb target_session_attrs=read-write");
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("host 1 (localhost:" + dead + ")"), out);
        assertTrue(out.contains("host 2 (localhost:" + standby + ")") && out.contains("reachable, standby"), out);
        // the connector's own target_session_attrs check, with libpq's reason, decides the pick
        assertTrue(out.contains("standby (target_session_attrs=read-write passes it over: session is read-only)"), out);
        assertTrue(out.contains("host 3 (localhost:" + primary + ")") && out.contains("reachable, primary"), out);
        assertTrue(out.contains("result: target_session_attrs=read-write would pick host 3 (localhost:" + primary + "): primary"), out);

        Cli.Result standbyFirst = Cli.run("probe", hosts(primary, standby) + " dbname=trustdb target_session_attrs=prefer-standby");
        assertTrue(standbyFirst.out().contains("would pick host 2 (localhost:" + standby + "): standby"), standbyFirst.out());
    }

    @Test
    void aServerThatWantsAPasswordKeepsItsTypeToItself() {
        PgPair pair = TestServers.pgPair(18);
        Cli.Result r = Cli.run("probe", hosts(pair.standby().port(), pair.primary().port())
                + " dbname=loomwire target_session_attrs=primary");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("type unknown: the server asks for a password before it says"), r.out());
        assertTrue(r.out().contains("would FAIL: no host is known to qualify"), r.out());
    }
}
