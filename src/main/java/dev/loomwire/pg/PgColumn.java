package dev.loomwire.pg;

/** One result column: name, type OID, source table OID and column number, type modifier, wire format (0 text, 1 binary). */
public record PgColumn(String name, int typeOid, int tableOid, int columnNumber, int typeModifier, int format) {}
