package dev.loomwire.tls;

import java.util.Arrays;

/**
 * A password for a key or key store, held as a private copy: equal by content (so equal
 * configurations share a cached context), printed only as {@code (password set)}.
 */
public final class Password {
    private final char[] chars;

    private Password(char[] chars) {
        this.chars = chars.clone();
    }

    /** A copy of {@code chars} as a password, or {@code null} for none. */
    public static Password of(char[] charsOrNull) {
        return charsOrNull == null ? null : new Password(charsOrNull);
    }

    /** A copy of the characters. */
    public char[] chars() {
        return chars.clone();
    }

    /** The characters of a password that may be absent, or {@code null}. */
    static char[] charsOf(Password p) {
        return p == null ? null : p.chars();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password p && Arrays.equals(chars, p.chars);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(chars);
    }

    /** Never the password itself. */
    @Override
    public String toString() {
        return "(password set)";
    }
}
