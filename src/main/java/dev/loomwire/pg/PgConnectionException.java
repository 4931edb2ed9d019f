package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.LoomwireException;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.error.ConnectPhase;

/**
 * Connecting failed, or an established connection broke: network, TLS, authentication protocol
 * or a malformed message from the server. The message names the cause (e.g. "server does not
 * support SSL", a certificate host-name mismatch). A connection that threw this is closed.
 *
 * <p>{@link #category()} is {@link ErrorCategory#CONNECT} when built with a connect phase or when
 * the cause shows the connection never opened (TLS, DNS, TCP), {@link ErrorCategory#CONFIGURATION}
 * for a TLS configuration error, and otherwise {@link ErrorCategory#BROKEN}: see
 * {@link LoomwireException}.
 */
public class PgConnectionException extends PgException {
    private static final long serialVersionUID = 1L;

    public PgConnectionException(String message) {
        super((String) null, null, message, null);
    }

    public PgConnectionException(String message, Throwable cause) {
        super((String) null, null, message, cause);
    }

    /** Connecting to {@code host} failed in {@code phase}: category {@link ErrorCategory#CONNECT}. */
    public PgConnectionException(String message, Throwable cause, String host, ConnectPhase phase) {
        super(host, java.util.Objects.requireNonNull(phase, "phase"), message, cause);
    }

    /** For subclasses of a fixed category. */
    protected PgConnectionException(ErrorCategory category, String message, Throwable cause) {
        super(category, message, cause);
    }

    /** For timeouts. */
    protected PgConnectionException(TimeoutKind kind, String message, Throwable cause) {
        super(kind, message, cause);
    }

    /**
     * A configuration error found while connecting (a missing key file, no root certificate for
     * sslmode=verify-*): libpq reports these as connection failures, so the class stays, but the
     * category is {@link ErrorCategory#CONFIGURATION}: retrying cannot help.
     */
    public static PgConnectionException configuration(String message, Throwable cause) {
        return new PgConnectionException(ErrorCategory.CONFIGURATION, message, cause);
    }

    /** The connection broke during a command: category {@link ErrorCategory#BROKEN}, whatever the cause. */
    public static PgConnectionException broken(String message, Throwable cause) {
        return new PgConnectionException(ErrorCategory.BROKEN, message, cause);
    }
}
