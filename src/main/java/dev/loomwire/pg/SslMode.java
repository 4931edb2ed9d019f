package dev.loomwire.pg;

import java.util.Locale;

/** libpq's {@code sslmode}: whether to encrypt, and how much of the server to verify. */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The conninfo spelling, e.g. {@code verify-full}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for require, verify-ca and verify-full: the connection must be encrypted. */
    public boolean requiresEncryption() {
        return compareTo(REQUIRE) >= 0;
    }

    static SslMode parse(String value) {
        for (SslMode m : values()) {
            if (m.keyword().equals(value)) {
                return m;
            }
        }
        throw new PgConfigException("invalid sslmode value \"" + value + "\"");
    }
}
