package dev.loomwire.pg;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What you can run against PostgreSQL, the same on one {@link PgConnection} and on a
 * {@link PgPool} (which lends a connection for each call). Parameters are Java values the codec
 * registry encodes, {@code null}, or {@link PgParam#typed} for an explicit type; placeholders are
 * {@code $1, $2, ...}; each call with parameters runs exactly one statement.
 */
public interface PgClient {
    /** Runs one statement with parameters and returns all its rows. */
    PgResult query(String sql, Object... params);

    /**
     * Runs a statement and returns the affected row count. Without parameters the simple query
     * protocol is used, so several statements separated by ';' are allowed (the last count wins).
     */
    long execute(String sql, Object... params);

    /** Runs one statement and hands each row to {@code consumer} as it arrives; returns the row (or affected) count. */
    long stream(String sql, List<?> params, Consumer<PgRow> consumer);

    /**
     * One statement with many parameter sets, pipelined: Parse once (unless cached), Bind and
     * Execute per set, one Sync, all written at once; see {@link PgBatchResult} for errors.
     */
    PgBatchResult executeBatch(String sql, List<? extends List<?>> paramSets);

    /** Several statements pipelined the same way, in order, with one Sync. */
    PgBatchResult executeBatch(List<PgStatement> statements);

    /**
     * The parameter types and result columns of {@code sql} without running it (one round trip).
     * {@code paramTypeHints} optionally fix parameter types, encoded like execution parameters
     * (e.g. {@code PgParam.typed(Oid.INT8, null)}); otherwise the server infers them.
     */
    PgStatementDescription describe(String sql, Object... paramTypeHints);

    /** Runs {@code work} with one connection to itself (LISTEN, COPY, cursors, session state). */
    <T> T withConnection(Function<PgConnection, T> work);

    /** Runs {@code work} in a transaction: commits if it returns, rolls back if it throws. */
    <T> T inTransaction(Function<PgConnection, T> work);
}
