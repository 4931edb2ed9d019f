package dev.loomwire.spring;

import dev.loomwire.jdbc.LoomwireDriver;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Spring Boot's own DataSource auto-configuration (HikariCP) over loomwire's JDBC driver, when
 * {@code spring.datasource.url} is a {@code jdbc:loomwire:postgresql://...} URL:
 * <ul>
 *   <li>the connection details name {@link LoomwireDriver} (Spring Boot cannot guess a driver class
 *       from an unknown URL prefix and would fail with "Failed to determine a suitable driver class";
 *       an explicit {@code spring.datasource.driver-class-name} still wins);</li>
 *   <li>{@code loomwire.postgres.ssl.bundle} hands the bundle's trusted certificates and client key to
 *       the pool in memory (see {@link LoomwireDataSourceSslBundles}); how much is verified still comes
 *       from the URL's {@code sslmode}.</li>
 * </ul>
 * Everything else ({@code spring.datasource.hikari.*}, {@code JdbcTemplate}, Flyway, transactions)
 * is Spring Boot's, unchanged.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class, after = SslAutoConfiguration.class)
@ConditionalOnClass(name = "javax.sql.DataSource")
@Conditional(LoomwireJdbcAutoConfiguration.OnLoomwireJdbcUrl.class)
@EnableConfigurationProperties({DataSourceProperties.class, LoomwirePostgresProperties.class})
public class LoomwireJdbcAutoConfiguration {
    /** The URL prefix of loomwire's JDBC driver. */
    static final String URL_PREFIX = "jdbc:loomwire:";

    /** {@code spring.datasource.*} with {@link LoomwireDriver} as the driver class unless one is set. */
    @Bean
    @ConditionalOnMissingBean(JdbcConnectionDetails.class)
    public JdbcConnectionDetails loomwireJdbcConnectionDetails(DataSourceProperties properties) {
        return new LoomwireJdbcConnectionDetails(properties);
    }

    /** Applies {@code loomwire.postgres.ssl.bundle} to the application's loomwire DataSource. */
    @Bean
    public static LoomwireDataSourceSslBundles loomwireDataSourceSslBundles(
            ObjectProvider<LoomwirePostgresProperties> properties, ObjectProvider<SslBundles> bundles) {
        return new LoomwireDataSourceSslBundles(properties, bundles);
    }

    /** True when {@code url} is meant for loomwire's JDBC driver. */
    static boolean isLoomwireUrl(String url) {
        return url != null && url.strip().toLowerCase(Locale.ROOT).startsWith(URL_PREFIX);
    }

    /** {@code spring.datasource.url} starts with {@code jdbc:loomwire:}. */
    static final class OnLoomwireJdbcUrl extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return isLoomwireUrl(url) ? ConditionOutcome.match("spring.datasource.url is a " + URL_PREFIX + " URL")
                    : ConditionOutcome.noMatch("spring.datasource.url is not a " + URL_PREFIX + " URL");
        }
    }

    /** Spring Boot's {@code spring.datasource.*} values, naming loomwire's driver when no driver class is set. */
    static final class LoomwireJdbcConnectionDetails implements JdbcConnectionDetails {
        private final DataSourceProperties properties;

        LoomwireJdbcConnectionDetails(DataSourceProperties properties) {
            this.properties = properties;
        }

        @Override
        public String getUsername() {
            return properties.determineUsername();
        }

        @Override
        public String getPassword() {
            return properties.determinePassword();
        }

        @Override
        public String getJdbcUrl() {
            return properties.determineUrl();
        }

        @Override
        public String getDriverClassName() {
            String configured = properties.getDriverClassName();
            return StringUtils.hasText(configured) ? configured : LoomwireDriver.class.getName();
        }

        /** Names the driver only: the URL may carry a password. */
        @Override
        public String toString() {
            return "LoomwireJdbcConnectionDetails[driver " + getDriverClassName() + "]";
        }
    }
}
