package dev.loomwire.cli;

import dev.loomwire.tls.PemFiles;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsConnection;
import dev.loomwire.tls.TlsSession;
import dev.loomwire.tls.TrustSource;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS part shared by the PostgreSQL and Redis probes: how the handshake without verification
 * (run by the driver's connector) is reported, and how a verdict per verification level (another
 * connector attempt with that level) is explained, so each verdict is what a driver would decide.
 */
final class TlsProbe {
    /** How the configured trust is named in verdicts: the setting and its value. */
    record Trust(String description, Path pemFile) {
        /** The trust source a driver's TLS settings name. */
        static Trust of(TlsConfig config) {
            return switch (config.trust()) {
                case TrustSource.PemFile f -> new Trust("sslrootcert " + f.path(), f.path());
                case TrustSource.OperatingSystem o -> new Trust("sslrootcert=system: " + o.location(), null);
                case TrustSource.KeyStoreFile k -> new Trust("ssltruststore " + k.path(), null);
                case TrustSource.Certificates c -> new Trust(c.certificates().size() + " trusted certificates given in memory", null);
                case TrustSource.JdkDefault j -> new Trust("the JDK's default trust store (no sslrootcert given)", null);
            };
        }
    }

    private TlsProbe() {}

    /** Records the "tls handshake" phase of a completed handshake: what was negotiated and the chain the server sent. */
    static void describe(Report report, TlsSession session) {
        Report.Phase p = report.phase("tls handshake", session.handshakeTime().toNanos() / 1_000_000.0, Report.Status.OK,
                session.protocol() + " " + session.cipherSuite());
        p.data().put("protocol", session.protocol());
        p.data().put("cipher", session.cipherSuite());
        p.details().put("alpn", session.alpn() == null ? "none" : session.alpn());
        p.details().put("sni sent", session.sniSent() == null ? "none" : session.sniSent());
        p.details().put("session resumed", session.resumed() ? "yes" : "no (full handshake)");
        p.details().put("client certificate", session.clientCertificateRequested()
                ? (session.clientCertificateSent() ? "requested by the server and sent" : "requested by the server, none sent")
                : "not requested by the server");
        Instant now = Instant.now();
        int i = 0;
        for (X509Certificate c : session.peerChain()) {
            report.chain.add(CertificateFacts.describe(c, now));
            String warning = CertificateFacts.expiryWarning(i++ == 0 ? "server certificate" : "chain certificate", c, now);
            if (warning != null) {
                report.warnings.add(warning);
            }
        }
    }

    /** Why a handshake at this verification level passed, in the words of the probe. */
    static String passed(TlsConfig config, String verifyHost, Trust trust) {
        return switch (config.verification()) {
            case NONE -> "encrypted; the server certificate is not checked";
            case CA -> "chain leads to a certificate in " + trust.description() + " (host name not checked)";
            case FULL -> "chain trusted and " + (verifyHost == null ? "host" : verifyHost) + " is named in the certificate";
        };
    }

    /** A failure in the words of the probe: what is wrong with the chain the server sent. */
    static String explain(TlsException e, String host, List<X509Certificate> chain, Trust trust) {
        if (chain.isEmpty()) {
            return e.getMessage();
        }
        X509Certificate leaf = chain.get(0);
        X509Certificate last = chain.get(chain.size() - 1);
        return switch (e.kind()) {
            case HOST_MISMATCH -> {
                List<String> sans = new ArrayList<>();
                for (String san : CertificateFacts.subjectAltNames(leaf)) {
                    sans.add(san.substring(san.indexOf(':') + 1));
                }
                if (sans.isEmpty()) {
                    yield e.getMessage();
                }
                boolean ip = host != null && (host.matches("[0-9.]+") || host.contains(":"));
                yield "host " + host + " not in SANs " + sans
                        + (ip ? " (an IP address must match an IP SAN)" : "");
            }
            case UNTRUSTED -> {
                String lastSubject = last.getSubjectX500Principal().getName();
                boolean selfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
                StringBuilder sb = new StringBuilder("chain ends at '").append(lastSubject).append('\'');
                if (!selfSigned) {
                    sb.append(", issued by '").append(last.getIssuerX500Principal().getName()).append('\'');
                }
                sb.append(", which is not in your ").append(trust.description());
                List<String> held = trustedSubjects(trust);
                if (!held.isEmpty()) {
                    sb.append(" (it holds ").append(String.join(", ", held)).append(')');
                }
                yield sb.toString();
            }
            default -> e.getMessage();
        };
    }

    private static List<String> trustedSubjects(Trust trust) {
        List<String> out = new ArrayList<>();
        if (trust.pemFile() == null) {
            return out;
        }
        try {
            List<X509Certificate> certs = PemFiles.readCertificates(trust.pemFile());
            for (X509Certificate c : certs.subList(0, Math.min(3, certs.size()))) {
                out.add("'" + c.getSubjectX500Principal().getName() + "'");
            }
            if (certs.size() > 3) {
                out.add("and " + (certs.size() - 3) + " more");
            }
        } catch (TlsException e) {
            out.add("(unreadable: " + e.getMessage() + ")");
        }
        return out;
    }

    /**
     * Whether an exception on the first read or write after the handshake is the server ending the
     * session with a TLS alert (TLS 1.3 judges client certificates after the client's Finished):
     * the alert's name and meaning, or {@code null} when no alert came.
     */
    static String serverRejection(IOException e, TlsConnection connection) {
        return connection.serverRejection(e).map(Throwable::getMessage).orElse(null);
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
