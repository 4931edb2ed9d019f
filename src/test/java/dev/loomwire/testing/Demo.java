package dev.loomwire.testing;

import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgRow;
import dev.loomwire.pg.PgTlsInfo;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.tls.TlsSession;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./loomwire demo}: starts local TLS PostgreSQL 15 and 18 and Redis (the test servers, with
 * certificates from certs/generate.sh), talks to each through loomwire's drivers with full
 * verification ({@code sslmode=verify-full}, {@code rediss://...?sslverify=full}), prints the TLS
 * facts and a few results, then runs the programs in examples/ against the same servers. The
 * servers stop when it exits, also on Ctrl-C.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception | AssertionError e) {
            System.err.println("demo failed: " + e);
            System.exit(1);
        }
        System.out.println("\nstopping the servers");
        System.exit(0);
    }

    private static void run() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        System.out.println("starting PostgreSQL 15, PostgreSQL 18 and Redis (plain + TLS, mutual TLS) in parallel...");
        List<PgServer> pgs = TestServers.allPg();
        RedisServer redis = TestServers.redis();
        RedisServer redisMtls = TestServers.redisMtls();
        System.out.printf("all servers ready in %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());
        Map<String, Duration> times = new TreeMap<>(TestServers.startupTimes());
        times.forEach((name, d) -> System.out.printf("  %-11s %5d ms%n", name, d.toMillis()));

        String ca = TestCerts.file("ca.crt").toString();
        for (PgServer pg : pgs) {
            List<String> negotiations = pg.majorVersion() >= 17 ? List.of("postgres", "direct") : List.of("postgres");
            for (String negotiation : negotiations) {
                String conninfo = "host=localhost port=" + pg.port() + " dbname=loomwire user=" + PgServer.USER
                        + " password=" + PgServer.PASSWORD + " sslmode=verify-full sslrootcert=" + ca
                        + " sslnegotiation=" + negotiation;
                try (PgConnection c = PgConnection.connect(conninfo)) {
                    PgTlsInfo tls = c.tls().orElseThrow(() -> new AssertionError("PostgreSQL connection is not encrypted"));
                    heading("PostgreSQL " + c.serverVersion() + " at localhost:" + pg.port()
                            + " (sslmode=verify-full, sslnegotiation=" + negotiation + ")");
                    printTls(tls.session());
                    System.out.printf("  channel binding   %s%n", tls.channelBound() ? "SCRAM-SHA-256-PLUS" : "none");
                    PgRow row = c.query("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
                    System.out.printf("  pg_stat_ssl       ssl=%s version=%s cipher=%s%n", row.getString(0), row.getString(1), row.getString(2));
                    PgRow sum = c.query("SELECT sum(i)::int8, $1::text || ' over TLS' FROM generate_series(1, $2::int) i",
                            "hello", 1000).single();
                    System.out.printf("  query             sum(1..1000) = %d, %s%n", sum.getLong(0), sum.getString(1));
                }
            }
        }

        String redisUri = "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:" + redis.tlsPort()
                + "?sslverify=full&sslrootcert=" + enc(ca) + "&client_name=loomwire-demo";
        try (RedisConnection r = RedisConnection.connect(redisUri)) {
            heading("Redis " + r.serverVersion() + " at localhost:" + redis.tlsPort() + " (rediss://, sslverify=full, RESP" + r.protocol() + ")");
            printTls(r.tls().orElseThrow());
            r.set("demo:greeting", "hello over TLS");
            System.out.printf("  SET/GET           %s%n", r.get("demo:greeting"));
            System.out.printf("  INCR              %d%n", r.incr("demo:counter"));
        }
        String mtlsUri = "rediss://localhost:" + redisMtls.tlsPort() + "?sslverify=full&sslrootcert=" + enc(ca)
                + "&sslkeystore=" + enc(TestCerts.file("client.p12").toString()) + "&sslkeystorepassword=" + TestCerts.PASSWORD;
        try (RedisConnection r = RedisConnection.connect(mtlsUri)) {
            heading("Redis at localhost:" + redisMtls.tlsPort() + " requiring client certificates (tls-auth-clients yes)");
            printTls(r.tls().orElseThrow());
            System.out.printf("  client cert       client.p12 (CN=loomwire); PING -> %s%n", r.ping());
        }

        runExamples(pgs.get(pgs.size() - 1), redis, ca);
    }

    /** Runs each program in examples/ as its own JVM (single-file source launch) against the servers. */
    private static void runExamples(PgServer pg, RedisServer redis, String ca) throws IOException, InterruptedException {
        Path examples = TestCerts.baseDir().resolve("examples");
        String cert = TestCerts.file("client.crt").toString();
        String key = TestCerts.file("client.key").toString();
        String pgBase = "host=localhost port=" + pg.port() + " dbname=loomwire user=" + PgServer.USER;
        String pgWithPassword = pgBase + " password=" + PgServer.PASSWORD + " sslrootcert=" + ca;
        String rediss = "rediss://localhost:" + redis.tlsPort() + "?sslrootcert=" + enc(ca);
        RedisServer mtls = TestServers.redisMtls();
        Map<String, List<String>> argsByExample = new LinkedHashMap<>();
        argsByExample.put("PgVerifyFull.java", List.of(pgWithPassword, "-c",
                "SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        argsByExample.put("PgClientCert.java", List.of("host=localhost port=" + pg.port() + " dbname=certdb user="
                + PgServer.USER + " sslrootcert=" + ca + " sslcert=" + cert + " sslkey=" + key));
        argsByExample.put("PgDirectSsl.java", List.of(pgWithPassword));
        argsByExample.put("RedissExample.java", List.of(rediss));
        argsByExample.put("RedisMtlsPem.java", List.of("rediss://localhost:" + mtls.tlsPort() + "?sslrootcert=" + enc(ca)
                + "&sslcert=" + enc(cert) + "&sslkey=" + enc(key)));
        argsByExample.put("RedisPipelinePubSub.java", List.of(rediss, "1000"));
        argsByExample.put("ThousandsOfVirtualThreads.java", List.of(pgWithPassword + " sslmode=verify-full", rediss, "2000", "8"));
        argsByExample.put("OneLiner.java", List.of("postgresql://" + PgServer.USER + ":" + PgServer.PASSWORD + "@localhost:"
                + pg.port() + "/loomwire?sslmode=verify-full&sslrootcert=" + enc(ca), "SELECT 'one line, over ' || version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
        for (var e : argsByExample.entrySet()) {
            Path source = examples.resolve(e.getKey());
            if (!Files.isRegularFile(source)) {
                continue;
            }
            heading("examples/" + e.getKey());
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), source.toString()));
            cmd.addAll(e.getValue());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("examples/" + e.getKey() + " did not finish within 60 s");
            }
            out.lines().forEach(line -> System.out.println("  " + line));
            if (p.exitValue() != 0) {
                throw new AssertionError("examples/" + e.getKey() + " exited with " + p.exitValue());
            }
        }
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println(title);
    }

    private static void printTls(TlsSession tls) {
        X509Certificate leaf = tls.peerCertificate();
        System.out.printf("  TLS               %s, %s, handshake %d ms%s%n", tls.protocol(), tls.cipherSuite(),
                tls.handshakeTime().toMillis(), tls.alpn() == null ? "" : ", ALPN " + tls.alpn());
        System.out.printf("  server cert       %s, SNI %s%n", leaf.getSubjectX500Principal().getName(),
                tls.sniSent() == null ? "(none)" : tls.sniSent());
        System.out.printf("  signed by         %s (valid until %s)%n", leaf.getIssuerX500Principal().getName(),
                leaf.getNotAfter().toInstant());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
