package dev.loomwire.pg;

/**
 * One result column: name, type OID, source table OID and column number (0 for computed
 * columns), type modifier, wire format (0 text, 1 binary). The modifier gives precision, scale
 * and length where the type has them; nullability is not sent by the server.
 */
public record PgColumn(String name, int typeOid, int tableOid, int columnNumber, int typeModifier, int format) {
    private static final int VARHDRSZ = 4;

    /** {@code pg_type.typname} of a built-in type ("int4", "varchar", "_text"), "unknown" otherwise. */
    public String typeName() {
        return Oid.typeName(typeOid);
    }

    /**
     * Declared precision: numeric(p,s) → p; varchar(n)/char(n) → n; time/timestamp/interval(p) →
     * fractional digits p; bit(n)/varbit(n) → n; -1 when not declared or not applicable.
     */
    public int precision() {
        if (typeModifier < 0) {
            return -1;
        }
        return switch (typeOid) {
            case Oid.NUMERIC -> ((typeModifier - VARHDRSZ) >> 16) & 0xFFFF;
            case Oid.VARCHAR, Oid.BPCHAR -> typeModifier - VARHDRSZ;
            case Oid.TIME, Oid.TIMETZ, Oid.TIMESTAMP, Oid.TIMESTAMPTZ -> typeModifier;
            case Oid.INTERVAL -> typeModifier & 0xFFFF;
            case Oid.BIT, Oid.VARBIT -> typeModifier;
            default -> -1;
        };
    }

    /** Declared scale: numeric(p,s) → s; time/timestamp(p) → p; -1 when not declared or not applicable. */
    public int scale() {
        if (typeModifier < 0) {
            return -1;
        }
        return switch (typeOid) {
            case Oid.NUMERIC -> (short) ((typeModifier - VARHDRSZ) & 0xFFFF);
            case Oid.TIME, Oid.TIMETZ, Oid.TIMESTAMP, Oid.TIMESTAMPTZ -> typeModifier;
            default -> -1;
        };
    }

    /** Declared length of varchar(n)/char(n), -1 otherwise. */
    public int length() {
        return typeModifier >= VARHDRSZ && (typeOid == Oid.VARCHAR || typeOid == Oid.BPCHAR)
                ? typeModifier - VARHDRSZ : -1;
    }
}
