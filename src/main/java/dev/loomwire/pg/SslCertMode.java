package dev.loomwire.pg;

/** libpq's {@code sslcertmode}: whether a client certificate is never sent, sent if configured, or must be requested. */
public enum SslCertMode {
    DISABLE, ALLOW, REQUIRE;

    static SslCertMode parse(String value) {
        return switch (value) {
            case "disable" -> DISABLE;
            case "allow" -> ALLOW;
            case "require" -> REQUIRE;
            default -> throw new PgConfigException("invalid sslcertmode value \"" + value + "\"");
        };
    }
}
