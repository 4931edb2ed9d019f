package dev.loomwire.pg;

/** Root of every exception the PostgreSQL driver throws (unchecked). */
public class PgException extends RuntimeException {
    public PgException(String message) {
        super(message);
    }

    public PgException(String message, Throwable cause) {
        super(message, cause);
    }
}
