package dev.loomwire.pg;

import java.util.Map;

/** SQLSTATE class 23: a unique, foreign key, check or not-null constraint was violated. */
public class PgIntegrityConstraintException extends PgServerException {
    PgIntegrityConstraintException(Map<Character, String> fields) {
        super(fields);
    }
}
