package dev.loomwire.redis;

import dev.loomwire.redis.RedisClusterSettings.ReadFrom;
import dev.loomwire.redis.RedisClusterSettings.TlsName;
import dev.loomwire.tls.TlsVerification;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sentinel URIs: Lettuce's shape, the Sentinel links' own TLS and credentials, readFrom and node_tls_name. */
class RedisSentinelUriTest {
    @Test
    void sentinelsMasterNameAndDatabaseFollowLettucesShape() {
        RedisUri.SentinelUri u = RedisUri.parseSentinel("rediss-sentinel://app:s3cret@s1:26380,s2,[::1]:26381/3?sslverify=ca#my%20master");
        assertEquals(List.of(new HostAndPort("s1", 26380), new HostAndPort("s2", 26379), new HostAndPort("::1", 26381)), u.sentinels());
        assertEquals("my master", u.masterName());
        assertEquals(3, u.config().database());
        assertEquals("app", u.config().user());
        assertEquals(TlsVerification.CA, u.config().tls().orElseThrow().verification());
        assertEquals(0, u.sentinelConfig().database(), "Sentinels have no databases");
        assertNull(u.sentinelConfig().user(), "the data nodes' credentials are not sent to Sentinels");
        assertNull(u.sentinelConfig().password());
        assertFalse(u.config().toString().contains("s3cret"));
    }

    @Test
    void sentinelTlsParametersOverrideTheDataLinksOnesForTheSentinelLinksOnly() {
        RedisUri.SentinelUri u = RedisUri.parseSentinel("rediss-sentinel://s1/?sslrootcert=data-ca.crt&sslverify=full"
                + "&sentinel_sslrootcert=sentinel-ca.crt&sentinel_sslverify=ca&sentinel_user=watcher&sentinel_password=pw#m");
        assertEquals(RedisConfig.fromUri("rediss://h?sslrootcert=data-ca.crt&sslverify=full").tls(), u.config().tls());
        assertEquals(RedisConfig.fromUri("rediss://h?sslrootcert=sentinel-ca.crt&sslverify=ca").tls(), u.sentinelConfig().tls());
        assertEquals("watcher", u.sentinelConfig().user());
        assertEquals("pw", new String(u.sentinelConfig().password()));
        assertNull(u.config().user());

        RedisUri.SentinelUri inherited = RedisUri.parseSentinel("rediss-sentinel://s1/?sslrootcert=data-ca.crt&sslverify=ca#m");
        assertEquals(inherited.config().tls(), inherited.sentinelConfig().tls(), "without sentinel_* the Sentinel links use the data links' TLS");
    }

    @Test
    void readFromAndNodeTlsNameMapToSettings() {
        RedisUri.SentinelUri u = RedisUri.parseSentinel("rediss-sentinel://s1?readFrom=replicaPreferred&node_tls_name=seed#m");
        RedisSentinelSettings s = RedisSentinelSettings.DEFAULTS.withParameters(u.sentinelParameters());
        assertEquals(ReadFrom.REPLICA_PREFERRED, s.readFrom());
        assertEquals(new TlsName.Seed(), s.nodeTlsName());
        assertEquals(new TlsName.Explicit("redis.internal"),
                RedisSentinelSettings.DEFAULTS.withParameters(java.util.Map.of("node_tls_name", "redis.internal")).nodeTlsName());
        assertFalse(RedisUri.parseSentinel("redis-sentinel://s1#m").config().isTls(), "redis-sentinel:// is plaintext");
    }

    @Test
    void badSentinelUrisNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisUri.parseSentinel("rediss-sentinel://s1:26379/0"))
                .getMessage().contains("#<name>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisUri.parseSentinel("redis-sentinel://s1?sentinel_sslrootcert=x#m"))
                .getMessage().contains("needs a rediss-sentinel://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisUri.parseSentinel("rediss-sentinel://s1?readFrom=any#m")
                .sentinelParameters().forEach((k, v) -> RedisSentinelSettings.DEFAULTS.withParameters(java.util.Map.of(k, v))))
                .getMessage().contains("primary, replica or replicaPreferred"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisUri.parseSentinel("rediss-sentinel://s1?cluster_tls_name=x#m"))
                .getMessage().contains("sentinel_<TLS parameter>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisConfig.fromUri("rediss-sentinel://s1#m"))
                .getMessage().contains("RedisClient.create(uri)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisConfig.fromUri("rediss://h?readFrom=replica"))
                .getMessage().contains("readFrom"));
    }
}
