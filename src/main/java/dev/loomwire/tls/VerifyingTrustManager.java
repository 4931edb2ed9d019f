package dev.loomwire.tls;

import java.net.Socket;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Wraps the JDK's PKIX trust manager (which does the actual checking, including host names via
 * the "HTTPS" endpoint identification set on the socket) and replaces its failures with
 * {@link TlsCertificateException}s that say what is wrong in words a user can act on.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;
    private final String trustSource;
    private final int anchorCount;
    private final List<X509Certificate> trustedNonAnchors;

    /**
     * @param jdk               the PKIX trust manager, or {@code null} when nothing can be an anchor
     *                          (every chain is then refused, saying why)
     * @param trustSource       how the trusted certificates are described in messages, e.g.
     *                          "root certificate file /etc/ca.crt"
     * @param trustedNonAnchors trusted certificates that are not self-signed, which libpq's rules do
     *                          not accept as the end of a chain
     */
    VerifyingTrustManager(X509ExtendedTrustManager jdk, String trustSource, int anchorCount,
                          List<X509Certificate> trustedNonAnchors) {
        this.jdk = jdk;
        this.trustSource = trustSource;
        this.anchorCount = anchorCount;
        this.trustedNonAnchors = List.copyOf(trustedNonAnchors);
    }

    /** What the chain is checked against, for messages and session facts. */
    String trustSource() {
        return trustSource;
    }

    private void noAnchors(X509Certificate[] chain) throws CertificateException {
        if (jdk == null) {
            throw new TlsCertificateException(TlsException.Kind.UNTRUSTED, "server certificate chain is not trusted: "
                    + trustSource + " holds no self-signed (root) certificate, only " + describe(trustedNonAnchors)
                    + "; like libpq (OpenSSL without partial chains), a chain must end at a self-signed certificate"
                    + " found there, an intermediate CA alone is not a trust anchor");
        }
    }

    private static String describe(List<X509Certificate> certs) {
        List<String> names = new ArrayList<>();
        for (X509Certificate c : certs) {
            names.add("\"" + subject(c) + "\"");
        }
        return String.join(", ", names);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        noAnchors(chain);
        try {
            jdk.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
            throw explain(chain, authType, e, s);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        noAnchors(chain);
        try {
            jdk.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain(chain, authType, e, engine == null ? null : engine.getHandshakeSession());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        noAnchors(chain);
        try {
            jdk.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain(chain, authType, e, null);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client-side trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client-side trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client-side trust manager does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk == null ? new X509Certificate[0] : jdk.getAcceptedIssuers();
    }

    private CertificateException explain(X509Certificate[] chain, String authType, CertificateException failure,
                                         SSLSession session) {
        if (chain == null || chain.length == 0) {
            return new TlsCertificateException(TlsException.Kind.UNTRUSTED, "the server sent no certificate", failure);
        }
        if (session != null) {
            // The socket-aware check adds the host name check; if the chain alone passes, the host is the problem.
            try {
                jdk.checkServerTrusted(chain, authType);
                return hostMismatch(chain[0], session, failure);
            } catch (CertificateException chainFailure) {
                failure = chainFailure;
            }
        }
        return chainFailure(chain, failure);
    }

    private static TlsCertificateException hostMismatch(X509Certificate leaf, SSLSession session, CertificateException cause) {
        String host = session.getPeerHost();
        String sni = sniName(session);
        String what = "certificate for host \"" + host + "\""
                + (sni != null && !sni.equalsIgnoreCase(host) ? " (SNI \"" + sni + "\")" : "");
        List<String> sans = subjectAltNames(leaf);
        String detail = sans.isEmpty()
                ? "it has no subject alternative names and its subject is \"" + leaf.getSubjectX500Principal().getName() + "\""
                : "SANs are " + sans;
        return new TlsCertificateException(TlsException.Kind.HOST_MISMATCH, what + " does not match: " + detail, cause);
    }

    private TlsCertificateException chainFailure(X509Certificate[] chain, CertificateException failure) {
        CertificateRevokedException revoked = find(failure, CertificateRevokedException.class);
        CertPathValidatorException cpve = find(failure, CertPathValidatorException.class);
        if (revoked != null || (cpve != null && cpve.getReason() == CertPathValidatorException.BasicReason.REVOKED)) {
            X509Certificate cert = certAt(cpve, chain);
            StringBuilder sb = new StringBuilder("server certificate \"").append(subject(cert)).append("\" (serial ")
                    .append(cert.getSerialNumber().toString(16)).append(", issued by \"").append(issuer(cert))
                    .append("\") is revoked");
            if (revoked != null) {
                sb.append(" since ").append(revoked.getRevocationDate().toInstant())
                        .append(" (reason ").append(revoked.getRevocationReason()).append(')');
            }
            return new TlsCertificateException(TlsException.Kind.REVOKED, sb.append(" according to the CRLs given").toString(), failure);
        }
        if (cpve != null && cpve.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            X509Certificate cert = certAt(cpve, chain);
            return new TlsCertificateException(TlsException.Kind.REVOCATION_UNKNOWN, "no CRL from \"" + issuer(cert)
                    + "\" among the CRLs given covers certificate \"" + subject(cert) + "\": with sslcrl/sslcrldir set,"
                    + " every certificate of the chain needs its issuer's CRL (OpenSSL's full-chain CRL check, as in libpq)",
                    failure);
        }
        boolean expired = find(failure, CertificateExpiredException.class) != null
                || find(failure, CertificateNotYetValidException.class) != null
                || (cpve != null && (cpve.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || cpve.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID));
        if (expired) {
            Date now = new Date();
            for (X509Certificate c : chain) {
                if (c.getNotAfter().before(now)) {
                    return new TlsCertificateException(TlsException.Kind.EXPIRED, "server certificate \"" + subject(c)
                            + "\" expired on " + c.getNotAfter().toInstant(), failure);
                }
                if (c.getNotBefore().after(now)) {
                    return new TlsCertificateException(TlsException.Kind.EXPIRED, "server certificate \"" + subject(c)
                            + "\" is not valid before " + c.getNotBefore().toInstant() + " (check the clock)", failure);
                }
            }
            return new TlsCertificateException(TlsException.Kind.EXPIRED,
                    "a certificate in the server's chain has expired: " + rootMessage(failure), failure);
        }
        X509Certificate last = chain[chain.length - 1];
        String end = last.getSubjectX500Principal().equals(last.getIssuerX500Principal())
                ? "the self-signed \"" + subject(last) + "\""
                : "\"" + subject(last) + "\", issued by \"" + issuer(last) + "\"";
        String detail = rootMessage(failure);
        boolean usualDetail = detail.contains("unable to find valid certification path")
                || (cpve != null && cpve.getReason() == PKIXReason.NO_TRUST_ANCHOR);
        List<X509Certificate> intermediates = new ArrayList<>();
        for (X509Certificate c : chain) {
            for (X509Certificate t : trustedNonAnchors) {
                if (t.getSubjectX500Principal().equals(c.getSubjectX500Principal()) || t.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    if (!intermediates.contains(t)) {
                        intermediates.add(t);
                    }
                }
            }
        }
        String libpq = intermediates.isEmpty() ? "" : "; " + describe(intermediates) + " from " + trustSource
                + " is not self-signed: like libpq (OpenSSL without partial chains), a chain must end at a self-signed"
                + " certificate found there, so add the root CA that issued it";
        return new TlsCertificateException(TlsException.Kind.UNTRUSTED, "server certificate chain is not trusted by "
                + trustSource + ": the chain ends at " + end + ", which is not among the " + anchorCount
                + " trusted root certificate" + (anchorCount == 1 ? "" : "s") + (usualDetail ? "" : " (" + detail + ")")
                + libpq, failure);
    }

    private static X509Certificate certAt(CertPathValidatorException e, X509Certificate[] chain) {
        if (e != null && e.getCertPath() != null && e.getIndex() >= 0) {
            CertPath path = e.getCertPath();
            if (e.getIndex() < path.getCertificates().size()
                    && path.getCertificates().get(e.getIndex()) instanceof X509Certificate c) {
                return c;
            }
        }
        return chain[0];
    }

    static List<String> subjectAltNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        out.add(String.valueOf(n.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            out.add("(unparseable)");
        }
        return out;
    }

    private static String sniName(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            try {
                for (SNIServerName n : ext.getRequestedServerNames()) {
                    if (n.getType() == StandardConstants.SNI_HOST_NAME && n instanceof SNIHostName h) {
                        return h.getAsciiName();
                    }
                }
            } catch (UnsupportedOperationException e) {
                return null;
            }
        }
        return null;
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static String issuer(X509Certificate c) {
        return c.getIssuerX500Principal().getName();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
