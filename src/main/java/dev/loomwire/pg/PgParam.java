package dev.loomwire.pg;

/**
 * A parameter value sent with an explicit type OID, for when the Java value alone does not say
 * the type: SQL NULL of a given type ({@code typed(Oid.INT4, null)}, JDBC {@code setNull}), or a
 * value the server should read as another type ({@code typed(Oid.INT4, "42")} is sent as text
 * with type int4). A value whose natural encoding already has this OID is sent as it would be
 * without the wrapper.
 */
public record PgParam(int oid, Object value) {
    /** The value (or null) sent with type {@code oid}. */
    public static PgParam typed(int oid, Object value) {
        return new PgParam(oid, value);
    }
}
