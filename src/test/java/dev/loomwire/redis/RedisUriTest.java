package dev.loomwire.redis;

import dev.loomwire.tls.TlsVerification;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class RedisUriTest {

    static String rejected(String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisConfig.fromUri(uri));
        assertFalse(e.getMessage().contains("s3cret"), "message must not show the password: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaults() {
        RedisConfig c = RedisConfig.fromUri("redis://localhost");
        assertEquals("localhost", c.host());
        assertEquals(6379, c.port());
        assertEquals(0, c.database());
        assertEquals(3, c.protocol());
        assertFalse(c.isTls());
        assertNull(c.user());
        assertNull(c.password());
        assertEquals(RedisConfig.DEFAULT_TIMEOUT, c.timeout());
    }

    @Test
    void fullUri() {
        RedisConfig c = RedisConfig.fromUri("redis://alice:s3cret@cache.example:6380/4"
                + "?protocol=2&timeout=2.5&connect_timeout=500ms&client_name=worker-1");
        assertEquals("alice", c.user());
        assertArrayEquals("s3cret".toCharArray(), c.password());
        assertEquals("cache.example", c.host());
        assertEquals(6380, c.port());
        assertEquals(4, c.database());
        assertEquals(2, c.protocol());
        assertEquals(Duration.ofMillis(2500), c.timeout());
        assertEquals(Duration.ofMillis(500), c.connectTimeout());
        assertEquals("worker-1", c.clientName());
    }

    @Test
    void passwordOnlyAndPercentDecoding() {
        RedisConfig c = RedisConfig.fromUri("redis://:p%40ss%3Aw%2Fo%25rd+x@localhost");
        assertNull(c.user());
        assertArrayEquals("p@ss:w/o%rd+x".toCharArray(), c.password());
        RedisConfig u = RedisConfig.fromUri("redis://us%C3%A9r:pw@h");
        assertEquals("us\u00e9r", u.user());
    }

    @Test
    void ipv6Literals() {
        RedisConfig c = RedisConfig.fromUri("rediss://[::1]:6390/2");
        assertEquals("::1", c.host());
        assertEquals(6390, c.port());
        assertEquals(2, c.database());
        assertEquals("::1", RedisConfig.fromUri("redis://[::1]").host());
        assertTrue(rejected("redis://::1:6379").contains("brackets"));
        assertTrue(rejected("redis://[::1").contains("]"));
    }

    @Test
    void toStringHidesThePassword() {
        String s = RedisConfig.fromUri("rediss://alice:s3cret@localhost:6380/1?sslpassword=s3cret&sslcert=/c&sslkey=/k").toString();
        assertFalse(s.contains("s3cret"), s);
        assertTrue(s.contains("alice:***@localhost:6380/1"), s);
    }

    @Test
    void badPort() {
        assertTrue(rejected("redis://localhost:abc").contains("bad port \"abc\""));
        assertTrue(rejected("redis://localhost:0").contains("bad port \"0\""));
        assertTrue(rejected("redis://localhost:65536").contains("bad port \"65536\""));
        assertTrue(rejected("redis://localhost:").contains("bad port"));
    }

    @Test
    void badDatabase() {
        assertTrue(rejected("redis://localhost/x").contains("bad database index \"x\""));
        assertTrue(rejected("redis://localhost/-1").contains("bad database index \"-1\""));
        assertTrue(rejected("redis://localhost/1/2").contains("bad database index"));
    }

    @Test
    void badScheme() {
        assertTrue(rejected("http://localhost").contains("unknown scheme \"http\""));
        assertTrue(rejected("localhost:6379").contains("no scheme"));
        assertTrue(rejected("").contains("empty"));
    }

    @Test
    void unknownParameterIsNamed() {
        String m = rejected("redis://localhost?sslmode=require");
        assertTrue(m.contains("unknown parameter \"sslmode\""), m);
        assertTrue(rejected("rediss://localhost?verify=full").contains("\"verify\""));
    }

    @Test
    void tlsParametersNeedRediss() {
        assertTrue(rejected("redis://localhost?sslverify=none").contains("rediss://"));
    }

    @Test
    void badValues() {
        assertTrue(rejected("rediss://localhost?sslverify=maybe").contains("bad sslverify \"maybe\""));
        assertTrue(rejected("redis://localhost?protocol=4").contains("bad protocol \"4\""));
        assertTrue(rejected("redis://localhost?timeout=soon").contains("bad timeout \"soon\""));
        assertTrue(rejected("redis://localhost?connect_timeout=0").contains("connect_timeout"));
        assertTrue(rejected("rediss://localhost?sslcert=/c").contains("sslcert needs sslkey"));
        assertTrue(rejected("redis://alice@localhost").contains("[user]:password"));
        assertTrue(rejected("redis://:s3cret%zz@localhost").contains("percent-encoding in the password"));
        assertTrue(rejected("redis://localhost?client_name=a%20b").contains("client_name"));
    }

    @Test
    void sslverifyMapsOntoTlsVerification() {
        assertEquals(TlsVerification.FULL, RedisConfig.fromUri("rediss://localhost").tls().orElseThrow().verification());
        assertEquals(TlsVerification.CA, RedisConfig.fromUri("rediss://localhost?sslverify=ca").tls().orElseThrow().verification());
        assertEquals(TlsVerification.NONE, RedisConfig.fromUri("rediss://localhost?sslverify=none").tls().orElseThrow().verification());
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> RedisConfig.builder().port(0));
        assertThrows(IllegalArgumentException.class, () -> RedisConfig.builder().database(-1));
        assertThrows(IllegalArgumentException.class, () -> RedisConfig.builder().protocol(1));
        RedisConfig c = RedisConfig.builder().host("[::1]").user("u").password("pw").build();
        assertEquals("::1", c.host());
        assertEquals(c, c.toBuilder().build());
    }
}
