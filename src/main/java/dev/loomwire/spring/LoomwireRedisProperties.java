package dev.loomwire.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code loomwire.redis.*}: the Redis client bean. {@code url} is a {@code redis://} or
 * {@code rediss://} URI (TLS parameters such as sslverify, sslrootcert as query parameters).
 */
@ConfigurationProperties(prefix = "loomwire.redis")
public class LoomwireRedisProperties {
    /** redis:// or rediss:// URI. The RedisClient bean exists when this is set. */
    private String url;
    /** User for AUTH, if not in the URL. */
    private String username;
    /** Password for AUTH, if not in the URL. */
    private String password;
    @NestedConfigurationProperty
    private LoomwirePoolProperties pool = new LoomwirePoolProperties();
    @NestedConfigurationProperty
    private LoomwireSslProperties ssl = new LoomwireSslProperties();

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public LoomwirePoolProperties getPool() { return pool; }
    public void setPool(LoomwirePoolProperties pool) { this.pool = pool; }
    public LoomwireSslProperties getSsl() { return ssl; }
    public void setSsl(LoomwireSslProperties ssl) { this.ssl = ssl; }
}
