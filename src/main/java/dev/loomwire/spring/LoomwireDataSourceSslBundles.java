package dev.loomwire.spring;

import dev.loomwire.jdbc.LoomwireDataSource;
import dev.loomwire.pg.SslMode;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.Ordered;
import org.springframework.util.StringUtils;

/**
 * Gives a pooled DataSource over a {@code jdbc:loomwire:} URL the TLS material of the SSL bundle
 * named by {@code loomwire.postgres.ssl.bundle}: the pool (HikariCP, as Spring Boot configures it)
 * gets a {@link LoomwireDataSource} for the same URL carrying the bundle's trusted certificates
 * and client key in memory, and opens its connections through it ({@code getConnection(user,
 * password)} with {@code spring.datasource.username}/{@code password}). A {@link LoomwireDataSource}
 * bean itself (e.g. {@code spring.datasource.type=dev.loomwire.jdbc.LoomwireDataSource}) gets the
 * material directly unless it has trusted certificates already. Runs after the pool's properties
 * are bound; leaves alone a pool that already has a DataSource, and DataSources over other URLs.
 *
 * <p>Errors name the property: a bundle that does not exist, a bundle with
 * {@code sslmode=disable}, a pool that cannot take a DataSource, or
 * {@code spring.datasource.hikari.data-source-properties} (which HikariCP ignores once it has a
 * DataSource: put those libpq parameters into the URL).
 */
public class LoomwireDataSourceSslBundles implements BeanPostProcessor, Ordered {
    static final String PROPERTY = "loomwire.postgres.ssl.bundle";

    private final ObjectProvider<LoomwirePostgresProperties> properties;
    private final ObjectProvider<SslBundles> bundles;

    /** Reads the bundle name and the bundles when the first DataSource is created, not before. */
    public LoomwireDataSourceSslBundles(ObjectProvider<LoomwirePostgresProperties> properties,
                                        ObjectProvider<SslBundles> bundles) {
        this.properties = properties;
        this.bundles = bundles;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof LoomwireDataSource direct) {
            if (LoomwireJdbcAutoConfiguration.isLoomwireUrl(direct.getUrl()) && direct.getSslRootCertificates() == null) {
                String bundle = bundleName();
                if (bundle != null) {
                    withBundle(direct, bundle, where(bundle, beanName, bean));
                }
            }
            return bean;
        }
        if (!(bean instanceof DataSource)) {
            return bean;
        }
        BeanWrapper pool = new BeanWrapperImpl(bean);
        String urlProperty = pool.isReadableProperty("jdbcUrl") ? "jdbcUrl" : pool.isReadableProperty("url") ? "url" : null;
        Object url = urlProperty == null ? null : pool.getPropertyValue(urlProperty);
        String bundle = bundleName();
        if (!(url instanceof String jdbcUrl) || !LoomwireJdbcAutoConfiguration.isLoomwireUrl(jdbcUrl) || bundle == null) {
            return bean;
        }
        String where = where(bundle, beanName, bean);
        if (!pool.isWritableProperty("dataSource")) {
            throw new IllegalStateException(where + ": the pool cannot open connections through a DataSource;"
                    + " use HikariCP (Spring Boot's default) or define a LoomwireDataSource bean");
        }
        if (pool.getPropertyValue("dataSource") != null) {
            return bean;
        }
        if (pool.isReadableProperty("dataSourceProperties")
                && pool.getPropertyValue("dataSourceProperties") instanceof Map<?, ?> extra && !extra.isEmpty()) {
            throw new IllegalStateException(where + ": spring.datasource.hikari.data-source-properties " + extra.keySet()
                    + " would be ignored once the pool uses the bundle; put them into spring.datasource.url as URL parameters");
        }
        LoomwireDataSource target = new LoomwireDataSource();
        target.setUrl(jdbcUrl);
        if (pool.isReadableProperty("username") && pool.getPropertyValue("username") instanceof String user) {
            target.setUser(user);
        }
        if (pool.isReadableProperty("password") && pool.getPropertyValue("password") instanceof String password) {
            target.setPassword(password);
        }
        withBundle(target, bundle, where);
        pool.setPropertyValue("dataSource", target);
        return bean;
    }

    private String bundleName() {
        LoomwirePostgresProperties p = properties.getIfAvailable();
        String bundle = p == null ? null : p.getSsl().getBundle();
        return StringUtils.hasText(bundle) ? bundle : null;
    }

    private static String where(String bundle, String beanName, Object bean) {
        return PROPERTY + "=" + bundle + " for the DataSource bean \"" + beanName + "\" (" + bean.getClass().getName() + ")";
    }

    /** Puts the bundle's trust and client key into {@code target}; refuses a URL with sslmode=disable. */
    private void withBundle(LoomwireDataSource target, String bundle, String where) {
        SslBundleMaterial material = DriverConfigs.material(PROPERTY, bundle, bundles.getIfAvailable());
        if (material.trust() != null) {
            target.setSslRootCertificates(material.trust());
        }
        if (material.clientKey() != null) {
            target.setSslClientKey(material.clientKey(), material.clientChain());
        }
        try {
            if (target.getConfig().sslMode() == SslMode.DISABLE) {
                throw new IllegalStateException(where + ": spring.datasource.url says sslmode=disable");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("spring.datasource.url: " + e.getMessage(), e);
        }
    }

    /** After Spring Boot's binding of {@code spring.datasource.hikari.*} and its connection-details post-processor. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
