package dev.loomwire.pg;

import java.util.Map;

/** SQLSTATE class 28: the server refused the credentials or the client's address (pg_hba.conf). */
public class PgAuthenticationException extends PgServerException {
    PgAuthenticationException(Map<Character, String> fields) {
        super(fields);
    }
}
