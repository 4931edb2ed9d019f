package dev.loomwire.cli;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgHost;
import dev.loomwire.pg.SslMode;
import dev.loomwire.pg.SslNegotiation;
import dev.loomwire.pg.protocol.Backend;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationCleartextPassword;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationMD5Password;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationOk;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationSASL;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationUnsupported;
import dev.loomwire.pg.protocol.BackendMessage.ErrorResponse;
import dev.loomwire.pg.protocol.BackendMessage.ParameterStatus;
import dev.loomwire.pg.protocol.BackendMessage.ReadyForQuery;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.ClientIdentity;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TrustSource;
import dev.loomwire.tls.TlsVerification;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Probes a PostgreSQL server at the wire level: SSLRequest (or direct TLS with ALPN
 * {@code postgresql}), the TLS handshake, the certificate chain, a verdict per sslmode, and the
 * authentication method the server asks for after a StartupMessage. It never authenticates.
 * Parameters, defaults and the TLS settings of every sslmode come from {@link PgConfig}, so each
 * verdict is what the driver would do with the same connection string.
 */
final class PgProbe {
    /** Before authentication no legitimate message comes anywhere near this. */
    private static final int MAX_STARTUP_MESSAGE_LENGTH = 1 << 20;
    private static final List<SslMode> VERDICT_MODES = List.of(SslMode.REQUIRE, SslMode.VERIFY_CA, SslMode.VERIFY_FULL);

    /** What the driver does with these parameters under one sslmode: its TLS settings and the name it verifies, or why it refuses. */
    private record ModeSetup(SslMode mode, TlsConfig tls, String verifyHost, String refusal) {}

    private final String conninfo;
    private final PgConfig cfg;
    private final Duration timeout;
    private final Report report;
    private final String sslmode;
    private final boolean direct;
    private final Map<SslMode, ModeSetup> setups = new EnumMap<>(SslMode.class);
    private final Map<List<Object>, Report.Verdict> judged = new HashMap<>();
    private TlsProbe.Opener opener;
    /** The host entry probed when the connection string names several (null: the only one). */
    private final PgHost host;
    /** in_hot_standby and default_transaction_read_only, when the server reported them (only without a password). */
    private String inHotStandby;
    private String readOnly;

    PgProbe(String conninfo, PgConfig cfg, Duration timeout) {
        this(conninfo, cfg, null, timeout);
    }

    /** Probes one {@code host} of a multi-host connection string. */
    PgProbe(String conninfo, PgConfig all, PgHost host, Duration timeout) {
        this.conninfo = conninfo;
        this.host = host;
        this.cfg = host == null ? all : all.forHost(host);
        this.timeout = timeout;
        sslmode = cfg.sslMode().keyword();
        direct = cfg.sslNegotiation() == SslNegotiation.DIRECT;
        report = new Report("PostgreSQL at " + (cfg.host() != null ? cfg.host() : cfg.hostaddr()) + ":" + cfg.port());
    }

    Report run() {
        probe();
        report.concludeFailure("sslmode=" + sslmode);
        return report;
    }

    /** "standby", "primary" or "primary, read-only" as the server reported it, or empty when it asked for a password first. */
    java.util.Optional<String> serverType() {
        if (inHotStandby == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("on".equals(inHotStandby) ? "standby" : "on".equals(readOnly) ? "primary, read-only" : "primary");
    }

    boolean hotStandby() {
        return "on".equals(inHotStandby);
    }

    boolean readOnly() {
        return "on".equals(readOnly) || hotStandby();
    }

    private void probe() {
        describeTarget();
        report.requestedMode = sslmode;
        ModeSetup capture = cfg.sslMode() == SslMode.DISABLE ? null : captureSetup();
        if (cfg.sslMode() != SslMode.DISABLE && capture == null) {
            String why = setup(cfg.sslMode()).refusal();
            report.phase("tls settings", null, Report.Status.FAIL, why);
            for (SslMode m : VERDICT_MODES) {
                report.verdicts.add(judge(setup(m), null));
            }
            report.conclusion = why;
            return;
        }
        Socket socket = Network.open(report, cfg.host(), cfg.hostaddr(), cfg.port(), timeout);
        if (socket == null) {
            return;
        }
        InetAddress address = socket.getInetAddress();
        try {
            if (capture == null) {
                report.phase("ssl", null, Report.Status.INFO, "sslmode=disable: no TLS attempted");
                startup(socket.getInputStream(), socket, false);
                report.success = true;
                report.conclusion = "sslmode=disable would connect WITHOUT encryption (TLS not probed; use sslmode=prefer or stricter to probe it)";
                return;
            }
            if (!direct && !sslRequest(socket)) {
                return;
            }
            if (direct) {
                report.phase("ssl negotiation", null, Report.Status.INFO,
                        "direct (PostgreSQL 17+): TLS ClientHello right away with ALPN postgresql, no SSLRequest");
            }
            TlsConfig unverified = capture.tls().toBuilder().verification(TlsVerification.NONE).build();
            TlsConnection connection = TlsProbe.capture(report, socket, capture.verifyHost(), cfg.port(), unverified, timeout,
                    direct ? "does the server support sslnegotiation=direct? It needs PostgreSQL 17 or newer" : null);
            TlsSession session = connection == null ? null : connection.session();
            if (session == null) {
                failAllModes(report.conclusion);
                if (!cfg.sslMode().requiresEncryption()) {
                    report.conclusion = report.conclusion + "; libpq with sslmode=" + sslmode
                            + " would then retry without TLS (not probed)";
                }
                return;
            }
            judged.put(List.of(unverified, capture.verifyHost()), new Report.Verdict("", true, "encrypted; the server certificate is not checked"));
            try {
                startup(connection.socket().getInputStream(), connection.socket(), true);
            } catch (IOException e) {
                String rejection = TlsProbe.serverRejection(e, connection);
                report.phase("startup", null, Report.Status.FAIL, rejection != null ? rejection
                        : "connection failed after the TLS handshake: " + e.getMessage());
            } finally {
                Network.closeQuietly(connection.socket());
            }
            verdicts(address, session);
            conclude(session);
        } catch (IOException e) {
            report.phase("error", null, Report.Status.FAIL, e.getMessage());
            report.conclusion = "probe failed: " + e.getMessage();
        } finally {
            Network.closeQuietly(socket);
        }
    }

    /** The driver's setup for {@code mode}: the same connection string with that sslmode. */
    private ModeSetup setup(SslMode mode) {
        return setups.computeIfAbsent(mode, m -> {
            try {
                PgConfig c = m == cfg.sslMode() ? cfg : PgConfig.builder().conninfo(conninfo).set("sslmode", m.keyword()).build();
                if (host != null && c != cfg) {
                    c = c.forHost(host);
                }
                return new ModeSetup(m, c.toTlsConfig(), c.tlsHost(), null);
            } catch (PgException e) {
                return new ModeSetup(m, null, null, e.getMessage());
            }
        });
    }

    /** A mode whose TLS settings the driver accepts, to take the unverified look at the server with; null if none. */
    private ModeSetup captureSetup() {
        for (SslMode m : List.of(cfg.sslMode(), SslMode.REQUIRE, SslMode.VERIFY_CA, SslMode.VERIFY_FULL)) {
            if (setup(m).refusal() == null) {
                return setup(m);
            }
        }
        return null;
    }

    private void describeTarget() {
        Map<String, Object> t = report.target;
        t.put("protocol", "postgresql");
        if (cfg.host() != null) t.put("host", cfg.host());
        if (cfg.hostaddr() != null) t.put("hostaddr", cfg.hostaddr());
        t.put("port", cfg.port());
        t.put("user", cfg.user());
        t.put("dbname", cfg.database());
        t.put("sslmode", sslmode + (given("sslmode", "PGSSLMODE") ? "" : " (default)"));
        t.put("sslnegotiation", direct ? "direct" : "postgres");
        t.put("sslrootcert", cfg.sslRootCert().map(r -> r.equals("system") ? "system: " + new TrustSource.OperatingSystem().location()
                : r + (given("sslrootcert", "PGSSLROOTCERT") ? "" : " (libpq default file)")).orElse("none"));
        cfg.sslCert().ifPresent(c -> {
            t.put("sslcert", c.toString());
            t.put("sslkey", cfg.sslKey().map(Object::toString).orElse("none"));
        });
        if (cfg.sslMode() != SslMode.DISABLE && captureSetup() != null && captureSetup().tls().clientIdentity() instanceof ClientIdentity.CertificateAndKeyFiles f && f.password() != null) {
            t.put("sslpassword", "(set, not shown)");
        }
        if (cfg.password().isPresent()) t.put("password", "(set, not shown; the probe does not authenticate)");
        if (!cfg.sslSni()) t.put("sslsni", "0");
    }

    /** Whether the user set this parameter, in the connection string or its environment variable (else it is a default). */
    private boolean given(String keyword, String environmentVariable) {
        return System.getenv(environmentVariable) != null
                || Pattern.compile("(^|[\\s?&])" + keyword + "\\s*=").matcher(conninfo).find();
    }

    /** Sends SSLRequest and reads exactly one byte; true when the server said 'S' and nothing else. */
    private boolean sslRequest(Socket socket) throws IOException {
        long t0 = System.nanoTime();
        InputStream in = socket.getInputStream();
        socket.getOutputStream().write(sslRequestMessage());
        int reply;
        try {
            reply = in.read();
        } catch (SocketTimeoutException e) {
            report.phase("sslrequest", Report.since(t0), Report.Status.FAIL, "no answer within " + timeout.toMillis() + " ms");
            failAllModes("the server did not answer the SSLRequest (is this a PostgreSQL port?)");
            report.conclusion = "no answer to the SSLRequest within " + timeout.toMillis() + " ms: is this a PostgreSQL port?";
            return false;
        }
        double ms = Report.since(t0);
        switch (reply) {
            case 'S' -> {
                int extra = in.available();
                if (extra > 0) {
                    report.phase("sslrequest", ms, Report.Status.FAIL, "S, followed by " + extra
                            + " unencrypted bytes before the TLS handshake");
                    String why = "received unencrypted data after the SSL response: someone between you and the server"
                            + " is injecting plaintext (CVE-2021-23222); refusing to go on";
                    failAllModes(why);
                    report.conclusion = why;
                    return false;
                }
                report.phase("sslrequest", ms, Report.Status.OK, "S: the server accepts TLS");
                return true;
            }
            case 'N' -> {
                report.phase("sslrequest", ms, Report.Status.WARN, "N: server does not support SSL");
                failAllModes("server does not support SSL");
                if (!cfg.sslMode().requiresEncryption()) {
                    startup(socket.getInputStream(), socket, false);
                    report.success = true;
                    report.warnings.add("the connection would NOT be encrypted: the server does not support SSL");
                    report.conclusion = "sslmode=" + sslmode + " would connect WITHOUT encryption: server does not support SSL";
                } else {
                    report.conclusion = "sslmode=" + sslmode + " would FAIL: server does not support SSL";
                }
                return false;
            }
            case 'E' -> {
                // The error text is unauthenticated (CVE-2024-10977): never show it.
                report.phase("sslrequest", ms, Report.Status.FAIL,
                        "E: the server answered with an error (text not shown: it is unauthenticated); a very old server?");
                failAllModes("the server answered the SSLRequest with an error");
                report.conclusion = "the server answered the SSLRequest with an error instead of S or N";
                return false;
            }
            case -1 -> {
                report.phase("sslrequest", ms, Report.Status.FAIL, "the server closed the connection");
                failAllModes("the server closed the connection after the SSLRequest");
                report.conclusion = "the server closed the connection after the SSLRequest: is this a PostgreSQL port?";
                return false;
            }
            default -> {
                report.phase("sslrequest", ms, Report.Status.FAIL, String.format("unexpected reply byte 0x%02x", reply));
                failAllModes("not a PostgreSQL server reply");
                report.conclusion = String.format("unexpected reply 0x%02x to the SSLRequest: is this a PostgreSQL port?"
                        + " (a TLS port would need sslnegotiation=direct)", reply);
                return false;
            }
        }
    }

    /** StartupMessage, then report what the server asks for; closes without authenticating. */
    private void startup(InputStream in, Socket socket, boolean overTls) throws IOException {
        long t0 = System.nanoTime();
        socket.getOutputStream().write(startupMessage(cfg.user(), cfg.database()));
        String serverVersion = null;
        String auth = null;
        Report.Status status = Report.Status.OK;
        List<String> mechanisms = null;
        try {
            read:
            for (int n = 0; n < 200; n++) {
                BackendMessage m = readMessage(in);
                switch (m) {
                    case ParameterStatus p when p.name().equals("server_version") -> serverVersion = p.value();
                    case ParameterStatus p when p.name().equals("in_hot_standby") -> inHotStandby = p.value();
                    case ParameterStatus p when p.name().equals("default_transaction_read_only") -> readOnly = p.value();
                    case ErrorResponse e -> {
                        auth = "server refused: " + errorText(e.fields());
                        status = Report.Status.WARN;
                        break read;
                    }
                    case ReadyForQuery r -> {
                        break read;
                    }
                    case AuthenticationOk ok -> auth = authRequest(ok);
                    default -> {
                        if (authRequest(m) != null) {
                            auth = authRequest(m);
                            mechanisms = m instanceof AuthenticationSASL sasl ? sasl.mechanisms() : null;
                            break read;
                        }
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            auth = "no answer to the StartupMessage within " + timeout.toMillis() + " ms";
            status = Report.Status.FAIL;
        } catch (ProtocolException e) {
            auth = "not a valid PostgreSQL reply to the StartupMessage: " + e.getMessage();
            status = Report.Status.FAIL;
        }
        if (auth == null) {
            auth = "the server closed the connection without asking for authentication";
            status = Report.Status.FAIL;
        }
        Report.Phase p = report.phase("startup", Report.since(t0), status, auth);
        p.details().put("sent", "StartupMessage protocol 3.0, user " + cfg.user() + ", database " + cfg.database()
                + (overTls ? ", over TLS" : ", in PLAINTEXT"));
        if (mechanisms != null) {
            p.data().put("sasl mechanisms", mechanisms);
            if (overTls && !mechanisms.contains("SCRAM-SHA-256-PLUS")) {
                p.details().put("note", "SCRAM-SHA-256-PLUS (channel binding) not offered");
            }
        }
        try {
            ByteSink terminate = new ByteSink(8);
            Frontend.terminate(terminate);
            socket.getOutputStream().write(terminate.toByteArray());
        } catch (IOException ignored) {
            // the server may already have closed: we are done anyway
        }
        report.phase("server version", null, Report.Status.INFO, serverVersion != null
                ? "PostgreSQL " + serverVersion
                : "known only after authentication (the probe does not log in)");
    }

    static byte[] sslRequestMessage() {
        ByteSink out = new ByteSink(8);
        Frontend.sslRequest(out);
        return out.toByteArray();
    }

    static byte[] startupMessage(String user, String database) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", user);
        params.put("database", database);
        params.put("application_name", "loomwire-probe");
        ByteSink out = new ByteSink();
        Frontend.startup(out, params);
        return out.toByteArray();
    }

    /**
     * One backend message, read with exactly as many bytes as its header announces: nothing after
     * it is consumed, so the stream stays where the protocol says it is.
     */
    static BackendMessage readMessage(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length < 5) {
            throw new EOFException("the server closed the connection");
        }
        int length = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        if (length < 4 || length > MAX_STARTUP_MESSAGE_LENGTH) {
            throw new ProtocolException(Backend.name(header[0]) + ": implausible message length " + length);
        }
        byte[] body = in.readNBytes(length - 4);
        if (body.length < length - 4) {
            throw new EOFException("the server closed the connection in the middle of a message");
        }
        return Backend.decode(header[0], body);
    }

    /** What an authentication request asks for, in pg_hba.conf terms; null for other messages. */
    static String authRequest(BackendMessage m) {
        return switch (m) {
            case AuthenticationOk ok -> "AuthenticationOk: no password asked (trust, or a certificate/peer method)";
            case AuthenticationCleartextPassword p -> "cleartext password (pg_hba method password)";
            case AuthenticationMD5Password p -> "MD5 password (pg_hba method md5)";
            case AuthenticationSASL sasl -> "SASL: " + String.join(", ", sasl.mechanisms());
            case AuthenticationUnsupported u -> u.methodName() + " (not supported by loomwire)";
            default -> null;
        };
    }

    /** Severity, SQLSTATE and message of an ErrorResponse received after the SSL negotiation. */
    static String errorText(Map<Character, String> fields) {
        return fields.getOrDefault('S', "ERROR") + " " + fields.getOrDefault('C', "?") + " " + fields.getOrDefault('M', "");
    }

    private void verdicts(InetAddress address, TlsSession captured) {
        opener = () -> {
            Socket s = Network.reconnect(address, cfg.port(), timeout);
            if (!direct) {
                s.getOutputStream().write(sslRequestMessage());
                int r = s.getInputStream().read();
                if (r != 'S') {
                    Network.closeQuietly(s);
                    throw new IOException("the server answered the SSLRequest with " + (r < 0 ? "nothing" : "'" + (char) r + "'") + " this time");
                }
            }
            return s;
        };
        ModeSetup ca = setup(SslMode.VERIFY_CA);
        report.trustDescription = ca.refusal() == null ? TlsProbe.Trust.of(ca.tls()).description()
                : cfg.sslRootCert().map(r -> "sslrootcert " + r).orElse("no sslrootcert (and no ~/.postgresql/root.crt)");
        for (SslMode m : VERDICT_MODES) {
            report.verdicts.add(judge(setup(m), captured));
        }
    }

    /** Would the driver's setup for this mode succeed? Identical settings are judged once. */
    private Report.Verdict judge(ModeSetup s, TlsSession captured) {
        String mode = s.mode().keyword();
        if (s.refusal() != null) {
            String prefix = cfg.sslRootCert().isEmpty() && s.refusal().contains("root certificate")
                    ? "no root certificate to verify against: " : "";
            return new Report.Verdict(mode, false, prefix + s.refusal());
        }
        Report.Verdict v = judged.computeIfAbsent(List.of(s.tls(), s.verifyHost()), k -> TlsProbe.verdict(mode, opener,
                s.verifyHost(), cfg.port(), s.tls(), timeout, captured.peerChain(), TlsProbe.Trust.of(s.tls())));
        String reason = v.reason();
        if (s.mode() == SslMode.REQUIRE && s.tls().verification() != TlsVerification.NONE) {
            reason = "with a root certificate present libpq checks the chain as for verify-ca: " + reason;
        }
        return new Report.Verdict(mode, v.ok(), reason);
    }

    private void failAllModes(String why) {
        for (SslMode m : VERDICT_MODES) {
            report.verdicts.add(new Report.Verdict(m.keyword(), false, why));
        }
    }

    private void conclude(TlsSession captured) {
        Report.Verdict v = report.verdict(sslmode);
        if (v == null) { // prefer, allow: the driver's own TLS settings for this mode decide whether TLS is used
            ModeSetup setup = setup(cfg.sslMode());
            Report.Verdict tls = judge(setup, captured);
            report.success = tls.ok();
            report.conclusion = !tls.ok()
                    ? "sslmode=" + sslmode + ": the TLS connection would fail (" + tls.reason()
                      + "); libpq would then retry without TLS (not probed)"
                    : "sslmode=" + sslmode + " would connect with TLS" + (setup.tls().verification() == TlsVerification.NONE
                      ? " (no certificate check: use verify-full to be safe)" : " (" + tls.reason() + ")");
            return;
        }
        report.success = v.ok();
        report.conclusion = "sslmode=" + sslmode + (v.ok() ? " would succeed" : " would FAIL: " + v.reason());
    }
}
