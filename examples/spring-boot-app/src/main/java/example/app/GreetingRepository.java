package example.app;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * A JdbcTemplate repository over the {@code greetings} table that Flyway creates
 * ({@code db/migration/V1__greetings.sql}), through Spring Boot's HikariCP DataSource on
 * loomwire's JDBC driver ({@code spring.datasource.url=jdbc:loomwire:postgresql://...}).
 */
@Repository
public class GreetingRepository {
    /** One row of the table. */
    public record Greeting(long id, String text, OffsetDateTime createdAt) {}

    private final JdbcTemplate jdbc;

    public GreetingRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a greeting and returns its generated id. */
    public long add(String text) {
        return jdbc.queryForObject("INSERT INTO greeter.greetings (text) VALUES (?) RETURNING id", Long.class, text);
    }

    public List<Greeting> latest(int limit) {
        return jdbc.query("SELECT id, text, created_at FROM greeter.greetings ORDER BY id DESC LIMIT ?",
                (rs, n) -> new Greeting(rs.getLong("id"), rs.getString("text"), rs.getObject("created_at", OffsetDateTime.class)),
                limit);
    }

    public long count() {
        return jdbc.queryForObject("SELECT count(*) FROM greeter.greetings", Long.class);
    }

    /** The protocol of this session's TLS connection, as the server sees it. */
    public String tlsProtocol() {
        return jdbc.queryForObject("SELECT coalesce(version, 'no TLS') FROM pg_stat_ssl WHERE pid = pg_backend_pid()", String.class);
    }
}
