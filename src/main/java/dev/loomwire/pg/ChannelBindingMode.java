package dev.loomwire.pg;

/** libpq's {@code channel_binding}: whether SCRAM-SHA-256-PLUS is avoided, preferred or required. */
public enum ChannelBindingMode {
    DISABLE, PREFER, REQUIRE;

    static ChannelBindingMode parse(String value) {
        return switch (value) {
            case "disable" -> DISABLE;
            case "prefer" -> PREFER;
            case "require" -> REQUIRE;
            default -> throw new PgConfigException("invalid channel_binding value \"" + value + "\"");
        };
    }
}
