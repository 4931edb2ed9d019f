package dev.loomwire.redis;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClusterSettings.ReadFrom;
import dev.loomwire.redis.RedisClusterSettings.TlsName;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a Sentinel-backed {@link RedisClient} ({@code rediss-sentinel://...#mymaster}) uses the
 * primary and replicas the Sentinels name: where reads go ({@code readFrom}), the name each data
 * node's certificate is checked against ({@code node_tls_name}), and an address mapper from the
 * address a Sentinel announces to the address to dial. Immutable; the URI parameters
 * {@code readFrom} and {@code node_tls_name} are mapped here and nowhere else.
 *
 * <p>The address mapper is the hook for Sentinels that announce something a client cannot use as
 * it is: NAT or container addresses, or the plain port of a TLS-only node
 * (<a href="https://github.com/redis/redis/issues/13210">redis#13210</a>: {@code SENTINEL
 * GET-MASTER-ADDR-BY-NAME} answers with the port Sentinel monitors, not the TLS port), e.g.
 * {@code a -> new HostAndPort(a.host(), a.port() + 1000)}. TLS still checks {@link #nodeTlsName()}.
 */
public final class RedisSentinelSettings {
    /** The defaults: every command on the primary, names as announced, addresses as announced. */
    public static final RedisSentinelSettings DEFAULTS = builder().build();

    private final ReadFrom readFrom;
    private final TlsName nodeTlsName;
    private final UnaryOperator<HostAndPort> addressMapper;
    private final PoolSettings pool;

    private RedisSentinelSettings(Builder b) {
        readFrom = b.readFrom;
        nodeTlsName = b.nodeTlsName;
        addressMapper = b.addressMapper;
        pool = b.pool;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().readFrom(readFrom).nodeTlsName(nodeTlsName).addressMapper(addressMapper).pool(pool);
    }

    /** Where read-only commands go: the primary (default), a replica, or a replica if one is up. */
    public ReadFrom readFrom() { return readFrom; }
    /**
     * The name the primary's and replicas' certificates are checked against and sent as SNI:
     * {@code announced} (the address the Sentinel gave, often an IP), {@code seed} (the first
     * Sentinel's host name from the URI) or an explicit name.
     */
    public TlsName nodeTlsName() { return nodeTlsName; }
    /** Maps an announced address to the address to dial (identity by default). */
    public UnaryOperator<HostAndPort> addressMapper() { return addressMapper; }
    /** Settings of each data node's pool (exclusive operations). */
    public PoolSettings pool() { return pool; }

    /** These settings with the URI's parameters applied on top. */
    RedisSentinelSettings withParameters(Map<String, String> parameters) {
        Builder b = toBuilder();
        parameters.forEach((key, value) -> {
            switch (key) {
                case "readFrom" -> b.readFrom(ReadFrom.parse(value));
                case "node_tls_name" -> b.nodeTlsName(TlsName.parse(value));
                default -> throw new IllegalArgumentException("unknown Sentinel parameter \"" + key + "\"");
            }
        });
        return b.build();
    }

    @Override
    public String toString() {
        return "readFrom=" + readFrom + " node_tls_name=" + TlsName.describe(nodeTlsName);
    }

    /** Builds {@link RedisSentinelSettings}; every setter validates its argument. */
    public static final class Builder {
        private ReadFrom readFrom = ReadFrom.PRIMARY;
        private TlsName nodeTlsName = new TlsName.Announced();
        private UnaryOperator<HostAndPort> addressMapper = UnaryOperator.identity();
        private PoolSettings pool = PoolSettings.DEFAULTS;

        private Builder() {}

        public Builder readFrom(ReadFrom readFrom) {
            this.readFrom = Objects.requireNonNull(readFrom, "readFrom");
            return this;
        }

        public Builder nodeTlsName(TlsName name) {
            this.nodeTlsName = Objects.requireNonNull(name, "nodeTlsName");
            return this;
        }

        /** {@code node_tls_name}: {@code announced}, {@code seed} or a host name. */
        public Builder nodeTlsName(String name) {
            return nodeTlsName(TlsName.parse(Objects.requireNonNull(name, "nodeTlsName")));
        }

        /** Announced address in, address to dial out: NAT, containers, or the TLS port for a plain one (redis#13210). */
        public Builder addressMapper(UnaryOperator<HostAndPort> mapper) {
            this.addressMapper = Objects.requireNonNull(mapper, "addressMapper");
            return this;
        }

        public Builder pool(PoolSettings pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        public RedisSentinelSettings build() {
            return new RedisSentinelSettings(this);
        }
    }
}
