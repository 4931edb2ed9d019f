package dev.loomwire.bench;

/** One timed operation; any exception fails the repetition. */
@FunctionalInterface
interface Op {
    void run() throws Exception;
}
