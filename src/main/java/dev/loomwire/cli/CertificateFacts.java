package dev.loomwire.cli;

import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Describes certificates for people: subject, issuer, SANs, validity, key and signature. Public data only. */
final class CertificateFacts {
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private CertificateFacts() {}

    /** The facts of one certificate as an ordered map (strings and lists), for text and JSON. */
    static Map<String, Object> describe(X509Certificate c, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", c.getSubjectX500Principal().getName());
        m.put("issuer", c.getIssuerX500Principal().getName()
                + (c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) ? " (self-signed)" : ""));
        List<String> sans = subjectAltNames(c);
        if (!sans.isEmpty()) {
            m.put("SANs", sans);
        }
        m.put("valid", c.getNotBefore().toInstant() + " .. " + c.getNotAfter().toInstant() + " (" + validity(c, now) + ")");
        m.put("key", keyDescription(c.getPublicKey()));
        m.put("signature", c.getSigAlgName());
        m.put("serial", c.getSerialNumber().toString(16));
        return m;
    }

    /** "expired on ...", "not valid before ...", "12 days left" — the validity in words. */
    static String validity(X509Certificate c, Instant now) {
        Instant notAfter = c.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            return "EXPIRED on " + notAfter;
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return "NOT YET VALID before " + c.getNotBefore().toInstant();
        }
        long days = Duration.between(now, notAfter).toDays();
        return days + (days == 1 ? " day left" : " days left");
    }

    /** A warning for an expired, not yet valid or soon expiring certificate, or {@code null}. */
    static String expiryWarning(String what, X509Certificate c, Instant now) {
        Instant notAfter = c.getNotAfter().toInstant();
        String subject = c.getSubjectX500Principal().getName();
        if (now.isAfter(notAfter)) {
            return what + " '" + subject + "' expired on " + notAfter;
        }
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return what + " '" + subject + "' is not valid before " + c.getNotBefore().toInstant() + " (check the clock)";
        }
        if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0) {
            return what + " '" + subject + "' expires soon: " + notAfter + " (" + validity(c, now) + ")";
        }
        return null;
    }

    static String keyDescription(PublicKey k) {
        if (k instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        if (k instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            String curve = switch (bits) {
                case 256 -> "P-256";
                case 384 -> "P-384";
                case 521 -> "P-521";
                default -> bits + " bits";
            };
            return "EC " + curve;
        }
        if (k instanceof DSAPublicKey dsa) {
            return "DSA " + dsa.getParams().getP().bitLength() + " bits";
        }
        return k.getAlgorithm();
    }

    /** DNS and IP subject alternative names, prefixed "DNS:" / "IP:" as OpenSSL shows them. */
    static List<String> subjectAltNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (type == 2) {
                        out.add("DNS:" + n.get(1));
                    } else if (type == 7) {
                        out.add("IP:" + n.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            out.add("(unparseable)");
        }
        return out;
    }
}
