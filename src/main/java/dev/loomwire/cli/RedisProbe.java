package dev.loomwire.cli;

import dev.loomwire.redis.HostAndPort;
import dev.loomwire.redis.RedisClusterUri;
import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.redis.RedisException;
import dev.loomwire.redis.RedisNoAuthException;
import dev.loomwire.redis.RedisWrongPassException;
import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.redis.RedisReply.MapReply;
import dev.loomwire.redis.resp.RespEncoder;
import dev.loomwire.redis.resp.RespProtocolException;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.ClientIdentity;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TrustSource;
import dev.loomwire.tls.TlsVerification;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Probes a Redis server: TLS handshake (rediss://), certificate chain, a verdict per verification
 * level (full, ca, none), then {@code HELLO 3} (or PING and INFO server) for the server version;
 * on a cluster node also the topology and every node's verdict ({@link RedisClusterProbe}).
 * A client certificate the server requires shows up on that first read under TLS 1.3. The URI is
 * the driver's ({@link RedisConfig}), and each verdict uses the driver's TLS settings with only
 * the verification level changed.
 */
final class RedisProbe {
    private static final int POST_HANDSHAKE_WAIT_MS = 500;

    private final RedisConfig cfg;
    private final Duration timeout;
    private final Report report;
    private final TlsConfig tls;
    private final String verify;
    private final boolean verifyGiven;
    private final boolean clientCert;
    private TlsConnection connection;
    /** The unverified TLS handshake failed: is it a plaintext port? */
    private boolean handshakeFailed;

    private final RedisClusterUri cluster;
    private final boolean clusterUri;
    private String serverMode;

    /**
     * @param cluster    how a cluster client would treat the nodes ({@code cfg} is its first seed)
     * @param clusterUri whether the URI asked for a cluster (several seeds or cluster parameters)
     */
    RedisProbe(RedisClusterUri cluster, boolean clusterUri, boolean verifyGiven, Duration timeout) {
        this.cluster = cluster;
        this.clusterUri = clusterUri;
        this.cfg = cluster.seedConfig();
        this.verifyGiven = verifyGiven;
        this.timeout = timeout;
        tls = cfg.tls().orElse(null);
        verify = tls == null ? null : tls.verification().name().toLowerCase(Locale.ROOT);
        clientCert = tls != null && tls.clientIdentity().present();
        report = new Report("Redis at " + cfg.host() + ":" + cfg.port() + (tls != null ? " (rediss, TLS)" : " (redis, plaintext)"));
    }

    Report run() {
        probe();
        report.concludeFailure(tls != null ? "sslverify=" + verify : "redis://");
        return report;
    }

    private void probe() {
        describeTarget();
        report.requestedMode = tls != null ? verify : "plaintext";
        ProbeAccess.RedisOpened opened = open();
        if (opened == null) {
            if (handshakeFailed) {
                String plain = plaintextPing();
                if (plain != null) {
                    report.phase("plaintext check", null, Report.Status.FAIL, plain);
                    report.conclusion = plain;
                }
                for (String mode : List.of("full", "ca", "none")) {
                    report.verdicts.add(new Report.Verdict(mode, false, report.conclusion));
                }
            }
            return;
        }
        Socket socket = opened.stream();
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            if (tls == null) {
                report.phase("tls", null, Report.Status.INFO, "not requested (redis://): use rediss:// to probe TLS");
                String failure = hello(opened);
                if (failure == null) {
                    failure = clusterCheck(socket);
                }
                report.success = failure == null;
                report.conclusion = failure == null ? "redis:// would connect, WITHOUT encryption" : "redis:// would FAIL: " + failure;
                return;
            }
            connection = opened.tls();
            TlsSession session = connection.session();
            String sessionFailure;
            try {
                sessionFailure = hello(opened);
                if (sessionFailure == null) {
                    sessionFailure = clusterCheck(connection.socket());
                }
            } finally {
                Network.closeQuietly(connection.socket());
            }
            verdicts(session);
            Report.Verdict v = report.verdict(verify);
            report.success = v.ok() && sessionFailure == null;
            report.conclusion = "sslverify=" + verify + (report.success ? " would succeed"
                    : " would FAIL: " + (v.ok() ? sessionFailure : v.reason()));
        } catch (IOException e) {
            report.phase("error", null, Report.Status.FAIL, e.getMessage());
            report.conclusion = "probe failed: " + e.getMessage();
        } finally {
            Network.closeQuietly(socket);
            Network.closeQuietly(opened.socket());
        }
    }

    /**
     * The driver's own connection opening ({@link ProbeAccess.Redis#open}: DNS, TCP, and for rediss://
     * the TLS handshake without verification, to see any chain), its phases turned into the
     * report's; {@code null} when it failed (the report says why; {@link #handshakeFailed} when the
     * TLS handshake did).
     */
    private ProbeAccess.RedisOpened open() {
        PhaseRecorder<RedisReply> seen = new PhaseRecorder<>();
        ProbeAccess.RedisOpened opened = null;
        RedisConnectionException failure = null;
        try {
            opened = ProbeAccess.redis().open(cfg, tls == null ? null : level(TlsVerification.NONE), timeout, seen);
        } catch (RedisConnectionException e) {
            failure = e;
        }
        for (PhaseRecorder.Step step : seen.steps) {
            switch (step.phase()) {
                case DNS -> Network.dns(report, cfg.host(), step);
                case TCP -> {
                    if (step.failure() == null) {
                        List<String> failedFirst = seen.all(ConnectPhase.TCP).stream().filter(t -> t.failure() != null)
                                .map(t -> (t.failure() instanceof SocketTimeoutException
                                        ? "no answer within " + timeout.toMillis() + " ms (firewall?)" : t.failure().getMessage()))
                                .toList();
                        Report.Phase p = report.phase("tcp connect", step.millis(), Report.Status.OK, "connected to "
                                + step.target());
                        if (!failedFirst.isEmpty()) {
                            p.details().put("failed first", failedFirst);
                        }
                    }
                }
                case TLS -> {
                    if (step.failure() == null) {
                        TlsProbe.describe(report, opened.tls().session());
                    } else {
                        report.phase("tls handshake", step.millis(), Report.Status.FAIL, step.failure().getMessage());
                        report.conclusion = step.failure().getMessage();
                    }
                }
                default -> { }
            }
        }
        if (failure == null) {
            return opened;
        }
        boolean tcpConnected = seen.all(ConnectPhase.TCP).stream().anyMatch(t -> t.failure() == null);
        if (!tcpConnected && seen.step(ConnectPhase.DNS).map(d -> d.failure() == null).orElse(false)) {
            Report.Phase p = report.phase("tcp connect", null, Report.Status.FAIL, "cannot connect to port " + cfg.port());
            p.details().put("attempts", seen.all(ConnectPhase.TCP).stream().map(t -> t.failure().getMessage()).toList());
            report.conclusion = failure.getMessage();
        }
        handshakeFailed = seen.step(ConnectPhase.TLS).isPresent(); // the connector closed the socket; the report says why
        if (report.conclusion == null) {
            report.phase("error", null, Report.Status.FAIL, failure.getMessage());
            report.conclusion = failure.getMessage();
        }
        return null;
    }

    /** On a cluster node: the topology and every node's TLS verdict; returns why a cluster client would fail, or null. */
    private String clusterCheck(Socket session) {
        if (!"cluster".equals(serverMode)) {
            if (clusterUri && serverMode != null) {
                String why = cfg.host() + ":" + cfg.port() + " is not a cluster node (mode " + serverMode
                        + "): RedisClusterClient refuses it; use RedisClient with a single-host URI";
                report.phase("cluster", null, Report.Status.FAIL, why);
                return why;
            }
            return null;
        }
        return new RedisClusterProbe(report, cluster, timeout).run(session, new HostAndPort(cfg.host(), cfg.port()));
    }

    private void describeTarget() {
        Map<String, Object> t = report.target;
        t.put("protocol", tls != null ? "rediss" : "redis");
        t.put("host", cfg.host());
        t.put("port", cfg.port());
        if (cluster.seeds().size() > 1) {
            t.put("seeds", cluster.seeds().stream().map(HostAndPort::toString).toList());
        }
        if (tls != null) {
            t.put("sslverify", verify + (verifyGiven ? "" : " (default)"));
            switch (tls.trust()) {
                case TrustSource.KeyStoreFile k -> t.put("ssltruststore", k.path().toString());
                case TrustSource.OperatingSystem o -> t.put("sslrootcert", "system: " + o.location());
                case TrustSource.PemFile f -> t.put("sslrootcert", f.path().toString());
                case TrustSource.Certificates c -> t.put("sslrootcert", c.certificates().size() + " certificates in memory");
                case TrustSource.JdkDefault j -> t.put("sslrootcert", "none (the JDK's default trust store)");
            }
            switch (tls.clientIdentity()) {
                case ClientIdentity.CertificateAndKeyFiles f -> {
                    t.put("sslcert", f.certificate().toString());
                    t.put("sslkey", f.key().toString());
                    if (f.password() != null) t.put("sslpassword", "(set, not shown)");
                }
                case ClientIdentity.KeyStoreFile k -> t.put("sslkeystore", k.path().toString());
                case ClientIdentity.InMemory m -> t.put("sslcert", "in memory: " + m.chain().get(0).getSubjectX500Principal().getName());
                case ClientIdentity.None n -> { }
            }
            if (!tls.crls().isEmpty()) t.put("sslcrl", tls.crls().toString());
        }
        if (cfg.user() != null) t.put("user", cfg.user());
        if (cfg.password() != null) t.put("password", "(set, not shown)");
    }

    /**
     * The driver's own session set-up ({@link ProbeAccess.Redis#setup}: HELLO 3 with AUTH when the
     * URI has a password, or AUTH and RESP2), then INFO server for the version on RESP2; records
     * the phases. Returns why the connection would fail, or {@code null} if it works (a refused
     * password is a warning: the probe is about reaching the server).
     */
    private String hello(ProbeAccess.RedisOpened opened) {
        Socket socket = opened.stream();
        long t0 = System.nanoTime();
        try {
            if (tls != null && socket instanceof javax.net.ssl.SSLSocket ssl && "TLSv1.3".equals(ssl.getSession().getProtocol())) {
                String refused = awaitPostHandshakeAlert(socket, new RespReader(socket.getInputStream()));
                if (refused != null) {
                    return refused;
                }
                t0 = System.nanoTime();
            }
        } catch (IOException e) {
            return readFailure(t0, e);
        }
        List<RedisReply> received = new ArrayList<>();
        ProbeAccess.RedisSession session = ProbeAccess.redis().setup(cfg, opened, timeout, new ConnectListener<>() {
            @Override
            public void received(RedisReply reply) {
                received.add(reply);
            }
        });
        if (session.failure().isPresent()) {
            RedisException failure = session.failure().get();
            if (failure instanceof RedisNoAuthException || failure instanceof RedisWrongPassException) {
                report.phase("hello", Report.since(t0), Report.Status.WARN, "authentication: " + failure.getMessage());
                report.phase("server version", null, Report.Status.INFO,
                        "unknown: the server wants a password (redis://user:password@host/)");
                return null;
            }
            if (failure.timeoutKind().isPresent()) {
                report.phase("hello", Report.since(t0), Report.Status.FAIL, "no reply within " + timeout.toMillis() + " ms");
                return "no reply to HELLO within " + timeout.toMillis() + " ms";
            }
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof RespProtocolException e) {
                    String why = "not a Redis reply: " + e.getMessage();
                    report.phase("hello", Report.since(t0), Report.Status.FAIL, why);
                    return why;
                }
                if (t instanceof IOException e) {
                    return readFailure(t0, e);
                }
            }
            String why = failure.getMessage();
            report.phase("hello", Report.since(t0), Report.Status.FAIL, why);
            return why;
        }
        if (session.protocol() == 3) {
            Map<String, RedisReply> m = received.stream().filter(r -> r instanceof MapReply).findFirst()
                    .map(RedisReply::asMap).orElse(Map.of());
            Report.Phase p = report.phase("hello", Report.since(t0), Report.Status.OK, "HELLO 3: RESP3 session");
            serverMode = m.get("mode") == null ? null : m.get("mode").asString();
            for (String k : List.of("server", "proto", "mode", "role")) {
                if (m.get(k) != null) {
                    p.details().put(k, m.get(k).asString());
                }
            }
            report.phase("server version", null, Report.Status.INFO, "Redis " + (m.get("version") == null ? "?" : m.get("version").asString()));
            return null;
        }
        report.phase("hello", Report.since(t0), Report.Status.OK, "RESP2 session (the server has no HELLO, or protocol=2)");
        long t1 = System.nanoTime();
        try {
            RespEncoder cmd = new RespEncoder().command("INFO", "server");
            socket.getOutputStream().write(cmd.buffer(), 0, cmd.size());
            RedisReply infoReply = new RespReader(socket.getInputStream()).read();
            String version = infoReply instanceof ErrorReply || infoReply.asString() == null ? null
                    : infoField(infoReply.asString(), "redis_version");
            report.phase("server version", Report.since(t1), Report.Status.INFO, version != null ? "Redis " + version
                    : "unknown (INFO server: " + (infoReply instanceof ErrorReply e ? e.message() : "no redis_version") + ")");
            return null;
        } catch (IOException e) {
            return readFailure(t1, e);
        }
    }

    /** A read or write on the new session failed: the server's TLS alert if it sent one, else what happened. */
    private String readFailure(long t0, IOException e) {
        if (e instanceof SocketTimeoutException) {
            report.phase("hello", Report.since(t0), Report.Status.FAIL, "no reply within " + timeout.toMillis() + " ms");
            return "no reply to HELLO within " + timeout.toMillis() + " ms";
        }
        String refusal = connection != null ? TlsProbe.serverRejection(e, connection) : null;
        String why;
        if (refusal != null) {
            why = refusal;
        } else if (e instanceof EOFException || e instanceof SocketException) {
            why = "the server closed the connection on the first command"
                    + (tls != null ? (clientCert ? "" : " (does it require a client certificate? give sslcert=... sslkey=...)")
                           : " (is this a TLS port? use rediss://)");
        } else {
            why = "reading the reply failed: " + e.getMessage();
        }
        Report.Phase p = report.phase("hello", Report.since(t0), Report.Status.FAIL, why);
        if (refusal == null) {
            p.details().put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return why;
    }

    /**
     * Under TLS 1.3 the server judges the client certificate after our Finished and answers a
     * refusal with an alert; returns that refusal explained, or {@code null}. Writing first races with it (the server's RST can drop the alert), so
     * give the alert a moment to arrive; Redis sends nothing else before our first command.
     */
    private String awaitPostHandshakeAlert(Socket socket, RespReader in) throws IOException {
        long t0 = System.nanoTime();
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(POST_HANDSHAKE_WAIT_MS);
        try {
            in.awaitData();
        } catch (SocketTimeoutException quiet) {
            socket.setSoTimeout(previous);
            report.phase("post-handshake", Report.since(t0), Report.Status.OK, "no TLS alert within " + POST_HANDSHAKE_WAIT_MS
                    + " ms: the server accepted the session" + (clientCert ? " and our client certificate" : " without a client certificate"));
            return null;
        } catch (IOException e) {
            String refusal = TlsProbe.serverRejection(e, connection);
            String why = refusal != null ? refusal : "the server closed the TLS session right after the handshake: " + e.getMessage();
            report.phase("post-handshake", Report.since(t0), Report.Status.FAIL, why);
            return why;
        }
        socket.setSoTimeout(previous);
        return null;
    }

    /** After a failed handshake: does the port answer a plaintext PING? Then it is a plaintext port. */
    private String plaintextPing() {
        Duration brief = Duration.ofMillis(Math.min(2000, timeout.toMillis()));
        try (Socket s = ProbeAccess.redis().open(cfg, null, brief, ConnectListener.none()).socket()) {
            s.setSoTimeout((int) brief.toMillis());
            RespEncoder ping = new RespEncoder().command("PING");
            s.getOutputStream().write(ping.buffer(), 0, ping.size());
            RedisReply reply = new RespReader(s.getInputStream()).read();
            String text = reply instanceof ErrorReply e ? "-" + e.message() : "+" + reply.asString();
            return cfg.host() + ":" + cfg.port() + " did not answer with TLS: it answered a plaintext PING with " + text
                    + ", so this is a plaintext port (use redis://, or the server's tls-port)";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String infoField(String info, String key) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
    }

    /** The driver's TLS settings for this URI at another verification level. */
    private TlsConfig level(TlsVerification level) {
        return tls.toBuilder().verification(level).build();
    }

    /** One verdict per verification level, each from the driver's own handshake with the URI's settings at that level. */
    private void verdicts(TlsSession captured) {
        TlsProbe.Trust trust = TlsProbe.Trust.of(tls);
        report.trustDescription = trust.description();
        for (TlsVerification level : List.of(TlsVerification.FULL, TlsVerification.CA, TlsVerification.NONE)) {
            String mode = level.name().toLowerCase(Locale.ROOT);
            report.verdicts.add(verdict(mode, cfg, level(level), timeout, captured.peerChain(), trust));
        }
    }

    /**
     * Would the driver's handshake with {@code config} on a connection for {@code node} succeed?
     * One {@link ProbeAccess.Redis#open} says; a failure is explained against the {@code chain} seen.
     */
    static Report.Verdict verdict(String mode, RedisConfig node, TlsConfig config, Duration timeout,
                                  List<X509Certificate> chain, TlsProbe.Trust trust) {
        try {
            ProbeAccess.RedisOpened o = ProbeAccess.redis().open(node, config, timeout, ConnectListener.none());
            Network.closeQuietly(o.stream());
            Network.closeQuietly(o.socket());
            return new Report.Verdict(mode, true, TlsProbe.passed(config, node.host(), trust));
        } catch (RedisConnectionException e) {
            if (e.getCause() instanceof TlsException te) {
                return new Report.Verdict(mode, false, TlsProbe.explain(te, node.host(), chain, trust));
            }
            return new Report.Verdict(mode, false, "could not open another connection to check: " + e.getMessage());
        }
    }
}
