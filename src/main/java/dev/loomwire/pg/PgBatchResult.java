package dev.loomwire.pg;

/**
 * What a pipelined batch did: every statement completed, or one failed. A batch is written with
 * one Sync, so it runs as one implicit transaction outside a transaction block: when one
 * statement fails, the ones before it are rolled back and the ones after it do not run. Inside
 * a transaction block, the transaction is left failed ({@code transactionStatus() == 'E'}).
 */
public sealed interface PgBatchResult {
    /** Update counts (rows affected or returned) of the statements that completed, in order. */
    long[] updateCounts();

    /** This result if it is {@link Completed}; the error of a {@link Failed} one is thrown. */
    PgBatchResult orThrow();

    /** Every statement completed; one count per statement. */
    record Completed(long[] updateCounts) implements PgBatchResult {
        @Override
        public PgBatchResult orThrow() {
            return this;
        }
    }

    /**
     * Statement {@code failedIndex} (0-based) failed with {@code error}; {@code updateCounts} has
     * the counts of the statements before it (rolled back unless inside a transaction block).
     */
    record Failed(int failedIndex, long[] updateCounts, PgServerException error) implements PgBatchResult {
        @Override
        public PgBatchResult orThrow() {
            throw error;
        }
    }
}
