package dev.loomwire.pg.protocol;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScramClientTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** RFC 7677 section 3 test vector. */
    @Test
    void rfc7677Example() {
        ScramClient c = new ScramClient("user", "pencil", "n,,", null, "rOprNGfwEbeRWgbNEkqO");
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", s(c.clientFirstMessage()));
        byte[] fin = c.clientFinalMessage(b("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertEquals("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", s(fin));
        // the RFC prints v=6rriTRBi23WpRR/wla4u5Hh7eAjG2wBNxBzm9QHIxwQ=, a known erratum; this is the
        // value HMAC(ServerKey, AuthMessage) actually gives (checked independently with Python hashlib)
        c.verifyServerFinal(b("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        assertEquals("SCRAM-SHA-256", c.mechanism());
    }

    @Test
    void wrongServerSignatureIsRejected() {
        ScramClient c = new ScramClient("user", "pencil", "n,,", null, "rOprNGfwEbeRWgbNEkqO");
        c.clientFirstMessage();
        c.clientFinalMessage(b("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        var e = assertThrows(ProtocolException.class,
                () -> c.verifyServerFinal(b("v=AAAATRBi23WpRR/wla4u5Hh7eAjG2wBNxBzm9QHIxwQ=")));
        assertTrue(e.getMessage().contains("server signature"));
        assertThrows(ProtocolException.class, () -> c.verifyServerFinal(b("e=invalid-proof")));
    }

    @Test
    void hostileServerFirstMessages() {
        ScramClient c = new ScramClient("", "pw", "n,,", null, "abc");
        c.clientFirstMessage();
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("r=xyz,s=AAAA,i=1")));
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("r=abc,s=AAAA,i=1")));
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("r=abcd,s=AAAA,i=2000000000")));
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("r=abcd,s=AAAA,i=x")));
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("r=abcd,s=AAAA")));
        assertThrows(ProtocolException.class, () -> c.clientFinalMessage(b("garbage")));
    }

    @Test
    void channelBindingGoesIntoTheCAttribute() {
        ScramClient c = new ScramClient("", "pw", "p=tls-server-end-point,,", new byte[] {1, 2, 3}, "abc");
        assertEquals("SCRAM-SHA-256-PLUS", c.mechanism());
        assertEquals("p=tls-server-end-point,,n=,r=abc", s(c.clientFirstMessage()));
        String fin = s(c.clientFinalMessage(b("r=abcdef,s=AAAA,i=1")));
        // base64("p=tls-server-end-point,," + 01 02 03)
        assertTrue(fin.startsWith("c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAQID,r=abcdef,p="), fin);
    }

    @Test
    void saslPrepKeepsAsciiAndNormalizesUnicode() {
        assertEquals("pencil", ScramClient.saslPrep("pencil"));
        assertEquals("a b", ScramClient.saslPrep("a\u00A0b"));
        assertEquals("ab", ScramClient.saslPrep("a\u00ADb"));
        assertEquals("IX", ScramClient.saslPrep("\u2168"));
        assertEquals("a\u0007\u00e9", ScramClient.saslPrep("a\u0007\u00e9"));
    }

    @Test
    void md5PasswordHash() {
        // "md5" + md5hex(md5hex("md5-pw" + "md5user") + 01 02 03 04), computed independently with Python hashlib
        assertEquals("md5d94e91846fd88bfda600d43001c48595",
                Md5Password.hash("md5user", "md5-pw", new byte[] {1, 2, 3, 4}));
    }
}
