package dev.loomwire.spring;

import static dev.loomwire.spring.LoomwireAutoConfigurationTest.cert;
import static dev.loomwire.spring.LoomwireAutoConfigurationTest.pemBundle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.loomwire.jdbc.LoomwireDataSource;
import dev.loomwire.jdbc.LoomwireDriver;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestServers;
import java.math.BigDecimal;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Spring Boot's own DataSource auto-configuration (HikariCP), {@code JdbcTemplate} and Flyway over
 * {@code spring.datasource.url=jdbc:loomwire:postgresql://...} against the TLS test server: full
 * verification, the client certificate from an SSL bundle ({@code loomwire.postgres.ssl.bundle},
 * database certdb with {@code cert} authentication), or plain URL parameters and a password.
 */
class LoomwireJdbcAutoConfigurationTest {
    private static final String SCHEMA = "jspr_spring";

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            SslAutoConfiguration.class, LoomwireJdbcAutoConfiguration.class, DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
            FlywayAutoConfiguration.class));

    @BeforeEach
    void dropSchema() {
        TestServers.pg18().psql("certdb", "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        TestServers.pg18().psql("loomwire", "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void hikariJdbcTemplateAndFlywayOverVerifyFullWithTheClientCertificateFromABundle() {
        PgServer pg = TestServers.pg18();
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:loomwire:postgresql://localhost:" + pg.port() + "/certdb?sslmode=verify-full",
                        "spring.datasource.username=loomwire",
                        "spring.datasource.hikari.maximum-pool-size=3",
                        "loomwire.postgres.ssl.bundle=db",
                        "spring.flyway.locations=classpath:dev/loomwire/spring/flyway",
                        "spring.flyway.schemas=" + SCHEMA)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class).hasSingleBean(JdbcTemplate.class);
                    assertThat(context.getBean(JdbcConnectionDetails.class).getDriverClassName())
                            .isEqualTo(LoomwireDriver.class.getName());
                    HikariDataSource hikari = context.getBean(HikariDataSource.class);
                    assertThat(hikari.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(hikari.getDataSource()).as("the bundle's material travels in a LoomwireDataSource")
                            .isInstanceOf(LoomwireDataSource.class);

                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    Map<String, Object> session = jdbc.queryForMap("SELECT current_user AS who, s.ssl, s.version,"
                            + " s.client_dn FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()");
                    assertThat(session).containsEntry("who", "loomwire").containsEntry("ssl", true)
                            .containsEntry("version", "TLSv1.3");
                    assertThat((String) session.get("client_dn")).as("the bundle's client certificate").contains("CN=loomwire");

                    Flyway flyway = context.getBean(Flyway.class);
                    assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("2");
                    assertThat(jdbc.queryForList("SELECT version FROM " + SCHEMA + ".flyway_schema_history"
                            + " WHERE success AND type = 'SQL' ORDER BY installed_rank", String.class)).containsExactly("1", "2");

                    // CRUD
                    assertThat(jdbc.update("INSERT INTO " + SCHEMA + ".accounts (email, balance) VALUES (?, ?)",
                            "ada@example.com", new BigDecimal("10.50"))).isEqualTo(1);
                    assertThat(jdbc.queryForObject("SELECT balance FROM " + SCHEMA + ".accounts WHERE email = ?",
                            BigDecimal.class, "ada@example.com")).isEqualByComparingTo("10.50");
                    assertThat(jdbc.update("UPDATE " + SCHEMA + ".accounts SET balance = balance + ? WHERE email = ?",
                            new BigDecimal("1.25"), "ada@example.com")).isEqualTo(1);
                    assertThat(jdbc.queryForObject("SELECT balance FROM " + SCHEMA + ".accounts WHERE email = ?",
                            BigDecimal.class, "ada@example.com")).isEqualByComparingTo("11.75");
                    jdbc.update("CALL " + SCHEMA + ".audit_note(?)", "who? ada");
                    assertThat(jdbc.queryForObject("SELECT note FROM " + SCHEMA + ".audit", String.class)).isEqualTo("who? ada");

                    // batchUpdate
                    List<Object[]> batch = new ArrayList<>();
                    for (int i = 0; i < 250; i++) {
                        batch.add(new Object[] {"user" + i + "@example.com", new BigDecimal(i)});
                    }
                    int[] counts = jdbc.batchUpdate("INSERT INTO " + SCHEMA + ".accounts (email, balance) VALUES (?, ?)", batch);
                    assertThat(counts).hasSize(250).containsOnly(1);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".accounts", Long.class)).isEqualTo(251L);

                    // duplicate key → Spring's DuplicateKeyException, from the SQLSTATE 23505 subclass
                    DuplicateKeyException duplicate = assertThrows(DuplicateKeyException.class, () -> jdbc.update(
                            "INSERT INTO " + SCHEMA + ".accounts (email) VALUES (?)", "ada@example.com"));
                    assertThat(duplicate.getCause()).isInstanceOf(SQLIntegrityConstraintViolationException.class);
                    assertThat(((SQLIntegrityConstraintViolationException) duplicate.getCause()).getSQLState()).isEqualTo("23505");

                    assertThat(jdbc.update("DELETE FROM " + SCHEMA + ".accounts WHERE email LIKE 'user%'")).isEqualTo(250);
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM " + SCHEMA + ".accounts", Long.class)).isEqualTo(1L);
                });
    }

    /** Without a bundle the pool uses DriverManager's loomwire driver, with the TLS files and password as usual. */
    @Test
    void urlParametersAndAPasswordThroughTheDriverManager() {
        PgServer pg = TestServers.pg15();
        runner.withPropertyValues(
                        "spring.datasource.url=jdbc:loomwire:postgresql://localhost:" + pg.port() + "/loomwire?sslmode=verify-full"
                                + "&sslrootcert=" + cert("ca.crt"),
                        "spring.datasource.username=" + PgServer.USER,
                        "spring.datasource.password=" + PgServer.PASSWORD,
                        "spring.flyway.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HikariDataSource hikari = context.getBean(HikariDataSource.class);
                    assertThat(hikari.getDataSource()).isNull();
                    assertThat(hikari.getDriverClassName()).isEqualTo(LoomwireDriver.class.getName());
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    assertThat(jdbc.queryForObject("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", String.class))
                            .isEqualTo("TLSv1.3");
                    assertThat(jdbc.queryForObject("SHOW server_version_num", Integer.class) / 10000).isEqualTo(15);
                    assertThat(context.getBean(JdbcConnectionDetails.class).toString()).doesNotContain(PgServer.PASSWORD);
                });
    }

    /** {@code spring.datasource.type=LoomwireDataSource} (no pool): the bundle goes into that DataSource itself. */
    @Test
    void anUnpooledLoomwireDataSourceGetsTheBundleToo() {
        PgServer pg = TestServers.pg18();
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:loomwire:postgresql://localhost:" + pg.port() + "/certdb?sslmode=verify-full",
                        "spring.datasource.username=loomwire",
                        "spring.datasource.type=" + LoomwireDataSource.class.getName(),
                        "loomwire.postgres.ssl.bundle=db",
                        "spring.flyway.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DataSource.class)).isInstanceOf(LoomwireDataSource.class);
                    assertThat(context.getBean(LoomwireDataSource.class).getSslRootCertificates()).hasSize(1);
                    assertThat(context.getBean(JdbcTemplate.class).queryForObject(
                            "SELECT current_user || ' ' || version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", String.class))
                            .isEqualTo("loomwire TLSv1.3");
                });
    }

    @Test
    void anExplicitDriverClassAndOtherUrlsAreLeftAlone() {
        runner.withPropertyValues("spring.datasource.url=jdbc:loomwire:postgresql://localhost:1/x",
                        "spring.datasource.driver-class-name=" + LoomwireDriver.class.getName(),
                        "spring.flyway.enabled=false")
                .run(context -> assertThat(context.getBean(JdbcConnectionDetails.class).getDriverClassName())
                        .isEqualTo(LoomwireDriver.class.getName()));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LoomwireJdbcAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:x")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcConnectionDetails.class)
                        .doesNotHaveBean(LoomwireDataSourceSslBundles.class));
    }

    @Test
    void misconfigurationsFailTheContextNamingTheProperty() {
        String url = "spring.datasource.url=jdbc:loomwire:postgresql://localhost:" + TestServers.pg18().port() + "/certdb";
        runner.withPropertyValues(url + "?sslmode=verify-full", "loomwire.postgres.ssl.bundle=missing")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("loomwire.postgres.ssl.bundle=missing: no SSL bundle of that name"));
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues(url + "?sslmode=disable", "loomwire.postgres.ssl.bundle=db")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("loomwire.postgres.ssl.bundle=db for the DataSource bean")
                        .hasStackTraceContaining("sslmode=disable"));
        runner.withPropertyValues(pemBundle("db"))
                .withPropertyValues(url + "?sslmode=verify-full", "loomwire.postgres.ssl.bundle=db",
                        "spring.datasource.hikari.data-source-properties.application_name=app")
                .run(context -> assertThat(context).getFailure()
                        .hasStackTraceContaining("spring.datasource.hikari.data-source-properties [application_name]"));
    }

    @Test
    void registeredForSpringBootToFind() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(LoomwireJdbcAutoConfiguration.class.getName());
    }
}
