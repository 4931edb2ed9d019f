package dev.loomwire.cli;

/** A command line the CLI cannot act on; its message says what is wrong (exit code 2). */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
