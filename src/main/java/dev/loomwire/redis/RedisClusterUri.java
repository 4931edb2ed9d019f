package dev.loomwire.redis;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a cluster URI means to {@link RedisClusterClient}: the seed node's settings (TLS, user,
 * timeouts), every seed, and the cluster settings; and from them how each node the cluster
 * announces is dialed and verified. The client and tools such as {@code loomwire probe} use this one
 * definition, so the probe's verdict per node is the client's.
 *
 * @param seedConfig the first seed's settings; every node inherits its TLS settings and credentials
 * @param seeds      the seeds in URI order
 * @param settings   the cluster settings, with the URI's cluster parameters applied
 */
public record RedisClusterUri(RedisConfig seedConfig, List<HostAndPort> seeds, RedisClusterSettings settings) {
    public RedisClusterUri {
        seeds = List.copyOf(seeds);
    }

    private static final Pattern CLUSTER_URI = Pattern.compile("^rediss?://[^/?]*,|[?&](cluster_tls_name|readFrom|cluster_refresh_period)=",
            Pattern.CASE_INSENSITIVE);

    /** Whether {@code uri} asks for a cluster: several seeds in its authority, or a cluster parameter (never a Sentinel URI). */
    public static boolean isClusterUri(String uri) {
        return uri != null && !RedisUri.isSentinel(uri) && CLUSTER_URI.matcher(uri).find();
    }

    /** Parses {@code rediss://[user:password@]host1[:port][,host2[:port]...][/0][?params]} (see {@link RedisClusterClient#create(String)}). */
    public static RedisClusterUri parse(String uri) {
        return parse(uri, RedisClusterSettings.DEFAULTS);
    }

    /** As {@link #parse(String)}; the URI's cluster parameters win over {@code settings}. */
    public static RedisClusterUri parse(String uri, RedisClusterSettings settings) {
        RedisUri.ClusterUri parsed = RedisUri.parseCluster(uri);
        return new RedisClusterUri(parsed.config(), parsed.seeds(), settings.withParameters(parsed.clusterParameters()));
    }

    /**
     * The name the node announced as {@code announced} is verified against and sent as SNI, as
     * {@code cluster_tls_name} decides: the announced host, the first seed's host, or an explicit name.
     */
    public String tlsName(HostAndPort announced) {
        return !seedConfig.isTls() ? announced.host() : switch (settings.tlsName()) {
            case RedisClusterSettings.TlsName.Announced a -> announced.host();
            case RedisClusterSettings.TlsName.Seed s -> seeds.get(0).host();
            case RedisClusterSettings.TlsName.Explicit e -> e.name();
        };
    }

    /** Where the client connects for that node: the address mapper's answer (the announced address by default). */
    public HostAndPort dialAddress(HostAndPort announced) {
        return settings.addressMapper().apply(announced);
    }

    /** The node's connection settings: the seed's, with {@link #tlsName} as host and {@link #dialAddress} as the socket's target. */
    public RedisConfig nodeConfig(HostAndPort announced) {
        String name = tlsName(announced);
        HostAndPort dial = dialAddress(announced);
        RedisConfig.Builder b = seedConfig.toBuilder().host(name).port(announced.port())
                .readOnly(settings.readFrom() != RedisClusterSettings.ReadFrom.PRIMARY);
        if (!dial.equals(new HostAndPort(name, announced.port()))) {
            b.dial(dial);
        }
        return b.build();
    }
}
