package dev.loomwire.cli;

import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TlsVerification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probes a PostgreSQL server at the wire level: SSLRequest (or direct TLS with ALPN
 * {@code postgresql}), the TLS handshake, the certificate chain, a verdict per sslmode, and the
 * authentication method the server asks for after a StartupMessage. It never authenticates.
 */
final class PgProbe {
    static final byte[] SSL_REQUEST = {0x00, 0x00, 0x00, 0x08, 0x04, (byte) 0xD2, 0x16, 0x2F};
    private static final int PROTOCOL_3_0 = 196608;

    private final ConnInfo info;
    private final Duration timeout;
    private final Report report;
    private final String host;
    private final String hostaddr;
    private final int port;
    private final String user;
    private final String dbname;
    private final String sslmode;
    private final boolean direct;
    private final boolean sni;
    private final String rootCert;      // file path, "system", or null
    private final boolean rootCertDefault;
    private final Path clientCert;
    private final Path clientKey;
    private final char[] sslpassword;

    PgProbe(ConnInfo info, Duration timeout) {
        this.info = info;
        this.timeout = timeout;
        String h = info.get("host", null);
        hostaddr = info.get("hostaddr", null);
        host = h != null ? h : hostaddr == null ? "localhost" : null;
        port = Integer.parseInt(info.get("port", "5432"));
        user = info.get("user", System.getenv().getOrDefault("PGUSER", System.getProperty("user.name")));
        dbname = info.get("dbname", user);
        String given = info.get("sslrootcert", null);
        sslmode = info.get("sslmode", "system".equals(given) ? "verify-full" : "prefer");
        direct = "direct".equals(info.get("sslnegotiation", "postgres"));
        sni = !"0".equals(info.get("sslsni", "1"));
        Path pgDir = Path.of(System.getenv().getOrDefault("HOME", System.getProperty("user.home")), ".postgresql");
        if (given == null && Files.isRegularFile(pgDir.resolve("root.crt"))) {
            rootCert = pgDir.resolve("root.crt").toString();
            rootCertDefault = true;
        } else {
            rootCert = given;
            rootCertDefault = false;
        }
        String cert = info.get("sslcert", null);
        String key = info.get("sslkey", null);
        if (cert == null && Files.isRegularFile(pgDir.resolve("postgresql.crt"))) {
            cert = pgDir.resolve("postgresql.crt").toString();
        }
        if (key == null && cert != null && Files.isRegularFile(pgDir.resolve("postgresql.key"))) {
            key = pgDir.resolve("postgresql.key").toString();
        }
        clientCert = cert == null ? null : Path.of(cert);
        clientKey = key == null ? null : Path.of(key);
        String pw = info.get("sslpassword", null);
        sslpassword = pw == null ? null : pw.toCharArray();
        report = new Report("PostgreSQL at " + (host != null ? host : hostaddr) + ":" + port);
    }

    Report run() throws UsageException {
        probe();
        report.concludeFailure("sslmode=" + sslmode);
        return report;
    }

    private Report probe() throws UsageException {
        if ((clientCert == null) != (clientKey == null)) {
            throw new UsageException("sslcert and sslkey go together: give both (got only "
                    + (clientCert == null ? "sslkey" : "sslcert") + ")");
        }
        describeTarget();
        report.requestedMode = sslmode;
        List<InetAddress> addresses = Network.resolve(report, host, hostaddr);
        if (addresses == null) {
            return report;
        }
        Socket socket = Network.connect(report, addresses, port, timeout);
        if (socket == null) {
            return report;
        }
        InetAddress address = socket.getInetAddress();
        try {
            if (sslmode.equals("disable")) {
                report.phase("ssl", null, Report.Status.INFO, "sslmode=disable: no TLS attempted");
                startup(socket.getInputStream(), socket, false);
                report.success = true;
                report.conclusion = "sslmode=disable would connect WITHOUT encryption (TLS not probed; use sslmode=prefer or stricter to probe it)";
                return report;
            }
            if (!direct && !sslRequest(socket)) {
                return report;
            }
            if (direct) {
                report.phase("ssl negotiation", null, Report.Status.INFO,
                        "direct (PostgreSQL 17+): TLS ClientHello right away with ALPN postgresql, no SSLRequest");
            }
            TlsSession session = TlsProbe.capture(report, socket, host, port, config(TlsVerification.NONE), timeout,
                    direct ? "does the server support sslnegotiation=direct? It needs PostgreSQL 17 or newer" : null);
            if (session == null) {
                failAllModes(report.conclusion);
                if (sslmode.equals("prefer") || sslmode.equals("allow")) {
                    report.conclusion = report.conclusion + "; libpq with sslmode=" + sslmode
                            + " would then retry without TLS (not probed)";
                }
                return report;
            }
            try {
                startup(session.socket().getInputStream(), session.socket(), true);
            } catch (IOException e) {
                report.phase("startup", null, Report.Status.FAIL, "connection failed after the TLS handshake: " + e.getMessage());
            } finally {
                Network.closeQuietly(session.socket());
            }
            verdicts(address, session);
            conclude();
            return report;
        } catch (IOException e) {
            report.phase("error", null, Report.Status.FAIL, e.getMessage());
            report.conclusion = "probe failed: " + e.getMessage();
            return report;
        } finally {
            Network.closeQuietly(socket);
        }
    }

    private void describeTarget() {
        Map<String, Object> t = report.target;
        t.put("protocol", "postgresql");
        if (host != null) t.put("host", host);
        if (hostaddr != null) t.put("hostaddr", hostaddr);
        t.put("port", port);
        t.put("user", user);
        t.put("dbname", dbname);
        t.put("sslmode", sslmode + (info.get("sslmode") == null ? " (default)" : ""));
        t.put("sslnegotiation", direct ? "direct" : "postgres");
        t.put("sslrootcert", rootCert == null ? "none" : rootCert + (rootCertDefault ? " (libpq default file)" : ""));
        if (clientCert != null) {
            t.put("sslcert", clientCert.toString());
            t.put("sslkey", clientKey.toString());
        }
        if (sslpassword != null) t.put("sslpassword", "(set, not shown)");
        if (info.get("password") != null) t.put("password", "(set, not shown; the probe does not authenticate)");
        if (!sni) t.put("sslsni", "0");
    }

    /** Sends SSLRequest and reads exactly one byte; true when the server said 'S' and nothing else. */
    private boolean sslRequest(Socket socket) throws IOException {
        long t0 = System.nanoTime();
        InputStream in = socket.getInputStream();
        socket.getOutputStream().write(SSL_REQUEST);
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
                if (sslmode.equals("prefer") || sslmode.equals("allow")) {
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
    private void startup(InputStream rawIn, Socket socket, boolean overTls) throws IOException {
        long t0 = System.nanoTime();
        socket.getOutputStream().write(startupMessage(user, dbname));
        WireInput in = new WireInput(rawIn);
        String serverVersion = null;
        String auth = null;
        Report.Status status = Report.Status.OK;
        List<String> mechanisms = null;
        try {
            for (int n = 0; n < 200; n++) {
                int type = in.readByte();
                int len = in.readInt();
                byte[] body = in.readExact(len - 4);
                if (type == 'R') {
                    int code = readInt(body, 0);
                    if (code != 0) {
                        auth = authMethod(code, body);
                        if (code == 10) {
                            mechanisms = cstrings(body, 4);
                        }
                        break;
                    }
                    auth = "AuthenticationOk: no password asked (trust, or a certificate/peer method)";
                } else if (type == 'S') {
                    List<String> kv = cstrings(body, 0);
                    if (kv.size() >= 2 && kv.get(0).equals("server_version")) {
                        serverVersion = kv.get(1);
                    }
                } else if (type == 'E') {
                    auth = "server refused: " + errorText(body);
                    status = Report.Status.WARN;
                    break;
                } else if (type == 'Z') {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            auth = "no answer to the StartupMessage within " + timeout.toMillis() + " ms";
            status = Report.Status.FAIL;
        }
        if (auth == null) {
            auth = "the server closed the connection without asking for authentication";
            status = Report.Status.FAIL;
        }
        Report.Phase p = report.phase("startup", Report.since(t0), status, auth);
        p.details().put("sent", "StartupMessage protocol 3.0, user " + user + ", database " + dbname
                + (overTls ? ", over TLS" : ", in PLAINTEXT"));
        if (mechanisms != null) {
            p.data().put("sasl mechanisms", mechanisms);
            if (overTls && !mechanisms.contains("SCRAM-SHA-256-PLUS")) {
                p.details().put("note", "SCRAM-SHA-256-PLUS (channel binding) not offered");
            }
        }
        try {
            socket.getOutputStream().write(new byte[] {'X', 0, 0, 0, 4});
        } catch (IOException ignored) {
            // the server may already have closed: we are done anyway
        }
        report.phase("server version", null, Report.Status.INFO, serverVersion != null
                ? "PostgreSQL " + serverVersion
                : "known only after authentication (the probe does not log in)");
    }

    static byte[] startupMessage(String user, String database) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String s : new String[] {"user", user, "database", database, "application_name", "loomwire-probe"}) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        int len = 8 + body.size();
        ByteArrayOutputStream msg = new ByteArrayOutputStream(len);
        writeInt(msg, len);
        writeInt(msg, PROTOCOL_3_0);
        msg.writeBytes(body.toByteArray());
        return msg.toByteArray();
    }

    static String authMethod(int code, byte[] body) {
        return switch (code) {
            case 2 -> "Kerberos V5 (unsupported by modern servers)";
            case 3 -> "cleartext password (pg_hba method password)";
            case 5 -> "MD5 password (pg_hba method md5)";
            case 7 -> "GSSAPI";
            case 9 -> "SSPI";
            case 10 -> "SASL: " + String.join(", ", cstrings(body, 4));
            default -> "authentication request code " + code;
        };
    }

    /** Severity, SQLSTATE and message of an ErrorResponse received over TLS. */
    static String errorText(byte[] body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char f = (char) body[i++];
            int end = i;
            while (end < body.length && body[end] != 0) end++;
            fields.put(f, WireInput.utf8(body, i, end));
            i = end + 1;
        }
        return fields.getOrDefault('S', "ERROR") + " " + fields.getOrDefault('C', "?") + " " + fields.getOrDefault('M', "");
    }

    static List<String> cstrings(byte[] b, int from) {
        List<String> out = new ArrayList<>();
        int i = from;
        while (i < b.length && b[i] != 0) {
            int end = i;
            while (end < b.length && b[end] != 0) end++;
            out.add(WireInput.utf8(b, i, end));
            i = end + 1;
        }
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private TlsConfig config(TlsVerification level) {
        TlsConfig.Builder b = TlsConfig.builder().verification(level).sni(sni);
        if (direct) {
            b.alpn("postgresql");
        }
        if (level != TlsVerification.NONE) {
            if ("system".equals(rootCert)) {
                b.trustSystem();
            } else {
                b.trustPemFile(Path.of(rootCert));
            }
        }
        if (clientCert != null) {
            b.clientCertificate(clientCert, clientKey, sslpassword);
        }
        return b.build();
    }

    private TlsProbe.Trust trust() {
        if ("system".equals(rootCert)) {
            return new TlsProbe.Trust("sslrootcert=system (the JDK's default trust store)", null);
        }
        return new TlsProbe.Trust("sslrootcert " + rootCert, Path.of(rootCert));
    }

    private void verdicts(InetAddress address, TlsSession captured) {
        TlsProbe.Opener opener = () -> {
            Socket s = Network.reconnect(address, port, timeout);
            if (!direct) {
                s.getOutputStream().write(SSL_REQUEST);
                int r = s.getInputStream().read();
                if (r != 'S') {
                    Network.closeQuietly(s);
                    throw new IOException("the server answered the SSLRequest with " + (r < 0 ? "nothing" : "'" + (char) r + "'") + " this time");
                }
            }
            return s;
        };
        List<java.security.cert.X509Certificate> chain = captured.peerChain();
        report.trustDescription = rootCert == null ? "no sslrootcert (and no ~/.postgresql/root.crt)" : trust().description();
        Report.Verdict ca;
        Report.Verdict full;
        if (rootCert == null) {
            String why = "no root certificate to verify against: give sslrootcert=<CA file> (libpq looks for ~/.postgresql/root.crt, which does not exist)";
            ca = new Report.Verdict("verify-ca", false, why);
            full = new Report.Verdict("verify-full", false, why);
        } else {
            ca = TlsProbe.verdict("verify-ca", opener, host, port, config(TlsVerification.CA), timeout, chain, trust());
            full = host == null
                    ? new Report.Verdict("verify-full", false, "host name must be specified for verify-full (only hostaddr is given)")
                    : TlsProbe.verdict("verify-full", opener, host, port, config(TlsVerification.FULL), timeout, chain, trust());
        }
        if (rootCert != null && info.get("sslrootcert") != null || rootCertDefault) {
            // libpq: sslmode=require with a root certificate file present verifies like verify-ca
            report.verdicts.add(new Report.Verdict("require", ca.ok(), ca.ok()
                    ? "encrypted; with a root certificate present libpq verifies the chain as for verify-ca: " + ca.reason()
                    : "with a root certificate present libpq checks the chain as for verify-ca: " + ca.reason()));
        } else {
            report.verdicts.add(new Report.Verdict("require", true, "encrypted; the server certificate is not checked"));
        }
        report.verdicts.add(ca);
        report.verdicts.add(full);
    }

    private void failAllModes(String why) {
        for (String mode : List.of("require", "verify-ca", "verify-full")) {
            report.verdicts.add(new Report.Verdict(mode, false, why));
        }
    }

    private void conclude() {
        Report.Verdict v = report.verdict(sslmode);
        if (v == null) { // prefer, allow: TLS worked
            report.success = true;
            report.conclusion = "sslmode=" + sslmode + " would connect with TLS (no certificate check: use verify-full to be safe)";
            return;
        }
        report.success = v.ok();
        report.conclusion = "sslmode=" + sslmode + (v.ok() ? " would succeed" : " would FAIL: " + v.reason());
    }
}
