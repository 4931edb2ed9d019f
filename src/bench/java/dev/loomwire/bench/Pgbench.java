package dev.loomwire.bench;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C reference for PostgreSQL: {@code pgbench -n -M prepared} running a {@code SELECT 1}
 * script, with libpq's {@code sslmode=verify-full} and {@code sslrootcert=ca.crt} under TLS.
 * With one client the value is its mean latency in µs; with several, transactions per second.
 */
final class Pgbench {
    static final String NAME = "pgbench (C)";
    static final Path BINARY = Path.of("/usr/lib/postgresql/15/bin/pgbench");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

    private Pgbench() {}

    static Subject subject(PgServer pg, String mode, int clients, IntUnaryOperator transactions) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: apt-get install -y postgresql-15");
        }
        Path script = Files.createTempFile("loomwire-bench", ".sql");
        Files.writeString(script, "SELECT 1;\n");
        script.toFile().deleteOnExit();
        return n -> {
            int perClient = Math.max(1, transactions.applyAsInt(n) / clients);
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-n", "-M", "prepared", "-f", script.toString(),
                    "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)), "-t", Integer.toString(perClient),
                    "-h", Trust.HOST, "-p", Integer.toString(pg.port()), "-U", PgServer.USER, "loomwire"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", PgServer.PASSWORD);
            if (mode.equals("TLS")) {
                pb.environment().put("PGSSLMODE", "verify-full");
                pb.environment().put("PGSSLROOTCERT", TestCerts.file("ca.crt").toString());
            } else {
                pb.environment().put("PGSSLMODE", "disable");
            }
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("pgbench did not finish in 300 s");
            }
            Matcher lat = LATENCY.matcher(out);
            Matcher tps = TPS.matcher(out);
            if (p.exitValue() != 0 || !lat.find() || !tps.find()) {
                throw new IllegalStateException("pgbench failed (exit " + p.exitValue() + "): "
                        + out.lines().filter(l -> !l.isBlank()).limit(4).reduce("", (a, b) -> a + " " + b).trim());
            }
            double latencyMicros = Double.parseDouble(lat.group(1)) * 1000;
            return clients == 1 ? Sample.external(latencyMicros, Double.NaN) : Sample.external(Double.parseDouble(tps.group(1)), Double.NaN);
        };
    }
}
