package dev.loomwire.pg;

/** libpq's {@code sslnegotiation}: SSLRequest first ({@code postgres}) or TLS at once ({@code direct}, PG 17+). */
public enum SslNegotiation {
    POSTGRES, DIRECT;

    static SslNegotiation parse(String value) {
        return switch (value) {
            case "postgres" -> POSTGRES;
            case "direct" -> DIRECT;
            default -> throw new PgConfigException("invalid sslnegotiation value \"" + value + "\"");
        };
    }
}
