package dev.loomwire.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * libpq 18 itself, through {@code psql}, as the reference for parity tests: does libpq connect
 * with this connection string, and what does it say when it does not? Debian's psql runs with
 * the libpq 18 (and its OpenSSL) that comes with the PostgreSQL 18 binaries on the test class
 * path, through {@code LD_LIBRARY_PATH}: Debian 12's own libpq is 15, which lacks
 * {@code sslrootcert=system}.
 */
public final class Libpq {
    private Libpq() {}

    /** The outcome of {@code psql "<conninfo>" -c "SELECT 1"}. */
    public record Outcome(boolean connected, String error) {}

    /** Connects with {@code conninfo} (HOME pointed at an empty directory, no PG* variables) and runs SELECT 1. */
    public static Outcome connect(String conninfo, Map<String, String> env) {
        Map<String, String> withLibpq18 = new HashMap<>(env);
        withLibpq18.put("LD_LIBRARY_PATH", PgBinaries.pg18(LocalMachine.workRoot()).getParent().resolve("lib").toString());
        Exec.Result r = Exec.run(List.of(PgBinaries.psql().toString(), "-X", "-q", "-A", "-t", "-c", "SELECT 1", conninfo),
                withLibpq18, null, Duration.ofSeconds(60));
        return new Outcome(r.ok() && r.stdout().strip().equals("1"), r.stderr().strip());
    }
}
