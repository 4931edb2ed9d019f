package dev.loomwire.cli;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnectionException;
import dev.loomwire.tls.PemFiles;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code probe --check-files}: loads sslcert, sslkey and sslrootcert as the drivers would and says
 * what they are (format, subject, SANs, expiry), whether the key belongs to the certificate and
 * whether the certificate chains to the root file. Never shows key material or the password.
 */
final class FileCheck {
    static final List<String> KEYS = List.of("sslcert", "sslkey", "sslpassword", "sslrootcert");

    private final Map<String, String> params;
    private final Report report = new Report("certificate files");
    private final Instant now = Instant.now();

    private FileCheck(Map<String, String> params) {
        this.params = params;
    }

    /** Parses {@code key=value} arguments. */
    static FileCheck parse(List<String> args) throws UsageException {
        Map<String, String> p = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--check-files takes key=value arguments (" + String.join(", ", KEYS) + "), got \"" + a + "\"");
            }
            String key = a.substring(0, eq);
            if (!KEYS.contains(key)) {
                throw new UsageException("--check-files: unknown setting \"" + key + "\" (use " + String.join(", ", KEYS) + ")");
            }
            p.put(key, a.substring(eq + 1));
        }
        if (!p.containsKey("sslcert") && !p.containsKey("sslkey") && !p.containsKey("sslrootcert")) {
            throw new UsageException("--check-files needs at least one of sslcert=, sslkey=, sslrootcert=");
        }
        return new FileCheck(p);
    }

    Report run() {
        report.requestedMode = "check-files";
        report.chainTitle = "certificates in sslcert";
        for (String k : List.of("sslcert", "sslkey", "sslrootcert")) {
            if (params.containsKey(k)) {
                report.target.put(k, params.get(k));
            }
        }
        if (params.containsKey("sslpassword")) {
            report.target.put("sslpassword", "(set, not shown)");
        }
        List<X509Certificate> certs = params.containsKey("sslcert") ? certificates("sslcert", Path.of(params.get("sslcert"))) : null;
        PrivateKey key = params.containsKey("sslkey") ? key(Path.of(params.get("sslkey"))) : null;
        if (certs != null) {
            int i = 0;
            for (X509Certificate c : certs) {
                report.chain.add(CertificateFacts.describe(c, now));
                String w = CertificateFacts.expiryWarning(i++ == 0 ? "certificate" : "chain certificate", c, now);
                if (w != null) {
                    report.warnings.add(w);
                }
            }
            if (!certs.isEmpty() && certs.get(0).getNotAfter().toInstant().isBefore(now)) {
                report.phase("expiry", null, Report.Status.FAIL, "sslcert '" + subject(certs.get(0)) + "' expired on "
                        + certs.get(0).getNotAfter().toInstant());
            }
        }
        if (certs != null && !certs.isEmpty() && key != null) {
            try {
                PemFiles.checkKeyMatchesCertificate(key, certs.get(0), Path.of(params.get("sslkey")), Path.of(params.get("sslcert")));
                report.phase("key match", null, Report.Status.OK, "the key belongs to the certificate '" + subject(certs.get(0)) + "'");
            } catch (TlsException e) {
                report.phase("key match", null, Report.Status.FAIL, e.getMessage());
            }
        }
        List<X509Certificate> roots = params.containsKey("sslrootcert") ? certificates("sslrootcert", Path.of(params.get("sslrootcert"))) : null;
        if (roots != null) {
            for (X509Certificate r : roots) {
                String w = CertificateFacts.expiryWarning("root certificate", r, now);
                if (w != null) {
                    report.warnings.add(w);
                }
            }
        }
        if (certs != null && !certs.isEmpty() && roots != null && !roots.isEmpty()) {
            chain(certs, roots);
        }
        List<String> problems = new ArrayList<>();
        for (Report.Phase p : report.phases) {
            if (p.status() == Report.Status.FAIL) {
                problems.add(p.name() + ": " + p.summary());
            }
        }
        report.success = problems.isEmpty();
        report.conclusion = problems.isEmpty()
                ? "all files are usable" + (report.warnings.isEmpty() ? "" : " (see warnings)")
                : problems.size() + (problems.size() == 1 ? " problem: " : " problems: ") + String.join("; ", problems);
        return report;
    }

    private List<X509Certificate> certificates(String name, Path file) {
        try {
            List<X509Certificate> certs = PemFiles.readCertificates(file);
            List<String> subjects = new ArrayList<>();
            for (X509Certificate c : certs) {
                subjects.add("'" + subject(c) + "'");
            }
            Report.Phase p = report.phase(name, null, Report.Status.OK, (isPem(file) ? "PEM" : "DER") + ", " + certs.size()
                    + (certs.size() == 1 ? " certificate" : " certificates"));
            p.details().put("certificates", subjects);
            return certs;
        } catch (TlsException e) {
            report.phase(name, null, Report.Status.FAIL, e.getMessage());
            return null;
        }
    }

    private PrivateKey key(Path file) {
        String pw = params.get("sslpassword");
        String format = keyFormat(file);
        try {
            PrivateKey key = PemFiles.readPrivateKey(file, pw == null ? null : pw.toCharArray());
            Report.Phase p = report.phase("sslkey", null, Report.Status.OK, format + ", " + keyDescription(key));
            if (pw != null && !format.contains("encrypted")) {
                p.details().put("note", "sslpassword given but the key is not encrypted");
            }
            String perms = loosePermissions(file);
            if (perms != null) {
                report.warnings.add(perms);
            }
            return key;
        } catch (TlsException e) {
            report.phase("sslkey", null, Report.Status.FAIL, format + ": " + e.getMessage());
            return null;
        }
    }

    private void chain(List<X509Certificate> certs, List<X509Certificate> roots) {
        X509Certificate leaf = certs.get(0);
        String rootFile = params.get("sslrootcert");
        try {
            X509Certificate anchor = buildPath(certs, roots, new Date());
            report.phase("chain", null, Report.Status.OK, "'" + subject(leaf) + "' chains to '"
                    + subject(anchor) + "' in sslrootcert " + rootFile);
            return;
        } catch (GeneralSecurityException e) {
            // fall through: maybe it chains but something is out of date
        }
        try {
            Date when = new Date(leaf.getNotBefore().getTime() + 1000);
            X509Certificate anchor = buildPath(certs, roots, when);
            report.phase("chain", null, Report.Status.FAIL, "'" + subject(leaf) + "' chains to '" + subject(anchor)
                    + "' in sslrootcert " + rootFile + ", but a certificate on the path is not valid now");
        } catch (GeneralSecurityException e) {
            List<String> held = new ArrayList<>();
            for (X509Certificate r : roots) {
                held.add("'" + subject(r) + "'");
            }
            X509Certificate last = certs.get(certs.size() - 1);
            report.phase("chain", null, Report.Status.FAIL, "'" + subject(leaf) + "' does not chain to sslrootcert " + rootFile
                    + ": the chain ends at '" + subject(last) + "', issued by '" + last.getIssuerX500Principal().getName()
                    + "', which is not among " + String.join(", ", held));
        }
    }

    private static X509Certificate buildPath(List<X509Certificate> certs, List<X509Certificate> roots, Date date)
            throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate r : roots) {
            anchors.add(new TrustAnchor(r, null));
        }
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(certs.get(0));
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
        params.setRevocationEnabled(false);
        params.setDate(date);
        List<Certificate> pool = new ArrayList<>(certs);
        pool.addAll(roots);
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
        PKIXCertPathBuilderResult r = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
        return r.getTrustAnchor().getTrustedCert();
    }

    private static String keyDescription(PrivateKey k) {
        if (k instanceof RSAKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        if (k instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return "EC " + (bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits == 521 ? "P-521" : bits + " bits");
        }
        return k.getAlgorithm();
    }

    /** Why the PostgreSQL driver (like libpq) would refuse this key file's permissions, or null. */
    private static String loosePermissions(Path file) {
        try {
            PgConfig.checkKeyPermissions(file);
            return null;
        } catch (PgConnectionException e) {
            return "the PostgreSQL driver would refuse it: " + e.getMessage();
        }
    }

    private static boolean isPem(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return new String(b, 0, Math.min(b.length, 64 * 1024), StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The key file's format in words, from its PEM label or DER structure; never reads past the structure. */
    static String keyFormat(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            return "unreadable";
        }
        String text = new String(b, 0, Math.min(b.length, 64 * 1024), StandardCharsets.ISO_8859_1);
        if (text.contains("-----BEGIN ")) {
            boolean legacyEncrypted = text.contains("Proc-Type: 4,ENCRYPTED");
            if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) return "PEM, encrypted PKCS#8";
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) return "PEM, PKCS#1 RSA" + (legacyEncrypted ? " (legacy OpenSSL encryption, encrypted)" : "");
            if (text.contains("-----BEGIN EC PRIVATE KEY-----")) return "PEM, SEC1 EC" + (legacyEncrypted ? " (legacy OpenSSL encryption, encrypted)" : "");
            if (text.contains("-----BEGIN PRIVATE KEY-----")) return "PEM, PKCS#8";
            if (text.contains("-----BEGIN OPENSSH PRIVATE KEY-----")) return "PEM, OpenSSH";
            return "PEM without a private key block";
        }
        return derKeyFormat(b);
    }

    /** PKCS#8: SEQUENCE{INTEGER, SEQUENCE, OCTET STRING}; encrypted PKCS#8: SEQUENCE{SEQUENCE, OCTET STRING};
     * PKCS#1: SEQUENCE{INTEGER, INTEGER, ...}; SEC1: SEQUENCE{INTEGER 1, OCTET STRING, ...}. */
    static String derKeyFormat(byte[] b) {
        int[] outer = header(b, 0);
        if (outer == null || outer[0] != 0x30) {
            return "neither PEM nor DER";
        }
        int[] first = header(b, outer[1]);
        if (first == null) {
            return "DER, unknown structure";
        }
        if (first[0] == 0x30) {
            return "DER, encrypted PKCS#8";
        }
        int[] second = header(b, first[1] + first[2]);
        if (first[0] != 0x02 || second == null) {
            return "DER, unknown structure";
        }
        return switch (second[0]) {
            case 0x30 -> "DER, PKCS#8";
            case 0x02 -> "DER, PKCS#1 RSA";
            case 0x04 -> "DER, SEC1 EC";
            default -> "DER, unknown structure";
        };
    }

    /** {tag, content offset, content length} of the DER element at {@code at}, or null. */
    private static int[] header(byte[] b, int at) {
        if (at + 2 > b.length) {
            return null;
        }
        int tag = b[at] & 0xFF;
        int len = b[at + 1] & 0xFF;
        int off = at + 2;
        if (len >= 0x80) {
            int n = len & 0x7F;
            if (n == 0 || n > 3 || off + n > b.length) {
                return null;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[off++] & 0xFF);
            }
        }
        return off + len <= b.length ? new int[] {tag, off, len} : null;
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
