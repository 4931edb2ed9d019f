package dev.loomwire.pg;

import java.util.Map;

/** SQLSTATE class 40: serialization failure or deadlock; the transaction may succeed if retried. */
public class PgTransactionRollbackException extends PgServerException {
    PgTransactionRollbackException(Map<Character, String> fields) {
        super(fields);
    }
}
