package dev.loomwire.error;

/**
 * What kind of failure a {@link LoomwireException} is, shared by both drivers and the pool: what a
 * caller can do about it (fix the configuration, retry, discard the connection, report the server's
 * error).
 */
public enum ErrorCategory {
    /** A bad parameter, file or URL; retrying cannot help. The message names the parameter. */
    CONFIGURATION,
    /** The connection could not be opened. Nothing was sent, so retrying (later, or another host) is safe. */
    CONNECT,
    /** The connection failed during a command and is closed; whether the command took effect is unknown. */
    BROKEN,
    /** A time limit passed; {@link LoomwireException#timeoutKind()} says which one. */
    TIMEOUT,
    /** The server answered with an error (a SQLSTATE or a Redis error code); the connection stays usable. */
    SERVER,
    /**
     * The client refused or abandoned the operation without the server: an invalid argument, a value
     * that does not convert, a closed pool, an interrupted wait. The connection is not harmed.
     */
    CLIENT
}
