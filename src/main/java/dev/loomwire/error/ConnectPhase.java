package dev.loomwire.error;

/** The steps of opening a database connection, in order; a driver reports those it goes through. */
public enum ConnectPhase {
    /** Resolving a host name to addresses (skipped for IP literals and hostaddr). */
    DNS,
    /** The TCP connect to one address. */
    TCP,
    /** PostgreSQL's SSLRequest and the server's one-byte answer. */
    SSL_REQUEST,
    /** The TLS handshake. */
    TLS,
    /** Startup and authentication (PostgreSQL), HELLO/AUTH (Redis). */
    AUTH,
    /** The connection is ready for commands (and, for PostgreSQL, the server type was accepted). */
    READY
}
