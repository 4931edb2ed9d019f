package dev.loomwire.pg;

import java.util.Map;

/** SQLSTATE 57014: the statement was cancelled (by cancel() or statement_timeout). */
public class PgQueryCanceledException extends PgServerException {
    PgQueryCanceledException(Map<Character, String> fields) {
        super(fields);
    }
}
