package dev.loomwire.pg.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) as PostgreSQL uses
 * it: empty user name in the client-first-message, channel binding {@code tls-server-end-point}.
 * A pure state machine over message bytes.
 */
public final class ScramClient {
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";
    /** Upper bound on the server's iteration count, so a hostile server cannot burn our CPU for hours. */
    static final int MAX_ITERATIONS = 10_000_000;

    private final String user;
    private final byte[] password;
    private final String gs2Header;
    private final byte[] channelBindingData;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /**
     * @param user               user name for the client-first-message; PostgreSQL sends "" (it uses the startup user)
     * @param password           the user's password (SASLprep'ed here)
     * @param gs2Header          {@code "n,,"}, {@code "y,,"} or {@code "p=tls-server-end-point,,"}
     * @param channelBindingData the {@code tls-server-end-point} hash when the header starts with "p=", else null
     * @param clientNonce        printable nonce without commas; see {@link #randomNonce()}
     */
    public ScramClient(String user, String password, String gs2Header, byte[] channelBindingData,
                       String clientNonce) {
        this.user = user.replace("=", "=3D").replace(",", "=2C");
        this.password = saslPrep(password).getBytes(StandardCharsets.UTF_8);
        this.gs2Header = gs2Header;
        this.channelBindingData = channelBindingData;
        this.clientNonce = clientNonce;
        if (gs2Header.startsWith("p=") != (channelBindingData != null)) {
            throw new IllegalArgumentException("channel binding data must be given exactly with a p= header");
        }
    }

    /** The mechanism name to announce for this client. */
    public String mechanism() {
        return channelBindingData != null ? SCRAM_SHA_256_PLUS : SCRAM_SHA_256;
    }

    /** 18 random bytes, base64: the client nonce. */
    public static String randomNonce() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** client-first-message. */
    public byte[] clientFirstMessage() {
        clientFirstBare = "n=" + user + ",r=" + clientNonce;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** Takes the server-first-message and returns the client-final-message. */
    public byte[] clientFinalMessage(byte[] serverFirst) {
        if (clientFirstBare == null) {
            throw new IllegalStateException("clientFirstMessage() not called");
        }
        String serverFirstMessage = new String(serverFirst, StandardCharsets.UTF_8);
        Map<Character, String> attrs = attributes(serverFirstMessage);
        String nonce = required(attrs, 'r');
        String saltB64 = required(attrs, 's');
        String iterations = required(attrs, 'i');
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ProtocolException("SCRAM: server nonce does not extend the client nonce");
        }
        byte[] salt;
        int i;
        try {
            salt = Base64.getDecoder().decode(saltB64);
            i = Integer.parseInt(iterations);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("SCRAM: malformed salt or iteration count in server-first-message");
        }
        if (i < 1 || i > MAX_ITERATIONS) {
            throw new ProtocolException("SCRAM: iteration count " + i + " is outside 1.." + MAX_ITERATIONS);
        }
        byte[] cbind = concat(gs2Header.getBytes(StandardCharsets.US_ASCII),
                channelBindingData == null ? new byte[0] : channelBindingData);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirstMessage + "," + withoutProof;

        byte[] saltedPassword = hi(password, salt, i);
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        byte[] storedKey = sha256(clientKey);
        byte[] clientSignature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int k = 0; k < proof.length; k++) {
            proof[k] = (byte) (clientKey[k] ^ clientSignature[k]);
        }
        byte[] serverKey = hmac(saltedPassword, "Server Key");
        expectedServerSignature = hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the server-final-message; throws unless the server proved it knows the password. */
    public void verifyServerFinal(byte[] serverFinal) {
        if (expectedServerSignature == null) {
            throw new ProtocolException("SCRAM: server-final-message before server-first-message");
        }
        Map<Character, String> attrs = attributes(new String(serverFinal, StandardCharsets.UTF_8));
        if (attrs.containsKey('e')) {
            throw new ProtocolException("SCRAM: server reported error \"" + attrs.get('e') + "\"");
        }
        byte[] v;
        try {
            v = Base64.getDecoder().decode(required(attrs, 'v'));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("SCRAM: malformed server signature");
        }
        if (!MessageDigest.isEqual(v, expectedServerSignature)) {
            throw new ProtocolException("SCRAM: server signature is wrong: the server does not know the password");
        }
    }

    private static Map<Character, String> attributes(String msg) {
        Map<Character, String> map = new HashMap<>();
        for (String part : msg.split(",", -1)) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new ProtocolException("SCRAM: malformed attribute in server message");
            }
            map.putIfAbsent(part.charAt(0), part.substring(2));
        }
        return map;
    }

    private static String required(Map<Character, String> attrs, char name) {
        String v = attrs.get(name);
        if (v == null) {
            throw new ProtocolException("SCRAM: server message lacks attribute '" + name + "'");
        }
        return v;
    }

    static byte[] hi(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // HMAC zero-pads short keys, so an empty key equals a single zero byte (SecretKeySpec rejects empty keys)
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int n = 1; n < iterations; n++) {
                u = mac.doFinal(u);
                for (int k = 0; k < result.length; k++) {
                    result[k] ^= u[k];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * SASLprep, reduced to what matters for passwords: ASCII passes unchanged; otherwise non-ASCII
     * spaces map to space, "mapped to nothing" characters are dropped and the result is NFKC
     * normalised. Like libpq, a password that SASLprep would reject is used as is.
     */
    static String saslPrep(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                    || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060
                    || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF) {
                continue;
            }
            if (Character.isSpaceChar(cp) && cp != ' ') {
                b.append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        }
        String normalized = Normalizer.normalize(b, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.PRIVATE_USE || type == Character.SURROGATE
                    || type == Character.UNASSIGNED) {
                return s;
            }
        }
        return normalized;
    }
}
