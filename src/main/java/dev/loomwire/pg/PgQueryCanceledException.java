package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;

import java.util.Map;
import java.util.Optional;

/**
 * SQLSTATE 57014: the statement was cancelled (by cancel(), statement_timeout or command_timeout).
 * Category {@link ErrorCategory#TIMEOUT} with {@link TimeoutKind#COMMAND}; still a server error
 * carrying the SQLSTATE. The connection stays usable.
 */
public class PgQueryCanceledException extends PgServerException {
    private static final long serialVersionUID = 1L;

    PgQueryCanceledException(Map<Character, String> fields) {
        super(fields);
    }

    @Override
    public ErrorCategory category() {
        return ErrorCategory.TIMEOUT;
    }

    @Override
    public Optional<TimeoutKind> timeoutKind() {
        return Optional.of(TimeoutKind.COMMAND);
    }
}
