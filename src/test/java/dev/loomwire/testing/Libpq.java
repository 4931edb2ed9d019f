package dev.loomwire.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * libpq itself, through {@code psql}, as the reference for parity tests: does libpq connect with
 * this connection string, and what does it say when it does not?
 */
public final class Libpq {
    private Libpq() {}

    /** The outcome of {@code psql "<conninfo>" -c "SELECT 1"}. */
    public record Outcome(boolean connected, String error) {}

    /** Connects with {@code conninfo} (HOME pointed at an empty directory, no PG* variables) and runs SELECT 1. */
    public static Outcome connect(String conninfo, Map<String, String> env) {
        Exec.Result r = Exec.run(List.of(PgBinaries.psql().toString(), "-X", "-q", "-A", "-t", "-c", "SELECT 1", conninfo),
                env, null, Duration.ofSeconds(60));
        return new Outcome(r.ok() && r.stdout().strip().equals("1"), r.stderr().strip());
    }
}
