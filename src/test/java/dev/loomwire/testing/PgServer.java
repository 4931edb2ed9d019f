package dev.loomwire.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * A PostgreSQL server started for the tests (see {@link TestServers}), listening with TLS on
 * 127.0.0.1. Server certificate {@code server.crt} (SANs localhost, 127.0.0.1, ::1),
 * {@code ssl_ca_file = ca.crt}, {@code password_encryption = scram-sha-256}, {@code log_connections}.
 *
 * <p>Roles: superuser {@value #SUPERUSER} (SCRAM, {@value #SUPERUSER_PASSWORD}), {@value #USER}
 * (SCRAM, {@value #PASSWORD}), {@value #MD5_USER} (password stored as md5, {@value #MD5_PASSWORD}),
 * {@value #CLEARTEXT_USER} ({@value #CLEARTEXT_PASSWORD}, hba method {@code password} on database
 * loomwire). Databases (all owned by {@value #USER}) and their pg_hba.conf lines, for 127.0.0.1/32
 * and ::1/128:
 * <pre>
 * host      all      postgres   scram-sha-256   (first: the superuser reaches every database over TCP)
 * hostssl   ssldb     all       scram-sha-256
 * hostnossl plaindb   all       scram-sha-256
 * hostssl   certdb    all       cert            (client.crt, CN=loomwire)
 * hostssl   vfdb      all       scram-sha-256 clientcert=verify-full
 * host      trustdb   all       trust
 * host      md5db     all       md5
 * host      pwdb      all       password
 * host      loomwire  cleartext password
 * host      loomwire  md5user   md5
 * host      loomwire  all       scram-sha-256
 * </pre>
 * So tests of what pg_hba.conf allows must connect as loomwire, md5user or cleartext, not postgres.
 */
public interface PgServer {
    String SUPERUSER = "postgres";
    String SUPERUSER_PASSWORD = "postgres-pw";
    String USER = "loomwire";
    String PASSWORD = "loomwire-pw";
    String MD5_USER = "md5user";
    String MD5_PASSWORD = "md5-pw";
    String CLEARTEXT_USER = "cleartext";
    String CLEARTEXT_PASSWORD = "clear-pw";
    /** Every database the harness creates. */
    List<String> DATABASES = List.of("loomwire", "ssldb", "plaindb", "certdb", "vfdb", "trustdb", "md5db", "pwdb");

    /** Always "127.0.0.1". */
    String host();

    int port();

    /** 15 or 18. */
    int majorVersion();

    /**
     * Runs {@code sql} (one or more statements) as the superuser in database {@code db} through
     * psql over TCP, and returns its output lines unaligned and without headers ({@code -At}):
     * one line per row, columns separated by {@code |}. Throws with psql's error on failure.
     */
    List<String> psql(String db, String sql);

    /** The server's log file, in the data directory; connection lines look like
     * {@code connection authorized: user=loomwire database=ssldb ... SSL enabled (protocol=TLSv1.3, ...)}. */
    Path logFile();

    /** The whole server log so far. Lines are written before the client is told it is connected. */
    String log();

    Path dataDir();
}
