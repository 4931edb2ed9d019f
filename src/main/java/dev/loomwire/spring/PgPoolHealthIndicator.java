package dev.loomwire.spring;

import dev.loomwire.pg.PgPool;
import dev.loomwire.pg.PgTlsInfo;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Actuator health of a {@link PgPool}: UP when {@code SELECT 1} runs through the pool. */
public class PgPoolHealthIndicator implements HealthIndicator {
    private final PgPool pool;

    public PgPoolHealthIndicator(PgPool pool) {
        this.pool = pool;
    }

    @Override
    public Health health() {
        try {
            return pool.withConnection(c -> {
                c.query("SELECT 1");
                Health.Builder h = Health.up().withDetail("server", "PostgreSQL " + c.serverVersion())
                        .withDetail("host", c.host().toString());
                PgTlsInfo tls = c.tls().orElse(null);
                h.withDetail("tls", tls == null ? "none" : tls.protocol() + " " + tls.cipherSuite());
                return h.withDetail("pool", pool.stats().toString()).build();
            });
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .withDetail("pool", pool.stats().toString()).build();
        }
    }
}
