package dev.loomwire.cli;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.ConnectPhase;
import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgException;
import dev.loomwire.pg.PgHost;
import dev.loomwire.pg.SslMode;
import dev.loomwire.pg.SslNegotiation;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationCleartextPassword;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationMD5Password;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationOk;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationSASL;
import dev.loomwire.pg.protocol.BackendMessage.AuthenticationUnsupported;
import dev.loomwire.pg.protocol.BackendMessage.ErrorResponse;
import dev.loomwire.pg.protocol.BackendMessage.ParameterStatus;
import dev.loomwire.tls.ClientIdentity;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsVerification;
import dev.loomwire.tls.TrustSource;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Probes a PostgreSQL server: SSLRequest (or direct TLS with ALPN {@code postgresql}), the TLS
 * handshake, the certificate chain, a verdict per sslmode, and the authentication method the server
 * asks for after a StartupMessage. It never authenticates. The probe is a {@link ConnectListener}
 * over the driver's own attempt ({@link ProbeAccess.Pg#probe}, which stops before a password is sent):
 * sockets, the SSLRequest and its CVE-2021-23222 check, TLS layering and startup framing are the
 * driver's. Each verification mode's verdict is another such attempt with that mode's settings, so
 * it is what the driver would decide with the same connection string.
 */
final class PgProbe {
    private static final List<SslMode> VERDICT_MODES = List.of(SslMode.REQUIRE, SslMode.VERIFY_CA, SslMode.VERIFY_FULL);

    /** What the driver does with these parameters under one sslmode: its TLS settings and the name it verifies, or why it refuses. */
    private record ModeSetup(SslMode mode, PgConfig config, TlsConfig tls, String verifyHost, String refusal) {}

    private final String conninfo;
    private final PgConfig cfg;
    private final Duration timeout;
    private final Report report;
    private final String sslmode;
    private final boolean direct;
    private final Map<SslMode, ModeSetup> setups = new EnumMap<>(SslMode.class);
    private final Map<List<Object>, Report.Verdict> judged = new HashMap<>();
    /** The address the probe reached; the verdicts' attempts go there too. */
    private InetAddress probed;
    /** The host entry probed when the connection string names several (null: the only one). */
    private final PgHost host;
    /** The driver's target_session_attrs decision for the server, known only when it let the probe in without a password. */
    private ProbeAccess.ServerCheck serverCheck = new ProbeAccess.ServerCheck.Unknown();

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

    /**
     * What the driver's connector decided about the server's type (the same check
     * target_session_attrs runs when connecting): unknown when it asked for a password first.
     */
    ProbeAccess.ServerCheck serverCheck() {
        return serverCheck;
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
        List<InetAddress> addresses = Network.resolve(report, cfg.host(), cfg.hostaddr());
        if (addresses == null) {
            return;
        }
        // The unverified look at the server: the driver's own attempt, with verification off to see any chain.
        TlsConfig unverified = capture == null ? null : capture.tls().toBuilder().verification(TlsVerification.NONE).build();
        PgConfig attemptCfg = capture == null ? cfg : capture.config();
        List<String> tcpFailures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (InetAddress a : addresses) {
            PhaseRecorder<BackendMessage> seen = new PhaseRecorder<>();
            ProbeAccess.PgAttempt result = ProbeAccess.pg().probe(attemptCfg, unverified, a, timeout, seen);
            Optional<PhaseRecorder.Step> tcp = seen.step(ConnectPhase.TCP);
            if (tcp.isPresent() && tcp.get().failure() != null) {
                tcpFailures.add(Network.hostPort(a, cfg.port()) + ": " + (tcp.get().failure() instanceof SocketTimeoutException
                        ? "no answer within " + timeout.toMillis() + " ms (firewall?)" : tcp.get().failure().getMessage()));
                continue;
            }
            Report.Phase p = report.phase("tcp connect", tcp.map(PhaseRecorder.Step::millis).orElse(null), Report.Status.OK,
                    "connected to " + Network.hostPort(a, cfg.port()));
            if (!tcpFailures.isEmpty()) {
                p.details().put("failed first", tcpFailures);
            }
            serverCheck = result.serverCheck();
            render(capture, unverified, seen, result, a);
            return;
        }
        Report.Phase p = report.phase("tcp connect", Report.since(t0), Report.Status.FAIL, "cannot connect to port " + cfg.port());
        p.details().put("attempts", tcpFailures);
        report.conclusion = "cannot connect: " + String.join("; ", tcpFailures);
    }

    /** Turns what the connector reported into the report's phases, verdicts and conclusion. */
    private void render(ModeSetup capture, TlsConfig unverified, PhaseRecorder<BackendMessage> seen, ProbeAccess.PgAttempt result,
                        InetAddress address) {
        if (capture == null) {
            report.phase("ssl", null, Report.Status.INFO, "sslmode=disable: no TLS attempted");
        } else if (direct) {
            report.phase("ssl negotiation", null, Report.Status.INFO,
                    "direct (PostgreSQL 17+): TLS ClientHello right away with ALPN postgresql, no SSLRequest");
        }
        boolean refusedSsl = false;
        for (PhaseRecorder.Step step : seen.steps) {
            double ms = step.millis();
            switch (step.phase()) {
                case SSL_REQUEST -> {
                    if (step.failure() != null) {
                        report.phase("sslrequest", ms, Report.Status.FAIL, step.failure().getMessage());
                        failAllModes(step.failure().getMessage());
                        report.conclusion = step.failure().getMessage();
                    } else if (step.detail().endsWith("S")) {
                        report.phase("sslrequest", ms, Report.Status.OK, "S: the server accepts TLS");
                    } else {
                        refusedSsl = true;
                        report.phase("sslrequest", ms, Report.Status.WARN, "N: server does not support SSL");
                        failAllModes("server does not support SSL");
                        if (cfg.sslMode().requiresEncryption()) {
                            report.conclusion = "sslmode=" + sslmode + " would FAIL: server does not support SSL";
                        }
                    }
                }
                case TLS -> {
                    if (step.failure() == null) {
                        result.tls().ifPresent(session -> TlsProbe.describe(report, session));
                    } else {
                        String hint = direct && step.failure() instanceof TlsException te
                                && te.kind() == TlsException.Kind.CLOSED_BY_PEER
                                ? " (does the server support sslnegotiation=direct? It needs PostgreSQL 17 or newer)" : "";
                        report.phase("tls handshake", ms, Report.Status.FAIL, step.failure().getMessage() + hint);
                        report.conclusion = step.failure().getMessage() + hint;
                        failAllModes(report.conclusion);
                        if (!cfg.sslMode().requiresEncryption()) {
                            report.conclusion = report.conclusion + "; libpq with sslmode=" + sslmode
                                    + " would then retry without TLS (not probed)";
                        }
                    }
                }
                case AUTH -> startup(step, seen.received, result.tls().isPresent(), ms);
                default -> { }
            }
        }
        boolean reachedStartup = seen.step(ConnectPhase.AUTH).isPresent();
        if (!reachedStartup && report.conclusion == null) {
            String why = result.failure().map(Throwable::getMessage).orElse("the connection ended before the StartupMessage");
            report.phase("error", null, Report.Status.FAIL, why);
            report.conclusion = "probe failed: " + why;
            return;
        }
        if (capture == null || refusedSsl) {
            if (reachedStartup) {
                report.success = true;
                if (refusedSsl) {
                    report.warnings.add("the connection would NOT be encrypted: the server does not support SSL");
                    report.conclusion = "sslmode=" + sslmode + " would connect WITHOUT encryption: server does not support SSL";
                } else {
                    report.conclusion = "sslmode=disable would connect WITHOUT encryption (TLS not probed; use sslmode=prefer"
                            + " or stricter to probe it)";
                }
            }
            return;
        }
        if (result.tls().isEmpty()) {
            return;
        }
        probed = address;
        judged.put(List.of(unverified, capture.verifyHost()), new Report.Verdict("", true, "encrypted; the server certificate is not checked"));
        ModeSetup ca = setup(SslMode.VERIFY_CA);
        report.trustDescription = ca.refusal() == null ? TlsProbe.Trust.of(ca.tls()).description()
                : cfg.sslRootCert().map(r -> "sslrootcert " + r).orElse("no sslrootcert (and no ~/.postgresql/root.crt)");
        for (SslMode m : VERDICT_MODES) {
            report.verdicts.add(judge(setup(m), result.tls().get()));
        }
        conclude(result.tls().get());
    }

    /** The "startup" phase: what the server asked for after the StartupMessage (the probe stopped there). */
    private void startup(PhaseRecorder.Step step, List<BackendMessage> received, boolean overTls, double ms) {
        String serverVersion = null;
        String auth = null;
        Report.Status status = Report.Status.OK;
        List<String> mechanisms = null;
        for (BackendMessage m : received) {
            switch (m) {
                case ParameterStatus p when p.name().equals("server_version") -> serverVersion = p.value();
                case ErrorResponse e -> {
                    auth = "server refused: " + errorText(e.fields());
                    status = Report.Status.WARN;
                }
                default -> {
                    if (auth == null && authRequest(m) != null) {
                        auth = authRequest(m);
                        mechanisms = m instanceof AuthenticationSASL sasl ? sasl.mechanisms() : null;
                    }
                }
            }
        }
        if (auth == null) {
            auth = step.failure() != null ? (overTls ? "connection failed after the TLS handshake: " : "")
                    + step.failure().getMessage() : "the server closed the connection without asking for authentication";
            status = Report.Status.FAIL;
        }
        Report.Phase p = report.phase("startup", ms, status, auth);
        p.details().put("sent", "StartupMessage protocol 3.0, user " + cfg.user() + ", database " + cfg.database()
                + (overTls ? ", over TLS" : ", in PLAINTEXT"));
        if (mechanisms != null) {
            p.data().put("sasl mechanisms", mechanisms);
            if (overTls && !mechanisms.contains("SCRAM-SHA-256-PLUS")) {
                p.details().put("note", "SCRAM-SHA-256-PLUS (channel binding) not offered");
            }
        }
        report.phase("server version", null, Report.Status.INFO, serverVersion != null
                ? "PostgreSQL " + serverVersion
                : "known only after authentication (the probe does not log in)");
    }


    /** The driver's setup for {@code mode}: the same connection string with that sslmode. */
    private ModeSetup setup(SslMode mode) {
        return setups.computeIfAbsent(mode, m -> {
            try {
                PgConfig c = m == cfg.sslMode() ? cfg : PgConfig.builder().conninfo(conninfo).set("sslmode", m.keyword()).build();
                if (host != null && c != cfg) {
                    c = c.forHost(host);
                }
                return new ModeSetup(m, c, c.toTlsConfig(), c.tlsHost(), null);
            } catch (PgException e) {
                return new ModeSetup(m, null, null, null, e.getMessage());
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

    /** Would the driver's setup for this mode succeed? Identical settings are judged once. */
    private Report.Verdict judge(ModeSetup s, TlsSession captured) {
        String mode = s.mode().keyword();
        if (s.refusal() != null) {
            String prefix = cfg.sslRootCert().isEmpty() && s.refusal().contains("root certificate")
                    ? "no root certificate to verify against: " : "";
            return new Report.Verdict(mode, false, prefix + s.refusal());
        }
        Report.Verdict v = judged.computeIfAbsent(List.of(s.tls(), s.verifyHost()), k -> attempt(s, captured));
        String reason = v.reason();
        if (s.mode() == SslMode.REQUIRE && s.tls().verification() != TlsVerification.NONE) {
            reason = "with a root certificate present libpq checks the chain as for verify-ca: " + reason;
        }
        return new Report.Verdict(mode, v.ok(), reason);
    }

    /** Would a handshake with this mode's settings succeed? The driver's own attempt (to the same address) says. */
    private Report.Verdict attempt(ModeSetup s, TlsSession captured) {
        String mode = s.mode().keyword();
        TlsProbe.Trust trust = TlsProbe.Trust.of(s.tls());
        ProbeAccess.PgAttempt r = ProbeAccess.pg().probe(s.config(), s.tls(), probed, timeout, ConnectListener.none());
        if (r.tls().isPresent()) {
            return new Report.Verdict(mode, true, TlsProbe.passed(s.tls(), s.verifyHost(), trust));
        }
        for (Throwable t = r.failure().orElse(null); t != null; t = t.getCause()) {
            if (t instanceof TlsException te) {
                return new Report.Verdict(mode, false, TlsProbe.explain(te, s.verifyHost(), captured.peerChain(), trust));
            }
        }
        return new Report.Verdict(mode, false, "could not open another connection to check: "
                + r.failure().map(Throwable::getMessage).orElse("no TLS handshake"));
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
