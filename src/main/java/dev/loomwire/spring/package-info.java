/**
 * Spring Boot auto-configuration, used only when the application has Spring Boot (the dependency
 * is optional: nothing here is loaded otherwise).
 *
 * <pre>
 * loomwire.postgres.url=host=db.example.com dbname=app user=app sslmode=verify-full
 * loomwire.postgres.ssl.bundle=db                      # instead of sslrootcert/sslcert/sslkey files
 * loomwire.postgres.pool.max-size=20
 * loomwire.postgres.command-timeout=30s
 * spring.ssl.bundle.pem.db.truststore.certificate=classpath:db-ca.crt
 * spring.ssl.bundle.pem.db.keystore.certificate=file:/etc/app/client.crt
 * spring.ssl.bundle.pem.db.keystore.private-key=file:/etc/app/client.key
 *
 * loomwire.redis.url=rediss://cache.example.com:6380?sslverify=full
 * loomwire.redis.ssl.bundle=cache
 * </pre>
 * gives a {@code PgPool} and a {@code RedisClient} bean (closed with the context) and, with
 * Spring Boot Actuator, the health indicators {@code loomwirePostgres} and {@code loomwireRedis}.
 *
 * <p>With {@code spring.datasource.url=jdbc:loomwire:postgresql://...}, Spring Boot's own DataSource
 * auto-configuration (HikariCP, {@code JdbcTemplate}, Flyway) runs over loomwire's JDBC driver
 * ({@link dev.loomwire.spring.LoomwireJdbcAutoConfiguration}); {@code loomwire.postgres.ssl.bundle}
 * supplies that DataSource's TLS material too.
 */
package dev.loomwire.spring;
