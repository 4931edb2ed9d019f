package dev.loomwire.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code loomwire.postgres.*}: the PostgreSQL pool bean. {@code url} is a libpq conninfo string
 * ({@code host=... sslmode=verify-full ...}) or a {@code postgresql://} URI.
 */
@ConfigurationProperties(prefix = "loomwire.postgres")
public class LoomwirePostgresProperties {
    /** Connection string: conninfo or postgresql:// URI. The PgPool bean exists when this is set. */
    private String url;
    /** Password, if not in the URL (keeps it out of the URL, e.g. from a secret store). */
    private String password;
    /** Bound on each pool call (cancel, then close); 0 = none. */
    private Duration commandTimeout = Duration.ZERO;
    @NestedConfigurationProperty
    private LoomwirePoolProperties pool = new LoomwirePoolProperties();
    @NestedConfigurationProperty
    private LoomwireSslProperties ssl = new LoomwireSslProperties();

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public Duration getCommandTimeout() { return commandTimeout; }
    public void setCommandTimeout(Duration commandTimeout) { this.commandTimeout = commandTimeout; }
    public LoomwirePoolProperties getPool() { return pool; }
    public void setPool(LoomwirePoolProperties pool) { this.pool = pool; }
    public LoomwireSslProperties getSsl() { return ssl; }
    public void setSsl(LoomwireSslProperties ssl) { this.ssl = ssl; }
}
