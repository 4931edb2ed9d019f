package dev.loomwire.pg;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.Libpq;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.PgServerTls;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server-certificate checks of docs/libpq-parity.md, each run against PostgreSQL 15 and 18
 * serving the certificate in question, with loomwire and with libpq itself (psql) on the same
 * connection string: both must connect, or both refuse (loomwire with the category given).
 */
class PgLibpqParityTest {
    @TempDir
    static Path tmp;

    /** A server certificate, a connection-string tail, and the verdict libpq gives (null = connects). */
    record Case(String note, String extra, TlsException.Kind refusal) {}

    static List<PgServer> servers() {
        return TestServers.allPg();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("servers")
    void hostNamesFollowLibpq(PgServer pg) {
        Map<String, List<Case>> byCertificate = new LinkedHashMap<>();
        byCertificate.put("server-cn-only", List.of(
                new Case("no SANs: the CN is the name", "host=localhost", null),
                new Case("no SANs: an IP host is compared with the CN", "host=127.0.0.1", TlsException.Kind.HOST_MISMATCH)));
        byCertificate.put("server-cn-ip", List.of(
                new Case("an IP host matches a CN spelling it (the JDK never looks at the CN for an IP)", "host=127.0.0.1", null),
                new Case("CN 127.0.0.1 is not localhost", "host=localhost", TlsException.Kind.HOST_MISMATCH)));
        byCertificate.put("server-dns-cn-ip", List.of(
                new Case("dNSName SANs but no iPAddress SAN: an IP host still checks the CN", "host=127.0.0.1", null),
                new Case("a DNS host checks the dNSName SAN", "host=localhost", null)));
        byCertificate.put("server-dns-ip", List.of(
                new Case("a dNSName SAN spelling the IP matches an IP host", "host=127.0.0.1", null)));
        byCertificate.put("server-iponly", List.of(
                new Case("iPAddress SAN", "host=127.0.0.1", null),
                new Case("no dNSName SAN: a DNS host checks the CN (127.0.0.1)", "host=localhost", TlsException.Kind.HOST_MISMATCH)));
        byCertificate.put("server-dnsonly", List.of(
                new Case("no iPAddress SAN: an IP host checks the CN (localhost)", "host=127.0.0.1", TlsException.Kind.HOST_MISMATCH)));
        byCertificate.put("server-wildcard", List.of(
                new Case("*. matches one label", "host=db.loomwire.test", null),
                new Case("names compare case-insensitively", "host=DB.Loomwire.TEST", null),
                new Case("*. does not match the bare domain", "host=loomwire.test", TlsException.Kind.HOST_MISMATCH),
                new Case("*. does not match two labels", "host=a.b.loomwire.test", TlsException.Kind.HOST_MISMATCH),
                new Case("a partial wildcard db*. is no wildcard (the JDK accepts it)", "host=db1.partial.test", TlsException.Kind.HOST_MISMATCH)));
        byCertificate.put("server", List.of(
                new Case("a trailing dot is compared too (the JDK ignores it)", "host=localhost.", TlsException.Kind.HOST_MISMATCH),
                new Case("inet_aton short form 127.1 is the IP 127.0.0.1", "host=127.1", null),
                new Case("IPv6 host against IP SAN ::1 over an IPv4 socket", "host=::1", null)));
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, List<Case>> e : byCertificate.entrySet()) {
            boolean served = !e.getKey().equals("server"); // server.crt is what the test servers serve anyway
            try (var swap = served ? PgServerTls.serve(pg, e.getKey() + ".crt", e.getKey() + ".key") : null) {
                for (Case c : e.getValue()) {
                    check(pg, e.getKey(), c, "sslmode=verify-full sslrootcert=" + cert("ca.crt"), mismatches);
                }
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("servers")
    void trustAnchorsMustBeSelfSignedAsInLibpq(PgServer pg) throws IOException {
        Path bundle = tmp.resolve("root-and-intermediate.crt");
        Files.writeString(bundle, Files.readString(TestCerts.file("ca.crt")) + Files.readString(TestCerts.file("intermediate.crt")));
        List<String> mismatches = new ArrayList<>();
        try (var served = PgServerTls.serve(pg, "server-chain.crt", "server-intermediate.key")) {
            for (Case c : List.of(
                    new Case("the root that issued the intermediate", "sslmode=verify-ca sslrootcert=" + cert("ca.crt"), null),
                    new Case("an intermediate alone is no trust anchor", "sslmode=verify-ca sslrootcert=" + cert("intermediate.crt"),
                            TlsException.Kind.UNTRUSTED),
                    new Case("require with a root certificate file verifies like verify-ca",
                            "sslmode=require sslrootcert=" + cert("intermediate.crt"), TlsException.Kind.UNTRUSTED),
                    new Case("verify-full, intermediate alone", "sslmode=verify-full sslrootcert=" + cert("intermediate.crt"),
                            TlsException.Kind.UNTRUSTED),
                    new Case("root and intermediate in one file", "sslmode=verify-full sslrootcert=" + bundle, null))) {
                check(pg, "server-chain", c, "host=localhost", mismatches);
            }
        }
        try (var served = PgServerTls.serve(pg, "server-intermediate.crt", "server-intermediate.key")) {
            check(pg, "server-intermediate (leaf only)", new Case("the intermediate comes from sslrootcert",
                    "sslmode=verify-full sslrootcert=" + bundle, null), "host=localhost", mismatches);
        }
        assertEquals(List.of(), mismatches);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("servers")
    void crlsCoverTheWholeChainAsInLibpq(PgServer pg) {
        List<String> mismatches = new ArrayList<>();
        String root = "host=localhost sslmode=verify-full sslrootcert=" + cert("ca.crt");
        try (var served = PgServerTls.serve(pg, "server-chain.crt", "server-intermediate.key")) {
            check(pg, "server-chain", new Case("the intermediate's CRL is missing", "sslcrl=" + cert("ca.crl"),
                    TlsException.Kind.REVOCATION_UNKNOWN), root, mismatches);
            check(pg, "server-chain", new Case("CRLs of root and intermediate", "sslcrl=" + cert("crl-chain.crl"), null),
                    root, mismatches);
        }
        check(pg, "server", new Case("leaf issued by the root, root's CRL", "sslcrl=" + cert("ca.crl"), null), root, mismatches);
        try (var served = PgServerTls.serve(pg, "server-revoked.crt", "server-revoked.key")) {
            check(pg, "server-revoked", new Case("listed in the root's CRL", "sslcrl=" + cert("ca.crl"),
                    TlsException.Kind.REVOKED), root, mismatches);
        }
        assertEquals(List.of(), mismatches);
    }

    /** Connects with loomwire and with psql; notes any verdict that differs from the expected one. */
    private static void check(PgServer pg, String certificate, Case c, String tls, List<String> mismatches) {
        String conninfo = "hostaddr=" + pg.host() + " port=" + pg.port() + " user=" + PgServer.USER + " password="
                + PgServer.PASSWORD + " dbname=loomwire connect_timeout=20 " + tls + " " + c.extra();
        Libpq.Outcome libpq = Libpq.connect(conninfo, PgTests.cleanEnv());
        TlsException.Kind ours = null;
        String ourMessage = "connected";
        try (PgConnection conn = PgConnection.connect(PgTests.config(conninfo))) {
            conn.query("SELECT 1");
        } catch (PgConnectionException e) {
            ours = tlsKind(e);
            ourMessage = e.getMessage();
            if (ours == null) {
                mismatches.add(certificate + ", " + c.extra() + ": not a TLS failure: " + e.getMessage());
                return;
            }
        }
        String what = certificate + ", " + c.extra() + " (" + c.note() + ")";
        if (libpq.connected() != (c.refusal() == null)) {
            mismatches.add(what + ": libpq " + (libpq.connected() ? "connected" : "refused: " + libpq.error())
                    + ", expected " + (c.refusal() == null ? "to connect" : "a refusal"));
        }
        if (ours != c.refusal()) {
            mismatches.add(what + ": loomwire " + ourMessage + " (" + ours + "), expected " + (c.refusal() == null ? "to connect" : c.refusal()));
        }
    }

    static TlsException.Kind tlsKind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsException te) {
                return te.kind();
            }
        }
        return null;
    }

    private static String cert(String name) {
        return TestCerts.file(name).toString();
    }
}
