package dev.loomwire.cli;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgException;
import dev.loomwire.redis.HostAndPort;
import dev.loomwire.redis.RedisClusterSettings;
import dev.loomwire.redis.RedisClusterUri;
import dev.loomwire.redis.RedisConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code probe [--json] [--timeout SECONDS] <conninfo|uri>} and {@code probe --check-files key=value...}:
 * parses the command line, runs the probe and prints the report. Exit codes: 0 the requested mode
 * would succeed (or the files are fine), 1 it would not, 2 usage error.
 */
final class ProbeCommand {
    static final String USAGE = """
            usage: probe [--json] [--timeout SECONDS] <conninfo|uri>
                   probe [--json] --check-files sslcert=FILE sslkey=FILE [sslpassword=PW] sslrootcert=FILE

              <conninfo|uri>  postgresql://user@host:port/db?sslmode=verify-full&sslrootcert=ca.crt
                              'host=db.example port=5432 sslmode=verify-full sslrootcert=ca.crt'
                              rediss://host:port?sslverify=full&sslrootcert=ca.crt  (sslverify: full, ca, none)
                              rediss://seed1:7000,seed2:7001?sslrootcert=ca.crt&cluster_tls_name=seed  (Redis Cluster)
              PostgreSQL: every libpq parameter the driver takes (host hostaddr port user dbname sslmode
                              sslrootcert sslcert sslkey sslpassword sslcrl sslnegotiation sslsni
                              connect_timeout ...), with its defaults: PG* environment variables,
                              ~/.postgresql/root.crt, postgresql.crt, postgresql.key
              Redis: the driver's URI parameters (sslverify sslrootcert sslcert sslkey sslpassword
                              sslkeystore ssltruststore sslsni connect_timeout ...)

            Prints each phase with its timing (DNS, TCP, SSLRequest, TLS handshake, certificate chain,
            a verdict per verification mode, authentication method, server version). On a Redis Cluster
            node: the topology, and for every node its certificate and whether the verification
            (cluster_tls_name=announced|seed|<name>) would pass there, and which name would.
            Exit code: 0 the requested mode would succeed, 1 it would fail, 2 usage error.
            """;

    /** Per-phase limit when neither --timeout nor the driver gives one (connect_timeout=0 means "forever" to the driver). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private ProbeCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        boolean checkFiles = false;
        Duration timeout = null;
        List<String> rest = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--json")) {
                    json = true;
                } else if (a.equals("--check-files")) {
                    checkFiles = true;
                } else if (a.equals("-h") || a.equals("--help")) {
                    out.print(USAGE);
                    return 0;
                } else if (a.equals("--timeout") || a.startsWith("--timeout=")) {
                    String v = a.startsWith("--timeout=") ? a.substring("--timeout=".length()) : i + 1 < args.length ? args[++i] : "";
                    timeout = seconds("--timeout", v);
                } else if (a.startsWith("--")) {
                    throw new UsageException("unknown option " + a);
                } else {
                    rest.add(a);
                }
            }
            Report report;
            if (checkFiles) {
                report = FileCheck.parse(rest).run();
            } else {
                if (rest.isEmpty()) {
                    throw new UsageException("give a conninfo string or a URI to probe");
                }
                if (rest.size() > 1 && rest.stream().anyMatch(r -> r.contains("://"))) {
                    throw new UsageException("give one URI (quote it if it contains & or spaces), got " + rest.size() + " arguments");
                }
                report = probe(String.join(" ", rest).strip(), timeout);
            }
            out.print(json ? Json.write(report.toJson()) + "\n" : report.toText());
            out.flush();
            return report.exitCode();
        } catch (UsageException e) {
            err.println("probe: " + e.getMessage());
            err.println();
            err.print(USAGE);
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            // a TlsConfig combination the TLS layer refuses; its message names the setting
            err.println("probe: " + e.getMessage());
            err.flush();
            return 2;
        } catch (RuntimeException e) {
            err.println("probe: unexpected failure (a bug in the probe, please report it): " + e);
            err.flush();
            return 1;
        }
    }

    /**
     * Parses the connection string with the driver that would use it (so the probe accepts exactly
     * what the driver accepts, with its error messages) and runs the matching probe.
     */
    static Report probe(String target, Duration timeout) throws UsageException {
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
            boolean clusterUri = RedisClusterUri.isClusterUri(target);
            RedisClusterUri cluster;
            try {
                if (clusterUri) {
                    cluster = RedisClusterUri.parse(target);
                } else {
                    RedisConfig config = RedisConfig.fromUri(target);
                    cluster = new RedisClusterUri(config, List.of(new HostAndPort(config.host(), config.port())), RedisClusterSettings.DEFAULTS);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            boolean verifyGiven = Pattern.compile("[?&]sslverify=").matcher(target).find();
            return new RedisProbe(cluster, clusterUri, verifyGiven, timeout != null ? timeout : cluster.seedConfig().connectTimeout()).run();
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*") && !lower.startsWith("postgresql://") && !lower.startsWith("postgres://")) {
            throw new UsageException("unsupported URI scheme in \"" + target.substring(0, target.indexOf("://") + 3)
                    + "\": use postgresql://, postgres://, redis:// or rediss://");
        }
        if (!target.contains("=") && !target.contains("://")) {
            throw new UsageException("\"" + target + "\" is neither a URI (postgresql://, redis://, rediss://) nor a"
                    + " conninfo string (host=... port=...)");
        }
        PgConfig config;
        try {
            config = PgConfig.parse(target);
        } catch (PgException e) {
            throw new UsageException(e.getMessage());
        }
        if (timeout == null) {
            timeout = config.connectTimeout().isZero() ? DEFAULT_TIMEOUT : config.connectTimeout();
        }
        if (config.hosts().size() > 1) {
            return new PgHostsProbe(target, config, timeout).run();
        }
        return new PgProbe(target, config, timeout).run();
    }

    private static Duration seconds(String option, String v) throws UsageException {
        try {
            int s = Integer.parseInt(v);
            if (s <= 0) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a positive number of seconds, got \"" + v + "\"");
        }
    }
}
