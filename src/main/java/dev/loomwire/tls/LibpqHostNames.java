package dev.loomwire.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * libpq's host-name check for {@code sslmode=verify-full} ({@link VerificationRules#LIBPQ}), run
 * after the handshake as libpq does:
 * <ul>
 *   <li>the host is an IP address if {@code inet_aton} (IPv4, also short forms such as {@code 127.1})
 *       or {@code inet_pton(AF_INET6)} accepts it; otherwise it is a DNS name;</li>
 *   <li>every dNSName SAN is compared with the host as a name, every iPAddress SAN with the host's
 *       address; the first match wins;</li>
 *   <li>the subject's first Common Name is consulted only when there is no SAN of the host's type
 *       (so an IP host is also checked against the CN when the certificate has only dNSName SANs);</li>
 *   <li>names compare case-insensitively and exactly, so {@code db.example.com.} does not match
 *       {@code db.example.com}; a wildcard is only a whole leftmost {@code *.} label matching exactly
 *       one label ({@code *.example.com} matches {@code a.example.com}, not {@code example.com} or
 *       {@code a.b.example.com}); a name with an embedded NUL is an error.</li>
 * </ul>
 */
final class LibpqHostNames {
    private static final int DNS = 2;
    private static final int IP = 7;
    private static final String CN_OID = "2.5.4.3";

    private LibpqHostNames() {}

    /** Throws HOST_MISMATCH (or a certificate error) unless {@code host} matches {@code leaf} by libpq's rules. */
    static void check(String host, X509Certificate leaf) throws TlsCertificateException {
        if (host == null || host.isEmpty()) {
            throw new TlsCertificateException(TlsException.Kind.CONFIG, "host name must be specified for a verified SSL connection");
        }
        byte[] hostAddress = address(host);
        int hostType = hostAddress != null ? IP : DNS;
        boolean checkCn = true;
        List<String> examined = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new TlsCertificateException(TlsException.Kind.UNTRUSTED, "cannot read the subject alternative names of server"
                    + " certificate \"" + leaf.getSubjectX500Principal().getName() + "\": " + e.getMessage(), e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == hostType) {
                    checkCn = false;
                }
                boolean match;
                if (type == DNS) {
                    String name = String.valueOf(san.get(1));
                    examined.add(name);
                    match = nameMatches(name, host);
                } else if (type == IP) {
                    String text = String.valueOf(san.get(1));
                    examined.add(text);
                    match = hostAddress != null && Arrays.equals(literal(text), hostAddress);
                } else {
                    continue;
                }
                if (match) {
                    return;
                }
            }
        }
        if (checkCn) {
            String cn = firstCommonName(leaf);
            if (cn != null) {
                examined.add(cn);
                if (nameMatches(cn, host)) {
                    return;
                }
            }
        }
        if (examined.isEmpty()) {
            throw new TlsCertificateException(TlsException.Kind.HOST_MISMATCH,
                    "could not get server's host name from server certificate \"" + leaf.getSubjectX500Principal().getName() + "\"");
        }
        String first = examined.get(0);
        int others = examined.size() - 1;
        throw new TlsCertificateException(TlsException.Kind.HOST_MISMATCH, "server certificate for \"" + first + "\""
                + (others == 0 ? "" : " (and " + others + " other name" + (others == 1 ? "" : "s") + ")")
                + " does not match host name \"" + host + "\" (libpq rules: names checked " + examined
                + (checkCn ? "" : "; the Common Name is ignored because the certificate has "
                        + (hostType == IP ? "iPAddress" : "dNSName") + " SANs") + ")");
    }

    /** Exact (case-insensitive) or single-label {@code *.} wildcard match; an embedded NUL is an error. */
    static boolean nameMatches(String certName, String host) throws TlsCertificateException {
        if (certName.indexOf('\0') >= 0) {
            throw new TlsCertificateException(TlsException.Kind.UNTRUSTED, "SSL certificate's name contains embedded null");
        }
        if (certName.equalsIgnoreCase(host)) {
            return true;
        }
        if (certName.length() < 3 || !certName.startsWith("*.") || certName.length() > host.length()) {
            return false;
        }
        String suffix = certName.substring(1);
        int at = host.length() - suffix.length();
        return host.substring(at).equalsIgnoreCase(suffix) && host.indexOf('.') >= at - 1;
    }

    /** The host's address if libpq treats it as an IP literal (inet_aton or IPv6 inet_pton), else null. */
    static byte[] address(String host) {
        if (host.indexOf(':') >= 0) {
            return host.indexOf('%') >= 0 || host.indexOf('[') >= 0 ? null : literal(host);
        }
        return inetAton(host);
    }

    private static byte[] literal(String text) {
        if (text.indexOf(':') < 0 && inetAton(text) == null) {
            return null; // never resolve names
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** BSD inet_aton: 1 to 4 parts in decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes. */
    static byte[] inetAton(String s) {
        if (s.isEmpty() || s.endsWith(".")) {
            return null;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].toLowerCase(Locale.ROOT);
            try {
                if (p.startsWith("0x")) {
                    v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.length() > 1 && p.startsWith("0")) {
                    v[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    v[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return null;
            }
            if (v[i] < 0 || p.startsWith("+")) {
                return null;
            }
        }
        long addr = 0;
        for (int i = 0; i < v.length - 1; i++) {
            if (v[i] > 255) {
                return null;
            }
            addr = addr << 8 | v[i];
        }
        int restBytes = 4 - (v.length - 1);
        long last = v[v.length - 1];
        if (last >= 1L << (8 * restBytes)) {
            return null;
        }
        addr = addr << (8 * restBytes) | last;
        return new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
    }

    /** The subject's first commonName in certificate order (OpenSSL's X509_NAME_get_index_by_NID(.., -1)), as raw text. */
    static String firstCommonName(X509Certificate cert) {
        try {
            for (Der.Element rdn : Der.parse(cert.getSubjectX500Principal().getEncoded()).sequence()) {
                for (Der.Element atv : rdn.children()) {
                    List<Der.Element> pair = atv.sequence();
                    if (pair.size() == 2 && pair.get(0).oid().equals(CN_OID)) {
                        Der.Element value = pair.get(1);
                        return new String(value.value(), value.tag() == 12 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                    }
                }
            }
        } catch (Der.DerException e) {
            return null;
        }
        return null;
    }
}
