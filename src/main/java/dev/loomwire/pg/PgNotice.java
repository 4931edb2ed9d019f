package dev.loomwire.pg;

import java.util.Map;

/** A NoticeResponse (WARNING, NOTICE, INFO...) with all its fields by protocol code. */
public record PgNotice(Map<Character, String> fields) {
    public String severity() {
        return fields.getOrDefault('V', fields.getOrDefault('S', "NOTICE"));
    }

    public String sqlState() {
        return fields.getOrDefault('C', "");
    }

    public String message() {
        return fields.getOrDefault('M', "");
    }

    @Override
    public String toString() {
        return severity() + ": " + message();
    }
}
