package dev.loomwire.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsSockets;
import dev.loomwire.tls.TlsVerification;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * {@code ./loomwire demo}: starts the local test servers and talks TLS to each, verifying
 * {@code server.crt} against {@code ca.crt} and the host name "localhost" through loomwire's TLS
 * layer (PostgreSQL after an SSLRequest); it will switch to loomwire's drivers.
 * The servers stop when it exits, also on Ctrl-C.
 */
public final class Demo {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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

        TlsConfig verifyFull = TlsConfig.builder().verification(TlsVerification.FULL)
                .trustPemFile(TestCerts.file("ca.crt")).build();
        for (PgServer pg : pgs) {
            Socket plain = RawTls.plainPostgresAfterSslRequest(pg.host(), pg.port());
            try (Socket tls = TlsSockets.layer(plain, "localhost", pg.port(), verifyFull, TIMEOUT).socket()) {
                System.out.printf("%s: SSLRequest answered 'S'; %s%n", pg, RawTls.describe((SSLSocket) tls));
            }
        }
        try (SSLSocket tls = layer(redis.host(), redis.tlsPort(), verifyFull)) {
            String pong = RawTls.redisCommand(tls, "PING");
            System.out.printf("%s: PING -> %s; %s%n", redis, pong, RawTls.describe(tls));
        }
        TlsConfig withClientCert = verifyFull.toBuilder().clientKeyStore(TestCerts.file("client.p12"), TestCerts.password()).build();
        try (SSLSocket tls = layer(redisMtls.host(), redisMtls.tlsPort(), withClientCert)) {
            String pong = RawTls.redisCommand(tls, "PING");
            System.out.printf("%s with client.p12: PING -> %s; %s%n", redisMtls, pong, RawTls.describe(tls));
        }
    }

    private static SSLSocket layer(String host, int port, TlsConfig config) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
        return TlsSockets.layer(plain, "localhost", port, config, TIMEOUT).socket();
    }
}
