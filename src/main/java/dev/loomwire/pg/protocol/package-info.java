/**
 * PostgreSQL frontend/backend protocol 3 as bytes: encoders for frontend messages
 * ({@link dev.loomwire.pg.protocol.Frontend}), a bounds-checked decoder for backend messages
 * ({@link dev.loomwire.pg.protocol.Backend}), SCRAM-SHA-256(-PLUS), tls-server-end-point channel
 * binding and the MD5 password hash. No I/O; not exported from the module.
 */
package dev.loomwire.pg.protocol;
