package dev.loomwire.bench;

/**
 * One driver's implementation of one scenario in one mode (plain or TLS), opened once and then
 * asked for repetitions; it holds its connections or pools until closed.
 */
interface Subject extends AutoCloseable {
    /** Runs one repetition of {@code iterations} operations (or batches) and says what it measured. */
    Sample rep(int iterations) throws Exception;

    @Override
    default void close() throws Exception {}
}
