/**
 * loomwire's JDBC driver for PostgreSQL, on the same TLS stack as {@link dev.loomwire.pg}:
 * {@link dev.loomwire.jdbc.LoomwireDriver} (URLs {@code jdbc:loomwire:postgresql://...} with libpq's
 * parameters), {@link dev.loomwire.jdbc.LoomwireDataSource} (for HikariCP and Spring Boot, with TLS
 * material in memory), and the Connection, Statement, PreparedStatement, CallableStatement and
 * ResultSet implementations. Errors are SQLException subclasses chosen by SQLSTATE (08 connection,
 * 23 integrity, 40 rollback, 42 syntax, 57014 timeout); what is not supported throws
 * {@link java.sql.SQLFeatureNotSupportedException}.
 */
package dev.loomwire.jdbc;
