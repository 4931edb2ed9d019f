package dev.loomwire.pg;

import java.util.Arrays;
import java.util.List;

/** One statement of a pipelined batch ({@link PgClient#executeBatch(List)}): SQL with $n placeholders and its parameters. */
public record PgStatement(String sql, List<?> params) {
    public PgStatement {
        if (sql == null) {
            throw new IllegalArgumentException("a batch statement needs SQL");
        }
        params = params == null ? List.of() : params;
    }

    /** A statement with these parameters (null elements are SQL NULL). */
    public static PgStatement of(String sql, Object... params) {
        return new PgStatement(sql, Arrays.asList(params.clone()));
    }
}
