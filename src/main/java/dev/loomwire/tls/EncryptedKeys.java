package dev.loomwire.tls;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts password-protected private keys with javax.crypto only: PKCS#8 PBES2 (PBKDF2 with any
 * HMAC-SHA PRF, AES-CBC or 3DES-CBC; OpenSSL 3's default is PBKDF2-HMAC-SHA256 + AES-256-CBC) and
 * OpenSSL's legacy PEM encryption ({@code Proc-Type: 4,ENCRYPTED} / {@code DEK-Info}).
 */
final class EncryptedKeys {
    private static final String PBES2 = "1.2.840.113549.1.5.13";
    private static final String PBKDF2 = "1.2.840.113549.1.5.12";
    private static final String SCRYPT = "1.3.6.1.4.1.11591.4.11";
    private static final String HMAC_SHA1 = "1.2.840.113549.2.7";
    /** Refuse iteration counts that would make a hostile file burn CPU for minutes. */
    private static final long MAX_ITERATIONS = 10_000_000;

    private static final Map<String, String> PRFS = Map.of(
            HMAC_SHA1, "PBKDF2WithHmacSHA1",
            "1.2.840.113549.2.8", "PBKDF2WithHmacSHA224",
            "1.2.840.113549.2.9", "PBKDF2WithHmacSHA256",
            "1.2.840.113549.2.10", "PBKDF2WithHmacSHA384",
            "1.2.840.113549.2.11", "PBKDF2WithHmacSHA512");

    /** A supported encryption scheme: JCA transformation, key algorithm and key length. */
    private record Scheme(String transformation, String keyAlgorithm, int keyBytes) {}

    private static final Map<String, Scheme> SCHEMES = Map.of(
            "2.16.840.1.101.3.4.1.2", new Scheme("AES/CBC/PKCS5Padding", "AES", 16),
            "2.16.840.1.101.3.4.1.22", new Scheme("AES/CBC/PKCS5Padding", "AES", 24),
            "2.16.840.1.101.3.4.1.42", new Scheme("AES/CBC/PKCS5Padding", "AES", 32),
            "1.2.840.113549.3.7", new Scheme("DESede/CBC/PKCS5Padding", "DESede", 24));

    private static final Map<String, Scheme> LEGACY_PEM_SCHEMES = Map.of(
            "AES-128-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 16),
            "AES-192-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 24),
            "AES-256-CBC", new Scheme("AES/CBC/PKCS5Padding", "AES", 32),
            "DES-EDE3-CBC", new Scheme("DESede/CBC/PKCS5Padding", "DESede", 24));

    /** Names of algorithms we recognise but do not support, for messages. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("1.3.14.3.2.7", "DES"),
            Map.entry("1.2.840.113549.3.2", "RC2"),
            Map.entry("1.2.840.113549.1.5.1", "PBES1 (MD2 and DES)"),
            Map.entry("1.2.840.113549.1.5.3", "PBES1 (MD5 and DES)"),
            Map.entry("1.2.840.113549.1.5.4", "PBES1 (MD2 and RC2)"),
            Map.entry("1.2.840.113549.1.5.6", "PBES1 (MD5 and RC2)"),
            Map.entry("1.2.840.113549.1.5.10", "PBES1 (SHA-1 and DES)"),
            Map.entry("1.2.840.113549.1.5.11", "PBES1 (SHA-1 and RC2)"),
            Map.entry("1.2.840.113549.1.12.1.1", "PKCS#12 PBE (SHA-1 and RC4-128)"),
            Map.entry("1.2.840.113549.1.12.1.2", "PKCS#12 PBE (SHA-1 and RC4-40)"),
            Map.entry("1.2.840.113549.1.12.1.3", "PKCS#12 PBE (SHA-1 and 3DES)"),
            Map.entry("1.2.840.113549.1.12.1.4", "PKCS#12 PBE (SHA-1 and 2-key 3DES)"),
            Map.entry("1.2.840.113549.1.12.1.5", "PKCS#12 PBE (SHA-1 and RC2-128)"),
            Map.entry("1.2.840.113549.1.12.1.6", "PKCS#12 PBE (SHA-1 and RC2-40)"),
            Map.entry(SCRYPT, "scrypt"));

    private EncryptedKeys() {}

    /** Why a key could not be decrypted; messages never contain key bytes or the password. */
    static final class DecryptException extends Exception {
        private static final long serialVersionUID = 1L;

        enum Reason { WRONG_PASSWORD, UNSUPPORTED, MALFORMED }

        final Reason reason;

        DecryptException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /** Decrypts a DER EncryptedPrivateKeyInfo (RFC 5958) to the DER PrivateKeyInfo inside. */
    static byte[] decryptPkcs8(byte[] der, char[] password) throws DecryptException {
        String algorithm;
        Der.Element params;
        byte[] encrypted;
        try {
            List<Der.Element> top = Der.parse(der).sequence();
            List<Der.Element> algId = top.get(0).sequence();
            algorithm = algId.get(0).oid();
            params = algId.size() > 1 ? algId.get(1) : null;
            encrypted = top.get(1).octets();
        } catch (Der.DerException | IndexOutOfBoundsException e) {
            throw malformed("not a valid encrypted PKCS#8 structure");
        }
        if (!PBES2.equals(algorithm)) {
            throw unsupported("PKCS#8 encrypted with " + nameOf(algorithm) + " is not supported");
        }
        if (params == null) {
            throw malformed("PBES2 parameters missing");
        }
        byte[] plain = decryptPbes2(params, encrypted, password);
        try {
            Der.parse(plain).sequence().get(0).integer();
        } catch (Der.DerException | IndexOutOfBoundsException e) {
            throw new DecryptException(DecryptException.Reason.WRONG_PASSWORD, "wrong password");
        }
        return plain;
    }

    /**
     * Decrypts content encrypted under a PBES2 AlgorithmIdentifier (as in PKCS#12 encrypted
     * data); other schemes are {@link DecryptException.Reason#UNSUPPORTED}.
     */
    static byte[] decryptContent(Der.Element algorithmIdentifier, byte[] encrypted, char[] password)
            throws DecryptException {
        try {
            List<Der.Element> algId = algorithmIdentifier.sequence();
            String algorithm = algId.get(0).oid();
            if (!PBES2.equals(algorithm) || algId.size() < 2) {
                throw unsupported("content encrypted with " + nameOf(algorithm) + " is not supported");
            }
            return decryptPbes2(algId.get(1), encrypted, password);
        } catch (Der.DerException | IndexOutOfBoundsException e) {
            throw malformed("invalid encryption algorithm identifier");
        }
    }

    private static byte[] decryptPbes2(Der.Element params, byte[] encrypted, char[] password) throws DecryptException {
        try {
            List<Der.Element> pbes2 = params.sequence();
            List<Der.Element> kdf = pbes2.get(0).sequence();
            List<Der.Element> enc = pbes2.get(1).sequence();
            String kdfOid = kdf.get(0).oid();
            String encOid = enc.get(0).oid();
            if (!PBKDF2.equals(kdfOid)) {
                throw unsupported("PKCS#8 encrypted with key derivation " + nameOf(kdfOid) + " is not supported");
            }
            Scheme scheme = SCHEMES.get(encOid);
            if (scheme == null) {
                throw unsupported("PKCS#8 encrypted with " + nameOf(encOid) + " is not supported");
            }
            List<Der.Element> kdfParams = kdf.get(1).sequence();
            byte[] salt = kdfParams.get(0).octets();
            long iterations = kdfParams.get(1).integer().longValueExact();
            String prf = HMAC_SHA1;
            for (Der.Element e : kdfParams.subList(2, kdfParams.size())) {
                if (e.tag() == Der.INTEGER) {
                    if (e.integer().intValueExact() != scheme.keyBytes()) {
                        throw malformed("PBKDF2 key length does not fit the cipher");
                    }
                } else if (e.tag() == Der.SEQUENCE) {
                    prf = e.sequence().get(0).oid();
                }
            }
            String kdfAlgorithm = PRFS.get(prf);
            if (kdfAlgorithm == null) {
                throw unsupported("PKCS#8 encrypted with PBKDF2 PRF " + prf + " is not supported");
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw unsupported("PKCS#8 encrypted with " + iterations + " PBKDF2 iterations is not supported");
            }
            byte[] iv = enc.get(1).octets();
            byte[] key = pbkdf2(kdfAlgorithm, password, salt, (int) iterations, scheme.keyBytes());
            return decrypt(scheme, key, iv, encrypted);
        } catch (Der.DerException | IndexOutOfBoundsException | ArithmeticException e) {
            throw malformed("invalid PBES2 parameters");
        }
    }

    private static byte[] pbkdf2(String algorithm, char[] password, byte[] salt, int iterations, int keyBytes)
            throws DecryptException {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw unsupported(algorithm + " is not available in this JDK");
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Decrypts the body of a legacy encrypted PEM key. {@code dekInfo} is the DEK-Info header,
     * e.g. {@code AES-256-CBC,0123...}; the key is OpenSSL's EVP_BytesToKey(MD5, 1 iteration).
     */
    static byte[] decryptLegacyPem(String dekInfo, byte[] encrypted, char[] password) throws DecryptException {
        int comma = dekInfo == null ? -1 : dekInfo.indexOf(',');
        if (comma < 0) {
            throw malformed("encrypted PEM key without a valid DEK-Info header");
        }
        String cipherName = dekInfo.substring(0, comma).strip().toUpperCase(Locale.ROOT);
        Scheme scheme = LEGACY_PEM_SCHEMES.get(cipherName);
        if (scheme == null) {
            throw unsupported("PEM key encrypted with " + cipherName + " is not supported");
        }
        byte[] iv;
        try {
            iv = HexFormat.of().parseHex(dekInfo.substring(comma + 1).strip());
        } catch (IllegalArgumentException e) {
            throw malformed("DEK-Info IV is not hexadecimal");
        }
        if (iv.length < 8) {
            throw malformed("DEK-Info IV is too short");
        }
        byte[] pw = utf8(password);
        try {
            byte[] key = evpBytesToKey(pw, Arrays.copyOf(iv, 8), scheme.keyBytes());
            return decrypt(scheme, key, iv, encrypted);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    private static byte[] evpBytesToKey(byte[] password, byte[] salt, int keyBytes) throws DecryptException {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] key = new byte[keyBytes];
            byte[] prev = new byte[0];
            int filled = 0;
            while (filled < keyBytes) {
                md5.update(prev);
                md5.update(password);
                md5.update(salt);
                prev = md5.digest();
                int n = Math.min(prev.length, keyBytes - filled);
                System.arraycopy(prev, 0, key, filled, n);
                filled += n;
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw unsupported("MD5 is not available in this JDK");
        }
    }

    private static byte[] decrypt(Scheme scheme, byte[] key, byte[] iv, byte[] encrypted) throws DecryptException {
        try {
            Cipher cipher = Cipher.getInstance(scheme.transformation());
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, scheme.keyAlgorithm()), new IvParameterSpec(iv));
            return cipher.doFinal(encrypted);
        } catch (BadPaddingException e) {
            throw new DecryptException(DecryptException.Reason.WRONG_PASSWORD, "wrong password");
        } catch (GeneralSecurityException e) {
            throw malformed("cannot decrypt: " + e.getMessage());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }

    private static String nameOf(String oid) {
        return UNSUPPORTED.getOrDefault(oid, "algorithm " + oid);
    }

    private static DecryptException unsupported(String message) {
        return new DecryptException(DecryptException.Reason.UNSUPPORTED, message);
    }

    private static DecryptException malformed(String message) {
        return new DecryptException(DecryptException.Reason.MALFORMED, message);
    }
}
