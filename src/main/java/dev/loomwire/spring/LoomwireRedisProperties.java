package dev.loomwire.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code loomwire.redis.*}: the Redis client bean. {@code url} is a {@code redis://} or
 * {@code rediss://} URI (TLS parameters such as sslverify, sslrootcert as query parameters). A URL
 * listing several seeds ({@code rediss://host1:7000,host2:7001/?...}) or with a cluster parameter
 * ({@code cluster_tls_name}, {@code readFrom}), or {@code cluster.nodes}, makes the bean a
 * {@link dev.loomwire.redis.RedisClusterClient} instead of a {@link dev.loomwire.redis.RedisClient}.
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
    @NestedConfigurationProperty
    private Cluster cluster = new Cluster();

    /** {@code loomwire.redis.cluster.*}: Redis Cluster seeds and the name each node's certificate is checked against. */
    public static class Cluster {
        /** Seed nodes as host:port; with no url they are reached over rediss:// with full verification. */
        private java.util.List<String> nodes = new java.util.ArrayList<>();
        /** {@code announced} (default), {@code seed} or a host name: the URL parameter {@code cluster_tls_name}. */
        private String tlsName;

        public java.util.List<String> getNodes() { return nodes; }
        public void setNodes(java.util.List<String> nodes) { this.nodes = nodes; }
        public String getTlsName() { return tlsName; }
        public void setTlsName(String tlsName) { this.tlsName = tlsName; }
    }

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
    public Cluster getCluster() { return cluster; }
    public void setCluster(Cluster cluster) { this.cluster = cluster; }
}
