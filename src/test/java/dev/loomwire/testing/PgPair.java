package dev.loomwire.testing;

/**
 * A PostgreSQL primary with one streaming standby (hot standby, replication over TLS with
 * {@code sslmode=verify-full}), both configured like every {@link PgServer} (same roles,
 * certificates, pg_hba.conf; of the databases only {@code loomwire} and {@code trustdb}), on their own ports of 127.0.0.1. Made by
 * {@link TestServers#pgPair(int)} (shared, do not break it) or {@link TestServers#newPgPair(int)}
 * (yours: promote, stop, freeze, then close it).
 */
public interface PgPair extends AutoCloseable {
    /** The server that was primary when the pair was made. */
    PgServer primary();

    /** The server that was the standby when the pair was made. */
    PgServer standby();

    /** {@code host=127.0.0.1,127.0.0.1 port=<primary>,<standby>} in the order given: for multi-host conninfo strings. */
    default String hostsAndPorts(PgServer... servers) {
        StringBuilder hosts = new StringBuilder("host=");
        StringBuilder ports = new StringBuilder(" port=");
        for (int i = 0; i < servers.length; i++) {
            hosts.append(i == 0 ? "" : ",").append(servers[i].host());
            ports.append(i == 0 ? "" : ",").append(servers[i].port());
        }
        return hosts.append(ports).toString();
    }

    /** Promotes the standby to primary and waits until it accepts writes. */
    void promoteStandby();

    /** Stops the primary (fast shutdown: sessions are terminated). */
    void stopPrimary();

    /** Stops the primary's postmaster and every backend with SIGSTOP: sockets stay open, nothing answers. */
    void freezePrimary();

    /** Resumes a frozen primary (SIGCONT to the same processes). */
    void thawPrimary();

    /** Starts a stopped primary again on its port and data directory. */
    void restartPrimary();

    /** Thaws and stops both servers; their directories stay until the JVM's run directory is cleaned. */
    @Override
    void close();
}
