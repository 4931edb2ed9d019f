package dev.loomwire.spring;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.SslMode;
import dev.loomwire.redis.HostAndPort;
import dev.loomwire.redis.RedisClusterSettings;
import dev.loomwire.redis.RedisClusterUri;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.tls.TlsConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/**
 * Turns {@code loomwire.postgres.*} / {@code loomwire.redis.*} properties, and the SSL bundle they
 * name, into driver configurations. Errors name the property at fault.
 */
public final class DriverConfigs {
    private DriverConfigs() {}

    /** The PostgreSQL configuration: URL, password override, SSL bundle as in-memory sslrootcert/sslcert. */
    public static PgConfig postgres(LoomwirePostgresProperties p, SslBundles bundles) {
        if (p.getUrl() == null || p.getUrl().isBlank()) {
            throw new IllegalStateException("loomwire.postgres.url is not set");
        }
        PgConfig.Builder b = PgConfig.builder().conninfo(p.getUrl());
        if (p.getPassword() != null) {
            b.password(p.getPassword());
        }
        SslBundleMaterial m = material("loomwire.postgres.ssl.bundle", p.getSsl().getBundle(), bundles);
        if (m != null) {
            if (m.trust() != null) {
                b.sslRootCertificates(m.trust());
            }
            if (m.clientKey() != null) {
                b.sslClientKey(m.clientKey(), m.clientChain());
            }
        }
        PgConfig config = b.build();
        if (m != null && config.sslMode() == SslMode.DISABLE) {
            throw new IllegalStateException("loomwire.postgres.ssl.bundle=" + m.name()
                    + " is set, but loomwire.postgres.url says sslmode=disable");
        }
        return config;
    }

    /**
     * True for a {@code redis[s]-sentinel://} URL: the client takes its TLS and credentials from the
     * URL alone ({@code sentinel_*} parameters for the Sentinel links), so the username, password
     * and SSL bundle properties are refused with it rather than ignored.
     */
    public static boolean isSentinel(LoomwireRedisProperties p) {
        String url = p.getUrl() == null ? "" : p.getUrl().toLowerCase(java.util.Locale.ROOT);
        if (!url.startsWith("redis-sentinel://") && !url.startsWith("rediss-sentinel://")) {
            return false;
        }
        for (String[] set : new String[][] {{"username", p.getUsername()}, {"password", p.getPassword()},
                {"ssl.bundle", p.getSsl().getBundle()}}) {
            if (set[1] != null && !set[1].isBlank()) {
                throw new IllegalStateException("loomwire.redis." + set[0] + " is not applied to a Sentinel URL: put the"
                        + " credentials and TLS files into loomwire.redis.url (user:password@, sslrootcert=..., sentinel_*=...)");
            }
        }
        return true;
    }

    /** The Redis configuration: URL, user/password overrides, SSL bundle as in-memory trust and client key. */
    public static RedisConfig redis(LoomwireRedisProperties p, SslBundles bundles) {
        if (p.getUrl() == null || p.getUrl().isBlank()) {
            throw new IllegalStateException("loomwire.redis.url is not set");
        }
        return withOverrides(RedisConfig.fromUri(p.getUrl()), p, bundles);
    }

    /**
     * The Redis Cluster seeds and settings: {@code loomwire.redis.url} (one or more seeds) and/or
     * {@code loomwire.redis.cluster.nodes} (without a URL: {@code rediss://} with full verification),
     * {@code cluster.tls-name}, then user/password overrides and the SSL bundle as for {@link #redis}.
     */
    public static RedisClusterUri redisCluster(LoomwireRedisProperties p, SslBundles bundles) {
        List<HostAndPort> nodes = new ArrayList<>();
        List<String> listed = p.getCluster().getNodes();
        for (int i = 0; i < listed.size(); i++) {
            nodes.add(hostAndPort("loomwire.redis.cluster.nodes[" + i + "]", listed.get(i)));
        }
        boolean hasUrl = p.getUrl() != null && !p.getUrl().isBlank();
        if (!hasUrl && nodes.isEmpty()) {
            throw new IllegalStateException("neither loomwire.redis.url nor loomwire.redis.cluster.nodes is set");
        }
        String url = hasUrl ? p.getUrl() : "rediss://" + String.join(",", nodes.stream().map(HostAndPort::toString).toList());
        RedisClusterUri parsed;
        try {
            parsed = RedisClusterUri.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("loomwire.redis.url: " + e.getMessage(), e);
        }
        Set<HostAndPort> seeds = new LinkedHashSet<>(parsed.seeds());
        seeds.addAll(nodes);
        RedisClusterSettings settings = parsed.settings();
        if (p.getCluster().getTlsName() != null) {
            try {
                settings = settings.toBuilder().tlsName(p.getCluster().getTlsName()).build();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("loomwire.redis.cluster.tls-name: " + e.getMessage(), e);
            }
        }
        return new RedisClusterUri(withOverrides(parsed.seedConfig(), p, bundles), List.copyOf(seeds), settings);
    }

    private static HostAndPort hostAndPort(String property, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new IllegalArgumentException("expected host:port");
            }
            return new HostAndPort(value.substring(0, colon).strip(), Integer.parseInt(value.substring(colon + 1).strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + "=" + value + ": " + e.getMessage() + " (expected host:port)", e);
        }
    }

    /** {@code parsed} with the user/password overrides and the SSL bundle's trust and client key. */
    private static RedisConfig withOverrides(RedisConfig parsed, LoomwireRedisProperties p, SslBundles bundles) {
        RedisConfig.Builder b = parsed.toBuilder();
        if (p.getUsername() != null) {
            b.user(p.getUsername());
        }
        if (p.getPassword() != null) {
            b.password(p.getPassword());
        }
        SslBundleMaterial m = material("loomwire.redis.ssl.bundle", p.getSsl().getBundle(), bundles);
        if (m != null) {
            if (!parsed.isTls()) {
                throw new IllegalStateException("loomwire.redis.ssl.bundle=" + m.name()
                        + " is set, but loomwire.redis.url is not a rediss:// URL");
            }
            TlsConfig.Builder tls = parsed.tls().orElseThrow().toBuilder();
            if (m.trust() != null) {
                tls.trustCertificates(m.trust());
            }
            if (m.clientKey() != null) {
                tls.clientKey(m.clientKey(), m.clientChain());
            }
            try {
                b.tls(tls.build());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("loomwire.redis.ssl.bundle=" + m.name() + " together with the URL's"
                        + " TLS parameters: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** The named bundle's material, or null when no bundle is named; errors name {@code property}. */
    static SslBundleMaterial material(String property, String name, SslBundles bundles) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (bundles == null) {
            throw new IllegalStateException(property + "=" + name + " is set, but the application has no SSL bundles"
                    + " (spring.ssl.bundle.pem." + name + ".* or spring.ssl.bundle.jks." + name + ".*)");
        }
        try {
            return SslBundleMaterial.of(name, bundles.getBundle(name));
        } catch (NoSuchSslBundleException e) {
            throw new IllegalStateException(property + "=" + name + ": no SSL bundle of that name is defined"
                    + " (spring.ssl.bundle.pem." + name + ".* or spring.ssl.bundle.jks." + name + ".*)", e);
        }
    }
}
