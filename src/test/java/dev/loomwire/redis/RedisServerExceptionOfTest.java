package dev.loomwire.redis;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.error.ErrorCategory;
import dev.loomwire.error.TimeoutKind;
import dev.loomwire.error.ConnectPhase;
import dev.loomwire.tls.TlsException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisServerException#of} is the one place error codes map to subclasses, and the rules by
 * which a connection failure without explicit details gets its category from its cause.
 */
class RedisServerExceptionOfTest {
    @Test
    void eachKnownCodeHasItsSubclassAndEveryOtherStaysPlain() {
        assertInstanceOf(RedisNoAuthException.class, RedisServerException.of("NOAUTH", "NOAUTH Authentication required."));
        assertInstanceOf(RedisWrongPassException.class, RedisServerException.of("WRONGPASS", "WRONGPASS invalid username-password pair"));
        assertInstanceOf(RedisNoScriptException.class, RedisServerException.of("NOSCRIPT", "NOSCRIPT No matching script."));
        assertInstanceOf(RedisBusyException.class, RedisServerException.of("BUSY", "BUSY Redis is busy running a script."));
        assertInstanceOf(RedisReadOnlyException.class, RedisServerException.of("READONLY", "READONLY You can't write against a read only replica."));
        RedisServerException plain = RedisServerException.of("WRONGTYPE", "WRONGTYPE Operation against a key holding the wrong kind of value");
        assertEquals(RedisServerException.class, plain.getClass());
        assertEquals(ErrorCategory.SERVER, plain.category());
    }

    @Test
    void redirectsCarryTheSlotAndTheEndpoint() {
        RedisMovedException moved = assertInstanceOf(RedisMovedException.class,
                RedisServerException.of("MOVED", "MOVED 3999 127.0.0.1:6381"));
        assertEquals(3999, moved.slot());
        assertEquals("127.0.0.1:6381", moved.endpoint());
        RedisAskException ask = assertInstanceOf(RedisAskException.class,
                RedisServerException.of("ASK", "ASK 12182 :6380", "GET k"));
        assertEquals(12182, ask.slot());
        assertEquals(":6380", ask.endpoint());
        assertEquals("GET k: ASK 12182 :6380", ask.getMessage());
        assertEquals(RedisServerException.class, RedisServerException.of("MOVED", "MOVED nonsense").getClass(),
                "a malformed redirect stays a plain server error");
    }

    @Test
    void aConnectionFailureTakesItsCategoryFromItsCause() {
        RedisConnectionException tls = new RedisConnectionException("TLS failed",
                new TlsException(TlsException.Kind.HOST_MISMATCH, "name mismatch"));
        assertEquals(ErrorCategory.CONNECT, tls.category());
        assertEquals(ConnectPhase.TLS, tls.connectPhase().orElseThrow());
        assertEquals(TlsException.Kind.HOST_MISMATCH, tls.tlsFailure().orElseThrow());

        RedisConnectionException badKey = new RedisConnectionException("key",
                new TlsException(TlsException.Kind.CONFIG, "cannot read key file"));
        assertEquals(ErrorCategory.CONFIGURATION, badKey.category());
        assertTrue(badKey.connectPhase().isEmpty());

        assertEquals(ConnectPhase.DNS, new RedisConnectionException("dns", new UnknownHostException("nohost"))
                .connectPhase().orElseThrow());
        assertEquals(ConnectPhase.TCP, new RedisConnectionException("tcp", new ConnectException("refused"))
                .connectPhase().orElseThrow());

        RedisConnectionException lost = new RedisConnectionException("lost", new IOException("Connection reset"));
        assertEquals(ErrorCategory.BROKEN, lost.category());
        assertFalse(lost.safeToRetry());
        assertTrue(lost.connectPhase().isEmpty());

        RedisConnectionException explicit = new RedisConnectionException("refused", null, "h:6379", ConnectPhase.AUTH);
        assertEquals(ErrorCategory.CONNECT, explicit.category());
        assertEquals("h:6379", explicit.host().orElseThrow());
        assertEquals(ConnectPhase.AUTH, explicit.connectPhase().orElseThrow());

        RedisTimeoutException timeout = new RedisTimeoutException(TimeoutKind.COMMAND, "late", null);
        RedisConnectionException wrapper = new RedisConnectionException(timeout.getMessage(), timeout);
        assertEquals(ErrorCategory.TIMEOUT, wrapper.category(), "a wrapper keeps the wrapped category");
        assertEquals(TimeoutKind.COMMAND, wrapper.timeoutKind().orElseThrow());
    }

    @Test
    void anExceptionBuiltWithoutACauseMayStillBeGivenOne() {
        RedisServerException e = RedisServerException.of("ERR", "ERR something");
        IOException cause = new IOException("later");
        e.initCause(cause);
        assertSame(cause, e.getCause());
    }

    @Test
    void clusterAndSentinelKindsMapToCategories() {
        assertEquals(ErrorCategory.CONNECT, new RedisClusterException(RedisClusterException.Kind.NO_SEED_REACHABLE, "x").category());
        assertEquals(ErrorCategory.CLIENT, new RedisClusterException(RedisClusterException.Kind.CROSSSLOT, "x").category());
        assertEquals(ErrorCategory.CONFIGURATION, new RedisSentinelException(RedisSentinelException.Kind.UNKNOWN_MASTER, "x", null).category());
        assertEquals(ErrorCategory.BROKEN, new RedisSentinelException(RedisSentinelException.Kind.FAILOVER_IN_FLIGHT, "x", null).category());
    }
}
