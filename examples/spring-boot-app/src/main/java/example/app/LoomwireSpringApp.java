package example.app;

import dev.loomwire.pg.PgPool;
import dev.loomwire.pg.PgRow;
import dev.loomwire.redis.RedisClient;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application using the auto-configured {@link PgPool} and {@link RedisClient}, and
 * Spring Boot's own DataSource (HikariCP) over loomwire's JDBC driver with Flyway and a
 * {@link GreetingRepository} on {@code JdbcTemplate}: connection URLs and TLS material (SSL
 * bundles) come from application.properties, environment variables or command-line arguments.
 * Runs a query, a few Redis commands and the repository, prints them with the TLS facts and the
 * health indicators, and exits.
 */
@SpringBootApplication
public class LoomwireSpringApp {
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(LoomwireSpringApp.class, args)));
    }

    @Bean
    CommandLineRunner report(PgPool db, RedisClient cache, GreetingRepository greetings, Flyway flyway,
                             ApplicationContext context) {
        return args -> {
            PgRow row = db.query("SELECT current_user, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
            System.out.println("postgres: logged in as " + row.getString(0) + " over " + row.getString(1));
            long visits = cache.incr("loomwire:spring-boot-app:visits");
            String tls = cache.withConnection(c -> c.tls().map(t -> t.protocol()).orElse("no TLS"));
            System.out.println("redis: visit number " + visits + " over " + tls);
            System.out.println("jdbc: flyway schema version " + flyway.info().current().getVersion()
                    + ", DataSource over " + greetings.tlsProtocol());
            long id = greetings.add("hello from visit " + visits);
            System.out.println("jdbc: stored greeting " + id + ", " + greetings.count() + " in all, latest: "
                    + greetings.latest(1).get(0).text());
            for (Map.Entry<String, HealthIndicator> e : context.getBeansOfType(HealthIndicator.class).entrySet()) {
                System.out.println("health " + e.getKey() + ": " + e.getValue().health().getStatus());
            }
        };
    }
}
