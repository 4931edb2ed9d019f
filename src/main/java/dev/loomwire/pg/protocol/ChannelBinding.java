package dev.loomwire.pg.protocol;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * Channel binding data of type {@code tls-server-end-point} (RFC 5929 section 4.1): the server's
 * leaf certificate hashed with the hash of its signature algorithm, SHA-256 when that is MD5 or
 * SHA-1. Undefined for algorithms without a separate hash (Ed25519, Ed448).
 */
public final class ChannelBinding {
    private ChannelBinding() {}

    /** The binding data, or empty when RFC 5929 defines none for the certificate's algorithm. */
    public static Optional<byte[]> tlsServerEndPoint(X509Certificate serverLeaf) {
        return hashAlgorithm(serverLeaf).map(alg -> {
            try {
                return MessageDigest.getInstance(alg).digest(serverLeaf.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot hash server certificate with " + alg, e);
            }
        });
    }

    /** JCA digest name to use for the certificate, or empty if undefined. */
    public static Optional<String> hashAlgorithm(X509Certificate cert) {
        String oid = cert.getSigAlgOID();
        if ("1.2.840.113549.1.1.10".equals(oid)) {
            return pssHash(cert.getSigAlgParams());
        }
        if ("1.3.101.112".equals(oid) || "1.3.101.113".equals(oid)) {
            return Optional.empty();
        }
        return digestFromSignatureName(cert.getSigAlgName());
    }

    static Optional<String> digestFromSignatureName(String sigAlgName) {
        String name = sigAlgName.toUpperCase(Locale.ROOT);
        int with = name.indexOf("WITH");
        if (with <= 0) {
            return Optional.empty();
        }
        String hash = name.substring(0, with).replace("-", "");
        return normalize(hash);
    }

    private static Optional<String> normalize(String hash) {
        return switch (hash) {
            case "MD5", "SHA1", "SHA" -> Optional.of("SHA-256");
            case "SHA224" -> Optional.of("SHA-224");
            case "SHA256" -> Optional.of("SHA-256");
            case "SHA384" -> Optional.of("SHA-384");
            case "SHA512" -> Optional.of("SHA-512");
            case "SHA3224" -> Optional.of("SHA3-224");
            case "SHA3256" -> Optional.of("SHA3-256");
            case "SHA3384" -> Optional.of("SHA3-384");
            case "SHA3512" -> Optional.of("SHA3-512");
            default -> Optional.empty();
        };
    }

    private static Optional<String> pssHash(byte[] params) {
        if (params == null) {
            return Optional.of("SHA-256"); // PSS default hash is SHA-1, which RFC 5929 maps to SHA-256
        }
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("RSASSA-PSS");
            ap.init(params);
            String digest = ap.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm();
            return normalize(digest.toUpperCase(Locale.ROOT).replace("-", "").replace("/", ""));
        } catch (GeneralSecurityException | java.io.IOException e) {
            return Optional.empty();
        }
    }
}
