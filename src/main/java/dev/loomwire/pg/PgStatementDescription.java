package dev.loomwire.pg;

import java.util.List;

/**
 * What the server says about a statement without running it: the type OIDs of its parameters
 * ($1, $2, ...) and the columns it would return (empty when it returns no rows). Column formats
 * are 0 (text); JDBC's ParameterMetaData and ResultSetMetaData read this.
 */
public record PgStatementDescription(List<Integer> parameterTypes, List<PgColumn> columns) {
    public PgStatementDescription {
        parameterTypes = List.copyOf(parameterTypes);
        columns = List.copyOf(columns);
    }
}
