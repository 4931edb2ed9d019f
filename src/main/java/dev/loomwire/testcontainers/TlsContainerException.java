package dev.loomwire.testcontainers;

import java.util.Objects;

/**
 * A TLS container could not start; {@link #kind()} says why, so a test (or its harness) can act
 * on it, and {@link #logTail()} holds the end of the container's output when it ran at all.
 */
public final class TlsContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the container did not start. */
    public enum Kind {
        /** No Docker engine answered (none installed, not started, or DOCKER_HOST points nowhere). */
        DOCKER_UNAVAILABLE,
        /** The image is not present and was not (or could not be) pulled. */
        IMAGE_NOT_FOUND,
        /** The image is not a PostgreSQL/Redis image compatible with the official one. */
        WRONG_IMAGE,
        /** The container ran but the server did not accept a verified TLS connection in time. */
        NOT_READY
    }

    private final Kind kind;
    private final String logTail;

    TlsContainerException(Kind kind, String message, String logTail, Throwable cause) {
        super(logTail.isEmpty() ? message : message + "\n--- last lines of the container's log ---\n" + logTail, cause);
        this.kind = Objects.requireNonNull(kind);
        this.logTail = logTail;
    }

    public Kind kind() {
        return kind;
    }

    /** The last lines the container wrote (stdout and stderr), empty if it never ran. */
    public String logTail() {
        return logTail;
    }
}
