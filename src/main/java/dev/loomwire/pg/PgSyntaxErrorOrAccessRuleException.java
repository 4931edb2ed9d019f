package dev.loomwire.pg;

import java.util.Map;

/** SQLSTATE class 42: syntax error, undefined object or insufficient privilege. */
public class PgSyntaxErrorOrAccessRuleException extends PgServerException {
    PgSyntaxErrorOrAccessRuleException(Map<Character, String> fields) {
        super(fields);
    }
}
