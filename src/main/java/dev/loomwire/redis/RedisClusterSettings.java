package dev.loomwire.redis;

import dev.loomwire.pool.PoolSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a {@link RedisClusterClient} finds, names and uses the nodes of a cluster: extra seeds, the
 * name each node's certificate is checked against ({@code cluster_tls_name}), an address mapper
 * (announced address to the address to dial), where reads go ({@code readFrom}), topology refresh
 * and the per-node pool. Immutable; the URI parameters {@code cluster_tls_name}, {@code readFrom}
 * and {@code cluster_refresh_period} are mapped here and nowhere else.
 */
public final class RedisClusterSettings {
    /** The defaults: names as announced, reads from primaries, refresh every 60 s, at most 5 redirects. */
    public static final RedisClusterSettings DEFAULTS = builder().build();

    /** Which name a discovered node's certificate is checked against and sent as SNI. */
    public sealed interface TlsName {
        /** The host name (or IP, checked against IP SANs) the cluster announces for the node. The default. */
        record Announced() implements TlsName {}

        /** The seed URI's host name, for clusters whose nodes share one (e.g. wildcard) certificate. */
        record Seed() implements TlsName {}

        /** One explicit name for every node. */
        record Explicit(String name) implements TlsName {
            public Explicit {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("cluster_tls_name must not be empty");
                }
            }
        }

        /** Parses {@code announced}, {@code seed} or a host name. */
        static TlsName parse(String value) {
            return switch (value) {
                case "announced" -> new Announced();
                case "seed" -> new Seed();
                default -> new Explicit(value);
            };
        }

        /** The URI parameter value. */
        static String describe(TlsName n) {
            return switch (n) {
                case Announced a -> "announced";
                case Seed s -> "seed";
                case Explicit e -> e.name();
            };
        }
    }

    /** Where read-only commands go; replicas are sent {@code READONLY} when they are used. */
    public enum ReadFrom {
        /** Every command goes to the primary of its slot. The default. */
        PRIMARY,
        /** Read-only commands go to a replica of the slot (round robin); to the primary only if the shard has none. */
        REPLICA,
        /** Read-only commands go to a healthy replica, else to the primary. */
        REPLICA_PREFERRED;

        static ReadFrom parse(String value) {
            return switch (value) {
                case "primary", "master" -> PRIMARY;
                case "replica" -> REPLICA;
                case "replicaPreferred" -> REPLICA_PREFERRED;
                default -> throw new IllegalArgumentException("bad readFrom \"" + value
                        + "\" in Redis URI: expected primary, replica or replicaPreferred");
            };
        }
    }

    private final List<HostAndPort> seeds;
    private final TlsName tlsName;
    private final UnaryOperator<HostAndPort> addressMapper;
    private final ReadFrom readFrom;
    private final Duration refreshPeriod;
    private final Duration minRefreshInterval;
    private final int maxRedirects;
    private final PoolSettings pool;

    private RedisClusterSettings(Builder b) {
        seeds = List.copyOf(b.seeds);
        tlsName = b.tlsName;
        addressMapper = b.addressMapper;
        readFrom = b.readFrom;
        refreshPeriod = b.refreshPeriod;
        minRefreshInterval = b.minRefreshInterval;
        maxRedirects = b.maxRedirects;
        pool = b.pool;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().seeds(seeds).tlsName(tlsName).addressMapper(addressMapper).readFrom(readFrom)
                .refreshPeriod(refreshPeriod).minRefreshInterval(minRefreshInterval).maxRedirects(maxRedirects).pool(pool);
    }

    /** Seeds besides the host of the {@link RedisConfig} given to {@link RedisClusterClient#create(RedisConfig, RedisClusterSettings)}. */
    public List<HostAndPort> seeds() { return seeds; }
    /** The name each discovered node's certificate is checked against. */
    public TlsName tlsName() { return tlsName; }
    /** Maps an announced address to the address to dial (identity by default). */
    public UnaryOperator<HostAndPort> addressMapper() { return addressMapper; }
    public ReadFrom readFrom() { return readFrom; }
    /** How often the topology is refreshed without a cause; {@link Duration#ZERO} for never. */
    public Duration refreshPeriod() { return refreshPeriod; }
    /** Refreshes (on MOVED, failures, timer) happen at most once per this interval. */
    public Duration minRefreshInterval() { return minRefreshInterval; }
    /** MOVED/ASK redirects followed per command before giving up. */
    public int maxRedirects() { return maxRedirects; }
    /** Settings of each node's pool (exclusive operations); the name gets the node's address appended. */
    public PoolSettings pool() { return pool; }

    /** These settings with the URI's cluster parameters applied on top. */
    RedisClusterSettings withParameters(Map<String, String> parameters) {
        Builder b = toBuilder();
        parameters.forEach((key, value) -> {
            switch (key) {
                case "cluster_tls_name" -> b.tlsName(TlsName.parse(value));
                case "readFrom" -> b.readFrom(ReadFrom.parse(value));
                case "cluster_refresh_period" -> b.refreshPeriod(RedisUri.parseDuration(key, value));
                default -> throw new IllegalArgumentException("unknown cluster parameter \"" + key + "\"");
            }
        });
        return b.build();
    }

    @Override
    public String toString() {
        return "cluster_tls_name=" + TlsName.describe(tlsName) + " readFrom=" + readFrom + " cluster_refresh_period="
                + RespChannel.describe(refreshPeriod) + " maxRedirects=" + maxRedirects + (seeds.isEmpty() ? "" : " seeds=" + seeds);
    }

    /** Builds {@link RedisClusterSettings}; every setter validates its argument. */
    public static final class Builder {
        private List<HostAndPort> seeds = List.of();
        private TlsName tlsName = new TlsName.Announced();
        private UnaryOperator<HostAndPort> addressMapper = UnaryOperator.identity();
        private ReadFrom readFrom = ReadFrom.PRIMARY;
        private Duration refreshPeriod = Duration.ofSeconds(60);
        private Duration minRefreshInterval = Duration.ofMillis(200);
        private int maxRedirects = 5;
        private PoolSettings pool = PoolSettings.DEFAULTS;

        private Builder() {}

        public Builder seeds(List<HostAndPort> seeds) {
            this.seeds = List.copyOf(Objects.requireNonNull(seeds, "seeds"));
            return this;
        }

        public Builder tlsName(TlsName name) {
            this.tlsName = Objects.requireNonNull(name, "tlsName");
            return this;
        }

        /** {@code cluster_tls_name}: {@code announced}, {@code seed} or a host name. */
        public Builder tlsName(String name) {
            return tlsName(TlsName.parse(Objects.requireNonNull(name, "tlsName")));
        }

        /** The hook for NAT and containers: announced address in, address to dial out (TLS still checks the {@link #tlsName}). */
        public Builder addressMapper(UnaryOperator<HostAndPort> mapper) {
            this.addressMapper = Objects.requireNonNull(mapper, "addressMapper");
            return this;
        }

        public Builder readFrom(ReadFrom readFrom) {
            this.readFrom = Objects.requireNonNull(readFrom, "readFrom");
            return this;
        }

        public Builder refreshPeriod(Duration period) {
            if (period == null || period.isNegative()) {
                throw new IllegalArgumentException("cluster_refresh_period must be zero (never) or positive");
            }
            this.refreshPeriod = period;
            return this;
        }

        public Builder minRefreshInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("minRefreshInterval must not be negative");
            }
            this.minRefreshInterval = interval;
            return this;
        }

        public Builder maxRedirects(int n) {
            if (n < 0 || n > 100) {
                throw new IllegalArgumentException("maxRedirects must be between 0 and 100");
            }
            this.maxRedirects = n;
            return this;
        }

        public Builder pool(PoolSettings pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        public RedisClusterSettings build() {
            return new RedisClusterSettings(this);
        }
    }
}
