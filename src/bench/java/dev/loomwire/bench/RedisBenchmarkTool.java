package dev.loomwire.bench;

import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The C reference: runs {@code redis-benchmark} (one process per repetition, {@code --csv}) and
 * turns its per-test rows into a {@link Sample}. With {@code --tls} it verifies the chain against
 * ca.crt but, like redis-cli, never the host name.
 */
final class RedisBenchmarkTool {
    static final String NAME = "redis-benchmark (C)";
    static final Path BINARY = Path.of("/usr/bin/redis-benchmark");

    /** The rows of one run, by test name (GET, SET, PING_MBULK, ...). */
    record Row(double rps, double p50Ms, double p99Ms) {}

    /** How a run's rows become the scenario's value; p99 in µs. */
    interface Reading {
        Sample read(Map<String, Row> rows);
    }

    private RedisBenchmarkTool() {}

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * A subject running {@code redis-benchmark} with {@code args}; {@code requests} turns the
     * scenario's iterations into {@code -n}.
     */
    static Subject subject(RedisServer server, String mode, List<String> args, java.util.function.IntUnaryOperator requests, Reading reading) {
        if (!available()) {
            throw new IllegalStateException(BINARY + " not found: apt-get install -y redis-tools");
        }
        return n -> reading.read(run(server, mode, args, requests.applyAsInt(n)));
    }

    static Map<String, Row> run(RedisServer server, String mode, List<String> args, int requests) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-h", server.host(), "-q", "--csv", "-n", Integer.toString(requests)));
        if (mode.equals("TLS")) {
            cmd.addAll(List.of("-p", Integer.toString(server.tlsPort()), "--tls", "--cacert", TestCerts.file("ca.crt").toString()));
        } else {
            cmd.addAll(List.of("-p", Integer.toString(server.plainPort())));
        }
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("redis-benchmark did not finish in 300 s");
        }
        String output = new String(bytes, StandardCharsets.UTF_8);
        Map<String, Row> rows = new HashMap<>();
        for (String line : output.lines().toList()) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length >= 7 && !f[0].equals("test")) {
                try {
                    rows.put(f[0], new Row(Double.parseDouble(f[1]), Double.parseDouble(f[4]), Double.parseDouble(f[6])));
                } catch (NumberFormatException ignored) {
                    // not a result row
                }
            }
        }
        if (p.exitValue() != 0 || rows.isEmpty()) {
            throw new IllegalStateException("redis-benchmark " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): "
                    + output.lines().limit(5).reduce("", (a, b) -> a + " " + b).trim());
        }
        return rows;
    }

    static Row row(Map<String, Row> rows, String test) {
        Row r = rows.get(test);
        if (r == null) {
            throw new IllegalStateException("redis-benchmark printed no " + test + " row: " + rows.keySet());
        }
        return r;
    }

    /** p50 latency of one test in µs (its resolution is 1 µs at best). */
    static Reading latency(String test) {
        return rows -> {
            Row r = row(rows, test);
            return Sample.external(r.p50Ms() * 1000, r.p99Ms() * 1000);
        };
    }

    /** Sum of the p50 latencies of SET and GET: one SET+GET pair. */
    static Reading setThenGet() {
        return rows -> {
            Row s = row(rows, "SET");
            Row g = row(rows, "GET");
            return Sample.external((s.p50Ms() + g.p50Ms()) * 1000, (s.p99Ms() + g.p99Ms()) * 1000);
        };
    }

    static Reading rate(String test) {
        return rows -> {
            Row r = row(rows, test);
            return Sample.external(r.rps(), r.p99Ms() * 1000);
        };
    }

    /** Throughput of an even GET/SET mix: the harmonic mean of the two rates. */
    static Reading mixedRate() {
        return rows -> {
            Row s = row(rows, "SET");
            Row g = row(rows, "GET");
            return Sample.external(2 / (1 / s.rps() + 1 / g.rps()), Math.max(s.p99Ms(), g.p99Ms()) * 1000);
        };
    }
}
