package dev.loomwire.cli;

import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsVerification;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Probes a Redis server: TLS handshake (rediss://), certificate chain, a verdict per verification
 * level (full, ca, none), then {@code HELLO 3} (or PING and INFO server) for the server version.
 * A client certificate the server requires shows up on that first read under TLS 1.3.
 */
final class RedisProbe {
    private static final int POST_HANDSHAKE_WAIT_MS = 500;

    private final ConnInfo info;
    private final Duration timeout;
    private final Report report;
    private final String host;
    private final int port;
    private final boolean tls;
    private final String verify;
    private final String rootCert;
    private final Path clientCert;
    private final Path clientKey;
    private final char[] sslpassword;

    RedisProbe(ConnInfo info, Duration timeout) {
        this.info = info;
        this.timeout = timeout;
        host = info.get("host", "localhost");
        port = Integer.parseInt(info.get("port", "6379"));
        tls = "1".equals(info.get("tls"));
        verify = info.get("sslverify", "full");
        rootCert = info.get("sslrootcert", null);
        String cert = info.get("sslcert", null);
        String key = info.get("sslkey", null);
        clientCert = cert == null ? null : Path.of(cert);
        clientKey = key == null ? null : Path.of(key);
        String pw = info.get("sslpassword", null);
        sslpassword = pw == null ? null : pw.toCharArray();
        report = new Report("Redis at " + host + ":" + port + (tls ? " (rediss, TLS)" : " (redis, plaintext)"));
    }

    Report run() throws UsageException {
        probe();
        report.concludeFailure(tls ? "sslverify=" + verify : "redis://");
        return report;
    }

    private Report probe() throws UsageException {
        if ((clientCert == null) != (clientKey == null)) {
            throw new UsageException("sslcert and sslkey go together: give both (got only "
                    + (clientCert == null ? "sslkey" : "sslcert") + ")");
        }
        describeTarget();
        report.requestedMode = tls ? verify : "plaintext";
        List<InetAddress> addresses = Network.resolve(report, host, null);
        if (addresses == null) {
            return report;
        }
        Socket socket = Network.connect(report, addresses, port, timeout);
        if (socket == null) {
            return report;
        }
        InetAddress address = socket.getInetAddress();
        try {
            if (!tls) {
                report.phase("tls", null, Report.Status.INFO, "not requested (redis://): use rediss:// to probe TLS");
                String failure = hello(socket);
                report.success = failure == null;
                report.conclusion = failure == null ? "redis:// would connect, WITHOUT encryption" : "redis:// would FAIL: " + failure;
                return report;
            }
            TlsSession session = TlsProbe.capture(report, socket, host, port, config(TlsVerification.NONE), timeout, null);
            if (session == null) {
                String plain = plaintextPing(address);
                if (plain != null) {
                    report.phase("plaintext check", null, Report.Status.FAIL, plain);
                    report.conclusion = plain;
                }
                for (String mode : List.of("full", "ca", "none")) {
                    report.verdicts.add(new Report.Verdict(mode, false, report.conclusion));
                }
                return report;
            }
            String sessionFailure;
            try {
                sessionFailure = hello(session.socket());
            } finally {
                Network.closeQuietly(session.socket());
            }
            verdicts(address, session);
            Report.Verdict v = report.verdict(verify);
            report.success = v.ok() && sessionFailure == null;
            report.conclusion = "sslverify=" + verify + (report.success ? " would succeed"
                    : " would FAIL: " + (v.ok() ? sessionFailure : v.reason()));
            return report;
        } finally {
            Network.closeQuietly(socket);
        }
    }

    private void describeTarget() {
        Map<String, Object> t = report.target;
        t.put("protocol", tls ? "rediss" : "redis");
        t.put("host", host);
        t.put("port", port);
        if (tls) {
            t.put("sslverify", verify + (info.get("sslverify") == null ? " (default)" : ""));
            t.put("sslrootcert", rootCert == null ? "none (the JDK's default trust store)" : rootCert);
        }
        if (clientCert != null) {
            t.put("sslcert", clientCert.toString());
            t.put("sslkey", clientKey.toString());
        }
        if (sslpassword != null) t.put("sslpassword", "(set, not shown)");
        if (info.get("user") != null) t.put("user", info.get("user"));
        if (info.get("password") != null) t.put("password", "(set, not shown)");
    }

    /**
     * HELLO 3 (with AUTH when the URI has a password), falling back to PING and INFO server; records
     * the phases. Returns why the connection would fail, or {@code null} if it works.
     */
    private String hello(Socket socket) {
        long t0 = System.nanoTime();
        String password = info.get("password");
        String user = info.get("user", "default");
        try {
            WireInput in = new WireInput(socket.getInputStream());
            if (tls && socket instanceof javax.net.ssl.SSLSocket ssl && "TLSv1.3".equals(ssl.getSession().getProtocol())) {
                String refused = awaitPostHandshakeAlert(socket, in);
                if (refused != null) {
                    return refused;
                }
                t0 = System.nanoTime();
            }
            byte[] cmd = password == null ? Resp.command("HELLO", "3") : Resp.command("HELLO", "3", "AUTH", user, password);
            socket.getOutputStream().write(cmd);
            Object reply = Resp.read(in);
            if (reply instanceof Map<?, ?> m) {
                Object version = m.get("version");
                Report.Phase p = report.phase("hello", Report.since(t0), Report.Status.OK, "HELLO 3: RESP3 session");
                for (String k : List.of("server", "proto", "mode", "role")) {
                    if (m.get(k) != null) {
                        p.details().put(k, String.valueOf(m.get(k)));
                    }
                }
                report.phase("server version", null, Report.Status.INFO, "Redis " + version);
                return null;
            }
            String error = reply instanceof Resp.Error e ? e.message() : String.valueOf(reply);
            if (error.startsWith("NOAUTH") || error.startsWith("WRONGPASS")) {
                report.phase("hello", Report.since(t0), Report.Status.WARN, "authentication: " + error);
                report.phase("server version", null, Report.Status.INFO,
                        "unknown: the server wants a password (redis://user:password@host/)");
                return null;
            }
            report.phase("hello", Report.since(t0), Report.Status.INFO, "HELLO 3 refused (" + error + "): falling back to RESP2");
            long t1 = System.nanoTime();
            socket.getOutputStream().write(concat(password == null ? new byte[0] : info.get("user") == null
                    ? Resp.command("AUTH", password) : Resp.command("AUTH", user, password),
                    Resp.command("PING"), Resp.command("INFO", "server")));
            if (password != null) {
                Resp.read(in);
            }
            Object pong = Resp.read(in);
            Object infoReply = Resp.read(in);
            report.phase("ping", Report.since(t1), pong instanceof Resp.Error ? Report.Status.WARN : Report.Status.OK,
                    pong instanceof Resp.Error e ? e.message() : String.valueOf(pong));
            String version = infoReply instanceof String s ? infoField(s, "redis_version") : null;
            report.phase("server version", null, Report.Status.INFO, version != null ? "Redis " + version
                    : "unknown (INFO server: " + (infoReply instanceof Resp.Error e ? e.message() : "no redis_version") + ")");
            return null;
        } catch (SocketTimeoutException e) {
            report.phase("hello", Report.since(t0), Report.Status.FAIL, "no reply within " + timeout.toMillis() + " ms");
            return "no reply to HELLO within " + timeout.toMillis() + " ms";
        } catch (IOException e) {
            String refusal = tls ? TlsProbe.clientCertificateRefusal(e, clientCert != null) : null;
            String why;
            if (refusal != null) {
                why = refusal;
            } else if (e instanceof EOFException || e instanceof SocketException) {
                why = "the server closed the connection on the first command"
                        + (tls ? (clientCert == null ? " (does it require a client certificate? give sslcert=... sslkey=...)" : "")
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
    }

    /**
     * Under TLS 1.3 the server judges the client certificate after our Finished and answers a
     * refusal with an alert; returns that refusal explained, or {@code null}. Writing first races with it (the server's RST can drop the alert), so
     * give the alert a moment to arrive; Redis sends nothing else before our first command.
     */
    private String awaitPostHandshakeAlert(Socket socket, WireInput in) throws IOException {
        long t0 = System.nanoTime();
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(POST_HANDSHAKE_WAIT_MS);
        try {
            in.awaitData();
        } catch (SocketTimeoutException quiet) {
            socket.setSoTimeout(previous);
            report.phase("post-handshake", Report.since(t0), Report.Status.OK, "no TLS alert within " + POST_HANDSHAKE_WAIT_MS
                    + " ms: the server accepted the session" + (clientCert == null ? " without a client certificate" : " and our client certificate"));
            return null;
        } catch (IOException e) {
            String refusal = TlsProbe.clientCertificateRefusal(e, clientCert != null);
            String why = refusal != null ? refusal : "the server closed the TLS session right after the handshake: " + e.getMessage();
            report.phase("post-handshake", Report.since(t0), Report.Status.FAIL, why);
            return why;
        }
        socket.setSoTimeout(previous);
        return null;
    }

    /** After a failed handshake: does the port answer a plaintext PING? Then it is a plaintext port. */
    private String plaintextPing(InetAddress address) {
        try (Socket s = Network.reconnect(address, port, Duration.ofMillis(Math.min(2000, timeout.toMillis())))) {
            s.getOutputStream().write(Resp.command("PING"));
            Object reply = Resp.read(new WireInput(s.getInputStream()));
            String text = reply instanceof Resp.Error e ? "-" + e.message() : "+" + reply;
            return host + ":" + port + " did not answer with TLS: it answered a plaintext PING with " + text
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

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private TlsConfig config(TlsVerification level) {
        TlsConfig.Builder b = TlsConfig.builder().verification(level);
        if (level != TlsVerification.NONE) {
            if ("system".equals(rootCert)) {
                b.trustSystem();
            } else if (rootCert != null) {
                b.trustPemFile(Path.of(rootCert));
            }
        }
        if (clientCert != null) {
            b.clientCertificate(clientCert, clientKey, sslpassword);
        }
        return b.build();
    }

    private void verdicts(InetAddress address, TlsSession captured) {
        TlsProbe.Opener opener = () -> Network.reconnect(address, port, timeout);
        TlsProbe.Trust trust = rootCert == null || "system".equals(rootCert)
                ? new TlsProbe.Trust("the JDK's default trust store" + (rootCert == null ? " (no sslrootcert given)" : ""), null)
                : new TlsProbe.Trust("sslrootcert " + rootCert, Path.of(rootCert));
        report.trustDescription = trust.description();
        for (TlsVerification level : List.of(TlsVerification.FULL, TlsVerification.CA, TlsVerification.NONE)) {
            String mode = level.name().toLowerCase(Locale.ROOT);
            report.verdicts.add(TlsProbe.verdict(mode, opener, host, port, config(level), timeout, captured.peerChain(), trust));
        }
    }
}
