package dev.loomwire.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
              PostgreSQL settings: host hostaddr port user dbname sslmode sslrootcert sslcert sslkey
                              sslpassword sslnegotiation sslsni connect_timeout
              Redis settings: sslverify sslrootcert sslcert sslkey sslpassword connect_timeout

            Prints each phase with its timing (DNS, TCP, SSLRequest, TLS handshake, certificate chain,
            a verdict per verification mode, authentication method, server version).
            Exit code: 0 the requested mode would succeed, 1 it would fail, 2 usage error.
            """;

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
                ConnInfo info = ConnInfo.parse(String.join(" ", rest));
                if (timeout == null) {
                    String ct = info.get("connect_timeout", null);
                    timeout = ct == null || ct.equals("0") ? Duration.ofSeconds(10) : Duration.ofSeconds(Math.max(2, Integer.parseInt(ct)));
                }
                report = info.kind() == ConnInfo.Kind.POSTGRES ? new PgProbe(info, timeout).run() : new RedisProbe(info, timeout).run();
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
