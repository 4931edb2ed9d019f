package dev.loomwire.jdbc;

/**
 * A column of a result built in memory (e.g. by {@code DatabaseMetaData.getTableTypes()}): its
 * label and PostgreSQL type OID (16 bool, 21 int2, 23 int4, 20 int8, 25 text, 19 name, 26 oid), from
 * which ResultSetMetaData reports the JDBC type and type name.
 *
 * @param label the column label, as the JDBC specification names it (e.g. {@code TABLE_TYPE})
 * @param typeOid the PostgreSQL type OID of the values
 */
public record JdbcColumn(String label, int typeOid) {
    public JdbcColumn {
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("label is empty");
        }
    }
}
