package dev.loomwire.pg.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The {@code md5} password response: {@code "md5" + md5hex(md5hex(password + user) + salt)}. */
public final class Md5Password {
    private Md5Password() {}

    public static String hash(String user, String password, byte[] salt) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(password.getBytes(StandardCharsets.UTF_8));
            md.update(user.getBytes(StandardCharsets.UTF_8));
            byte[] inner = HexFormat.of().formatHex(md.digest()).getBytes(StandardCharsets.US_ASCII);
            md.update(inner);
            md.update(salt);
            return "md5" + HexFormat.of().formatHex(md.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
