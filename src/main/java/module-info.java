/**
 * loomwire: blocking PostgreSQL and Redis drivers with first-class TLS, written for virtual
 * threads. Only API packages are exported; protocol codecs stay internal.
 */
module dev.loomwire {
    requires transitive org.slf4j;

    exports dev.loomwire.tls;
    exports dev.loomwire.redis;
    exports dev.loomwire.pg;
    exports dev.loomwire.pool;
}
