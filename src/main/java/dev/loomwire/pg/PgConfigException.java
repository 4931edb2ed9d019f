package dev.loomwire.pg;

/** A connection string or configuration value is malformed or inconsistent; names the parameter. */
public class PgConfigException extends PgException {
    public PgConfigException(String message) {
        super(message);
    }
}
