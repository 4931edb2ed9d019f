package dev.loomwire.tls;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts the certificate bags of a PKCS#12 file (RFC 7292). The JDK's PKCS12 KeyStore skips
 * certificates that have no private key unless they carry Oracle's "trusted key usage"
 * attribute, so trust stores made with {@code openssl pkcs12 -export -nokeys} look empty to it.
 * Called only after the JDK loaded the file, so its password (MAC) is already verified.
 */
final class Pkcs12Certificates {
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");
    private static final String DATA = "1.2.840.113549.1.7.1";
    private static final String ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
    private static final String CERT_BAG = "1.2.840.113549.1.12.10.1.3";
    private static final String X509_CERT = "1.2.840.113549.1.9.22.1";

    private Pkcs12Certificates() {}

    static List<X509Certificate> extract(byte[] pfx, char[] password) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            List<Der.Element> top = Der.parse(pfx).sequence();
            byte[] authSafe = contentOf(top.get(1));
            for (Der.Element contentInfo : Der.parse(authSafe).sequence()) {
                List<Der.Element> ci = contentInfo.sequence();
                String type = ci.get(0).oid();
                byte[] safeContents;
                if (DATA.equals(type)) {
                    safeContents = contentOf(contentInfo);
                } else if (ENCRYPTED_DATA.equals(type)) {
                    if (password == null) {
                        continue;
                    }
                    List<Der.Element> encryptedData = ci.get(1).children().get(0).sequence();
                    List<Der.Element> eci = encryptedData.get(1).sequence();
                    Der.Element encrypted = eci.get(2);
                    byte[] bytes = encrypted.isConstructed() ? concatOctets(encrypted) : encrypted.value();
                    try {
                        safeContents = EncryptedKeys.decryptContent(eci.get(1), bytes, password);
                    } catch (EncryptedKeys.DecryptException e) {
                        LOG.debug("PKCS#12: skipping encrypted certificates: {}", e.getMessage());
                        continue;
                    }
                } else {
                    continue;
                }
                for (Der.Element bag : Der.parse(safeContents).sequence()) {
                    List<Der.Element> b = bag.sequence();
                    if (!CERT_BAG.equals(b.get(0).oid())) {
                        continue;
                    }
                    List<Der.Element> certBag = b.get(1).children().get(0).sequence();
                    if (X509_CERT.equals(certBag.get(0).oid())) {
                        byte[] der = certBag.get(1).children().get(0).octets();
                        out.add((X509Certificate) CertificateFactory.getInstance("X.509")
                                .generateCertificate(new ByteArrayInputStream(der)));
                    }
                }
            }
        } catch (Der.DerException | IndexOutOfBoundsException | CertificateException | ClassCastException e) {
            LOG.debug("PKCS#12: cannot read certificate bags: {}", e.toString());
        }
        return out;
    }

    /** The OCTET STRING inside a ContentInfo of type data: {@code [0] EXPLICIT OCTET STRING}. */
    private static byte[] contentOf(Der.Element contentInfo) throws Der.DerException {
        Der.Element content = contentInfo.sequence().get(1).children().get(0);
        return content.isConstructed() ? concatOctets(content) : content.octets();
    }

    private static byte[] concatOctets(Der.Element constructed) throws Der.DerException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Der.Element e : constructed.children()) {
            out.writeBytes(e.value());
        }
        return out.toByteArray();
    }
}
