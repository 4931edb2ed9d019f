package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;

/**
 * A connection string or configuration value is malformed or inconsistent; names the parameter.
 * Category {@link ErrorCategory#CONFIGURATION}.
 */
public class PgConfigException extends PgException {
    private static final long serialVersionUID = 1L;

    public PgConfigException(String message) {
        super(ErrorCategory.CONFIGURATION, message, null);
    }

    public PgConfigException(String message, Throwable cause) {
        super(ErrorCategory.CONFIGURATION, message, cause);
    }
}
