/**
 * Blocking PostgreSQL driver with libpq's connection parameters and TLS semantics.
 *
 * <p>{@link dev.loomwire.pg.PgConnection#connect(String)} takes a libpq conninfo string or a
 * {@code postgresql://} URI; {@link dev.loomwire.pg.PgConfig} holds the parsed parameters with
 * defaults from the PG* environment variables, {@code ~/.postgresql/} and {@code ~/.pgpass}.
 * sslmode behaves as in libpq: {@code allow} tries plaintext first, {@code prefer} TLS first with a
 * plaintext retry, {@code require} verifies the chain when a root certificate is configured,
 * {@code verify-ca}/{@code verify-full} always verify. Errors: {@link dev.loomwire.pg.PgException}
 * (root), {@link dev.loomwire.pg.PgServerException} (ErrorResponse, with SQLSTATE subtypes),
 * {@link dev.loomwire.pg.PgConnectionException} (network, TLS, protocol),
 * {@link dev.loomwire.pg.PgConfigException} (bad parameters).
 */
package dev.loomwire.pg;
