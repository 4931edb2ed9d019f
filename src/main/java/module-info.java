/**
 * loomwire: blocking PostgreSQL and Redis drivers with first-class TLS, written for virtual
 * threads. Only API packages are exported; protocol codecs stay internal.
 */
module dev.loomwire {
    requires transitive org.slf4j;
    requires transitive java.sql; // dev.loomwire.jdbc implements java.sql.Driver
    requires jdk.net; // TCP keepalive idle/interval/count (libpq keepalives_*)
    // Spring Boot auto-configuration (dev.loomwire.spring): compile-time only, optional at run time
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
    requires static spring.boot.actuator;
    requires static spring.context;
    requires static spring.beans;
    requires static spring.core;
    // TLS containers for tests (dev.loomwire.testcontainers): compile-time only, optional at run time
    requires static testcontainers;
    requires static com.github.dockerjava.api;

    exports dev.loomwire.error;
    exports dev.loomwire.tls;
    exports dev.loomwire.redis;
    exports dev.loomwire.pg;
    exports dev.loomwire.pool;
    exports dev.loomwire.jdbc;
    exports dev.loomwire.spring;
    exports dev.loomwire.testcontainers;
    opens dev.loomwire.spring;
    provides java.sql.Driver with dev.loomwire.jdbc.LoomwireDriver; // Spring instantiates and binds the auto-configuration and properties reflectively
}
