package dev.loomwire.bench;

import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import dev.loomwire.tls.PemFiles;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSockets;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS alone: the cost of TCP connect + TLS handshake against Redis servers holding an RSA-2048
 * and an ECDSA P-256 certificate, with and without session resumption; and the bulk rate of
 * AES-GCM (and ChaCha20) through a JDK SSLSocket into a loopback JDK SSLServerSocket sink; and
 * the TLS layer's own cost per request/reply (CPU and bytes allocated per round trip) through the
 * SSLSocket the drivers use and through the {@link EngineTlsSocket} SSLEngine prototype, next to
 * plain TCP (issue 12 item 3; docs/tls-design.md section 7).
 */
final class TlsSuite {
    static final Scenario HANDSHAKE_RSA = new Scenario("tls", "connect + handshake, RSA-2048 cert", "µs", false, 150, 40);
    static final Scenario HANDSHAKE_EC = new Scenario("tls", "connect + handshake, ECDSA P-256 cert", "µs", false, 150, 40);
    static final Scenario BULK = new Scenario("tls", "bulk write through SSLSocket", "MB/s", true, 128, 32);

    static final Scenario ROUND_TRIP_PING = new Scenario("tls", "TLS layer per round trip (PING), SSLSocket vs SSLEngine", "µs", false, 6_000, 1_000, 2);
    static final Scenario ROUND_TRIP_GET = new Scenario("tls", "TLS layer per round trip (GET 100 B), SSLSocket vs SSLEngine", "µs", false, 6_000, 1_000, 2);
    static final String PLAIN_SOCKET = "JDK Socket, no TLS (baseline)";
    static final String SSL_SOCKET = "SSLSocket (TlsSockets.layer, today)";
    static final String SSL_ENGINE = "SSLEngine over own buffers (prototype)";

    static final String JDK_RESUMED = "JDK SSLSocket, session cache";
    static final String JDK_FULL = "JDK SSLSocket, no resumption";

    private TlsSuite() {}

    static void runAll(Runner runner, List<String> notes) throws Exception {
        if (runner.wanted(HANDSHAKE_RSA) || runner.wanted(HANDSHAKE_EC)) {
            try (RedisServer rsa = TestServers.startRedis(RedisServer.Options.defaults().withPlainPort(false));
                 RedisServer ec = TestServers.startRedis(RedisServer.Options.defaults().withPlainPort(false)
                         .withCertificate("server-ec.crt", "server-ec.key"))) {
                handshakes(runner, HANDSHAKE_RSA, rsa, notes);
                handshakes(runner, HANDSHAKE_EC, ec, notes);
            }
        }
        if (runner.wanted(BULK)) {
            bulk(runner);
        }
        roundTrips(runner, notes);
    }

    // ---------------------------------------------------------------- per round trip: SSLSocket vs SSLEngine

    /**
     * The cost of the TLS layer itself per request/reply: one connection to the shared Redis, the
     * same bytes written and read through a plain socket, through the {@code SSLSocket} that
     * {@link TlsSockets#layer} returns, and through the {@link EngineTlsSocket} prototype; taking
     * turns in the same run, with client CPU and bytes allocated per round trip.
     */
    private static void roundTrips(Runner runner, List<String> notes) throws Exception {
        RedisServer redis = TestServers.redis();
        try (Socket setup = new Socket(redis.host(), redis.plainPort())) {
            setup.getOutputStream().write(("*3\r\n$3\r\nSET\r\n$13\r\nbench:tls:get\r\n$100\r\n" + "v".repeat(100) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] ok = new byte[5];
            readFully(setup.getInputStream(), ok, ok.length);
        }
        byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] get = "*2\r\n$3\r\nGET\r\n$13\r\nbench:tls:get\r\n".getBytes(StandardCharsets.US_ASCII);
        List<String> suites = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.run(ROUND_TRIP_PING, "TLS", roundTripCandidates(redis, ping, "+PONG\r\n".length(), suites));
        runner.run(ROUND_TRIP_GET, "TLS", roundTripCandidates(redis, get, "$100\r\n".length() + 102, suites));
        if (!suites.isEmpty()) {
            notes.add("TLS layer per round trip: negotiated " + String.join(", ", new java.util.TreeSet<>(suites))
                    + "; CPU is the client thread's (a platform thread, so the JVM can measure it) ÷ round trips,"
                    + " bytes are all threads' ÷ round trips.");
        }
    }

    private static List<Runner.Candidate> roundTripCandidates(RedisServer redis, byte[] request, int replyLength, List<String> suites) {
        return List.of(
                new Runner.Candidate(PLAIN_SOCKET, () -> {
                    Socket s = new Socket();
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress(redis.host(), redis.plainPort()));
                    return roundTrip(s, s.getInputStream(), s.getOutputStream(), request, replyLength);
                }, "the same bytes without TLS"),
                new Runner.Candidate(SSL_SOCKET, () -> {
                    Socket plain = new Socket();
                    plain.setTcpNoDelay(true);
                    plain.connect(new InetSocketAddress(redis.host(), redis.tlsPort()));
                    TlsConnection tls = TlsSockets.layer(plain, Trust.HOST, redis.tlsPort(), Trust.loomwire(), Duration.ofSeconds(10));
                    suites.add(tls.session().protocol() + " " + tls.session().cipherSuite() + " (SSLSocket)");
                    SSLSocket ssl = tls.socket();
                    return roundTrip(ssl, ssl.getInputStream(), ssl.getOutputStream(), request, replyLength);
                }, "JDK SSLSocket, full verification"),
                new Runner.Candidate(SSL_ENGINE, () -> {
                    Socket plain = new Socket();
                    plain.setTcpNoDelay(true);
                    plain.connect(new InetSocketAddress(redis.host(), redis.tlsPort()));
                    plain.setSoTimeout(10_000);
                    javax.net.ssl.SSLEngine engine = Trust.jdkContext().createSSLEngine(Trust.HOST, redis.tlsPort());
                    engine.setUseClientMode(true);
                    engine.setSSLParameters(Trust.verifyHost());
                    EngineTlsSocket tls = new EngineTlsSocket(plain, engine);
                    tls.startHandshake();
                    plain.setSoTimeout(0);
                    suites.add(tls.session().getProtocol() + " " + tls.session().getCipherSuite() + " (SSLEngine)");
                    return roundTrip(tls, tls.getInputStream(), tls.getOutputStream(), request, replyLength);
                }, "EngineTlsSocket, full verification (bench-only prototype)"));
    }

    /**
     * One connection sending {@code request} and reading a reply of exactly {@code replyLength}
     * bytes, allocating nothing itself. Each repetition runs its loop on a platform thread, the only
     * kind whose CPU time the JVM reports: CPU per round trip is that thread's (all TLS work happens
     * on the calling thread in both TLS paths; a virtual thread does the same work), bytes are all
     * threads' (ThreadMXBean), each divided by the round trips.
     */
    private static Subject roundTrip(AutoCloseable connection, InputStream in, OutputStream out, byte[] request, int replyLength) {
        byte[] reply = new byte[replyLength];
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        return new Subject() {
            public Sample rep(int n) throws Exception {
                Sample[] sample = new Sample[1];
                Exception[] failure = new Exception[1];
                Thread t = Thread.ofPlatform().unstarted(() -> {
                    try {
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        Sample timed = Measure.latency(n, () -> {
                            out.write(request);
                            readFully(in, reply, replyLength);
                        });
                        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                        // the calling thread's CPU instead of the process's: steadier, and all TLS work is on this thread
                        sample[0] = new Sample(timed.value(), timed.p99Micros(), timed.operations(),
                                new Measure.Costs(cpu, timed.spent().allocatedBytes()));
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                });
                t.start();
                t.join();
                if (failure[0] != null) {
                    throw failure[0];
                }
                return sample[0];
            }

            public void close() throws Exception {
                connection.close();
            }
        };
    }

    private static void readFully(InputStream in, byte[] buf, int len) throws java.io.IOException {
        for (int got = 0; got < len; ) {
            int r = in.read(buf, got, len - got);
            if (r < 0) {
                throw new java.io.EOFException("the server closed the connection after " + got + " of " + len + " reply bytes");
            }
            got += r;
        }
    }

    private static void handshakes(Runner runner, Scenario s, RedisServer server, List<String> notes) {
        TrustManager[] trust = trustManagers();
        SSLContext shared = context(trust);
        AtomicLong loomwireResumed = new AtomicLong();
        AtomicLong loomwireTotal = new AtomicLong();
        AtomicLong jdkResumed = new AtomicLong();
        AtomicLong jdkTotal = new AtomicLong();
        AtomicLong freshResumed = new AtomicLong();
        AtomicLong freshTotal = new AtomicLong();
        int port = server.tlsPort();
        runner.run(s, "TLS", List.of(
                new Runner.Candidate(RedisSuite.LOOMWIRE, () -> n -> Measure.latency(n, new Op() {
                    public void run() throws Exception {
                        Socket plain = new Socket();
                        plain.setTcpNoDelay(true);
                        plain.connect(new InetSocketAddress(Trust.HOST, port));
                        TlsConnection tls = TlsSockets.layer(plain, Trust.HOST, port, Trust.loomwire(), Duration.ofSeconds(10));
                        count(tls.session().resumed(), loomwireResumed, loomwireTotal);
                        pingAndClose(tls.socket());
                    }
                }), "TlsSockets.layer, cached SSLContext (resumes)"),
                new Runner.Candidate(JDK_RESUMED, () -> n -> Measure.latency(n, () -> {
                    long wall = System.currentTimeMillis();
                    SSLSocket ssl = jdkHandshake(shared, port);
                    count(ssl.getSession().getCreationTime() < wall, jdkResumed, jdkTotal);
                    pingAndClose(ssl);
                }), "one SSLContext, host name checked"),
                new Runner.Candidate(JDK_FULL, () -> n -> Measure.latency(n, () -> {
                    long wall = System.currentTimeMillis();
                    SSLSocket ssl = jdkHandshake(context(trust), port);
                    count(ssl.getSession().getCreationTime() < wall, freshResumed, freshTotal);
                    pingAndClose(ssl);
                }), "a new SSLContext per connection: full handshake (as PostgreSQL servers always force)")));
        notes.add(String.format(Locale.ROOT, "%s: resumed handshakes: loomwire %s, %s %s, %s %s.", s.title(),
                percent(loomwireResumed, loomwireTotal), JDK_RESUMED, percent(jdkResumed, jdkTotal), JDK_FULL, percent(freshResumed, freshTotal)));
    }

    /** The timed part is connect + handshake; PING/PONG (which also delivers TLS 1.3 session tickets) and close are not timed. */
    private static SSLSocket jdkHandshake(SSLContext ctx, int port) throws Exception {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(Trust.HOST, port));
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, Trust.HOST, port, true);
        ssl.setSSLParameters(Trust.verifyHost());
        ssl.startHandshake();
        return ssl;
    }

    private static void count(boolean resumed, AtomicLong resumedCount, AtomicLong total) {
        total.incrementAndGet();
        if (resumed) {
            resumedCount.incrementAndGet();
        }
    }

    private static String percent(AtomicLong part, AtomicLong total) {
        return total.get() == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * part.get() / total.get());
    }

    private static void pingAndClose(SSLSocket ssl) throws Exception {
        try (ssl) {
            ssl.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[16];
            int n = ssl.getInputStream().read(buf);
            if (n < 5 || buf[0] != '+') {
                throw new IllegalStateException("no PONG");
            }
        }
    }

    private static TrustManager[] trustManagers() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", PemFiles.readCertificates(TestCerts.file("ca.crt")).get(0));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot load ca.crt: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(TrustManager[] trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trust, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- bulk rate

    private static void bulk(Runner runner) throws Exception {
        SSLContext server = serverContext();
        SSLContext client = context(trustManagers());
        runner.run(BULK, "TLS", List.of(
                sink("TLS_AES_128_GCM_SHA256", server, client, "TLSv1.3 AES-128-GCM"),
                sink("TLS_AES_256_GCM_SHA384", server, client, "TLSv1.3 AES-256-GCM"),
                sink("TLS_CHACHA20_POLY1305_SHA256", server, client, "TLSv1.3 ChaCha20-Poly1305, for comparison")));
        runner.run(BULK, "plain", List.of(sink(null, null, null, "plain TCP loopback: the ceiling")));
    }

    private static SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<X509Certificate> chain = PemFiles.readCertificates(TestCerts.file("server.crt"));
        ks.setKeyEntry("server", PemFiles.readPrivateKey(TestCerts.file("server.key"), null), TestCerts.password(),
                chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestCerts.password());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * A client streaming {@code n} MiB in 64 KiB writes to a loopback sink that reads and drops
     * them; value = MB/s (10^6 bytes) of application data, both ends in this JVM on this machine's CPUs.
     */
    private static Runner.Candidate sink(String suite, SSLContext serverCtx, SSLContext clientCtx, String label) {
        String driver = suite == null ? "JDK Socket (no TLS)" : "JDK SSLSocket " + suite;
        return new Runner.Candidate(driver, () -> n -> {
            ServerSocket ss = serverCtx == null ? new ServerSocket(0, 1, InetAddress.getLoopbackAddress())
                    : serverCtx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
            try (ss) {
                if (ss instanceof SSLServerSocket s) {
                    s.setEnabledCipherSuites(new String[] {suite});
                    s.setEnabledProtocols(new String[] {"TLSv1.3"});
                }
                long total = (long) n << 20;
                Thread reader = Thread.ofVirtual().start(() -> {
                    try (Socket s = ss.accept(); InputStream in = s.getInputStream()) {
                        byte[] buf = new byte[64 * 1024];
                        long got = 0;
                        while (got < total) {
                            int r = in.read(buf);
                            if (r < 0) {
                                break;
                            }
                            got += r;
                        }
                        s.getOutputStream().write(1);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                Socket s = plain;
                if (clientCtx != null) {
                    SSLSocket ssl = (SSLSocket) clientCtx.getSocketFactory().createSocket(plain, Trust.HOST, ss.getLocalPort(), true);
                    ssl.setSSLParameters(Trust.verifyHost());
                    ssl.setEnabledCipherSuites(new String[] {suite});
                    ssl.startHandshake();
                    s = ssl;
                }
                try (Socket closing = s) {
                    byte[] chunk = new byte[64 * 1024];
                    OutputStream out = closing.getOutputStream();
                    Measure.Costs costs = Measure.Costs.now();
                    long t0 = System.nanoTime();
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        out.write(chunk);
                    }
                    if (closing.getInputStream().read() != 1) {
                        throw new IllegalStateException("sink did not confirm");
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Measure.Costs spent = Measure.Costs.since(costs);
                    reader.join();
                    return new Sample(total / 1e6 / seconds, Double.NaN, total / 1e6, spent);
                }
            }
        }, label);
    }
}
