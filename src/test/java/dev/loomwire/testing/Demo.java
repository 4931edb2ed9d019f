package dev.loomwire.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * {@code ./loomwire demo}: starts the local test servers and talks TLS to each, verifying
 * {@code server.crt} against {@code ca.crt} and the host name "localhost". For now it uses the
 * JDK's TLS directly (PostgreSQL after an SSLRequest); it will switch to loomwire's drivers.
 * The servers stop when it exits, also on Ctrl-C.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception | AssertionError e) {
            System.err.println("demo failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("stopping the servers");
        System.exit(0);
    }

    private static void run() throws IOException {
        long t0 = System.nanoTime();
        System.out.println("starting PostgreSQL 15, PostgreSQL 18 and Redis (plain + TLS, mutual TLS) in parallel...");
        var pgs = TestServers.allPg();
        RedisServer redis = TestServers.redis();
        RedisServer redisMtls = TestServers.redisMtls();
        System.out.printf("all servers ready in %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());
        Map<String, Duration> times = new TreeMap<>(TestServers.startupTimes());
        times.forEach((name, d) -> System.out.printf("  %-11s %5d ms%n", name, d.toMillis()));

        SSLContext trustCa = RawTls.context(TestCerts.file("ca.crt"), null, null);
        for (PgServer pg : pgs) {
            try (SSLSocket tls = RawTls.connectPostgres(trustCa, pg.host(), pg.port(), "localhost")) {
                System.out.printf("%s: SSLRequest answered 'S'; %s%n", pg, RawTls.describe(tls));
            }
        }
        try (SSLSocket tls = RawTls.connect(trustCa, redis.host(), redis.tlsPort(), "localhost")) {
            String pong = RawTls.redisCommand(tls, "PING");
            System.out.printf("%s: PING -> %s; %s%n", redis, pong, RawTls.describe(tls));
        }
        SSLContext withClientCert = RawTls.context(TestCerts.file("ca.crt"), TestCerts.file("client.p12"), TestCerts.password());
        try (SSLSocket tls = RawTls.connect(withClientCert, redisMtls.host(), redisMtls.tlsPort(), "localhost")) {
            String pong = RawTls.redisCommand(tls, "PING");
            System.out.printf("%s with client.p12: PING -> %s; %s%n", redisMtls, pong, RawTls.describe(tls));
        }
    }
}
