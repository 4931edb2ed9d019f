package dev.loomwire.logging;

import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.redis.RedisConnection;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * DEBUG and TRACE output of the drivers under logger {@code dev.loomwire}, captured with a logback
 * ListAppender: connect phases and TLS facts at DEBUG, protocol messages at TRACE, and never a
 * password, whatever the authentication method (SCRAM, md5, cleartext PasswordMessage, Redis
 * HELLO ... AUTH and RESP2 AUTH).
 */
class DriverLoggingTest {
    private static final List<String> SECRETS = List.of(PgServer.PASSWORD, PgServer.MD5_PASSWORD,
            PgServer.CLEARTEXT_PASSWORD, RedisServer.PASSWORD, new String(TestCerts.password()));

    private static List<String> captureAtTrace(Runnable work) {
        Logger root = (Logger) LoggerFactory.getLogger("dev.loomwire");
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.TRACE);
        try {
            work.run();
        } finally {
            root.setLevel(before);
            root.detachAppender(appender);
        }
        List<ILoggingEvent> events = List.copyOf(appender.list);
        for (ILoggingEvent e : events) {
            assertNoSecret(e.getLoggerName() + " " + e.getFormattedMessage(), e);
            if (e.getArgumentArray() != null) {
                for (Object arg : e.getArgumentArray()) {
                    assertNoSecret(String.valueOf(arg), e);
                }
            }
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                assertNoSecret(t.getMessage(), e);
            }
        }
        return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    }

    private static void assertNoSecret(String text, ILoggingEvent e) {
        for (String secret : SECRETS) {
            assertFalse(text != null && text.contains(secret), "a password appears in the log: " + e);
        }
    }

    private static void assertLogged(List<String> lines, String... fragments) {
        for (String f : fragments) {
            assertTrue(lines.stream().anyMatch(l -> l.contains(f)), "no log line contains \"" + f + "\":\n"
                    + String.join("\n", lines));
        }
    }

    private static PgConfig pg(PgServer s, String user, String password, String db) throws Exception {
        Path home = Files.createTempDirectory("loomwire-home");
        return PgConfig.builder().environment(Map.of("HOME", home.toString())).conninfo("host=localhost port=" + s.port()
                + " user=" + user + " password=" + password + " dbname=" + db + " sslmode=verify-full sslrootcert="
                + TestCerts.file("ca.crt")).build();
    }

    private static void query(PgConfig config, Consumer<PgConnection> work) {
        try (PgConnection c = PgConnection.connect(config)) {
            work.accept(c);
        }
    }

    @Test
    void postgresScramOverTlsShowsPhasesAndMessagesButNoPassword() throws Exception {
        PgServer s = TestServers.pg18();
        PgConfig config = pg(s, PgServer.USER, PgServer.PASSWORD, "loomwire");
        List<String> lines = captureAtTrace(() -> query(config, c -> {
            assertEquals("1", c.query("SELECT 1").get(0).getString(0));
            c.query("SELECT $1::text", "not-a-secret-but-a-bind-value");
            c.simpleQuery("SET application_name = 'logging-test'");
        }));
        assertLogged(lines,
                "DEBUG dev.loomwire.pg.Connector connected to server \"localhost\"",
                "TCP ", "SSLRequest ", "TLS TLSv1.3", "verification FULL", "SNI localhost", "ALPN postgresql",
                "server certificate CN=localhost", "auth SCRAM-SHA-256-PLUS",
                "TRACE dev.loomwire.pg.protocol -> SSLRequest length=8, <- 'S'",
                "-> StartupMessage length=", "user=\"loomwire\"", "database=\"loomwire\"",
                "<- Authentication length=", "AuthenticationSASL mechanisms=[SCRAM-SHA-256-PLUS, SCRAM-SHA-256]",
                "-> PasswordMessage/SASLResponse length=", "AuthenticationSASLContinue", "AuthenticationSASLFinal",
                "AuthenticationOk", "BackendKeyData length=", "ReadyForQuery length=5 status=I",
                "-> Query length=", "sql=SET...", "DataRow length=", "CommandComplete length=", "tag=\"SELECT 1\"",
                "-> Parse length=", "Bind length=");
        assertTrue(lines.stream().noneMatch(l -> l.contains("not-a-secret-but-a-bind-value")),
                "bind values are not logged:\n" + String.join("\n", lines));
    }

    @Test
    void postgresMd5AndCleartextPasswordsNeverAppear() throws Exception {
        PgServer s = TestServers.pg18();
        List<String> lines = captureAtTrace(() -> {
            try {
                query(pg(s, PgServer.MD5_USER, PgServer.MD5_PASSWORD, "md5db"), c -> c.query("SELECT 1"));
                query(pg(s, PgServer.CLEARTEXT_USER, PgServer.CLEARTEXT_PASSWORD, "pwdb"), c -> c.query("SELECT 1"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertLogged(lines, "AuthenticationMD5Password", "auth md5", "AuthenticationCleartextPassword", "auth password");
    }

    @Test
    void redisAclUserOverTlsShowsPhasesAndCommandNamesButNoPassword() {
        RedisServer s = TestServers.redis();
        String ca = TestCerts.file("ca.crt").toString();
        String uri = "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@localhost:" + s.tlsPort()
                + "?sslrootcert=" + ca;
        List<String> lines = captureAtTrace(() -> {
            try (RedisConnection c = RedisConnection.connect(uri)) {
                c.set("loomwire:logging", "value-that-is-not-logged");
                assertEquals("value-that-is-not-logged", c.get("loomwire:logging"));
                c.pipeline().command("INCR", "loomwire:logging:n").command("INCR", "loomwire:logging:n").execute();
                c.del("loomwire:logging", "loomwire:logging:n");
            }
            // RESP2 start sends a bare AUTH user password
            try (RedisConnection c = RedisConnection.connect(uri + "&protocol=2")) {
                c.ping();
            }
        });
        assertLogged(lines,
                "DEBUG dev.loomwire.redis.RedisConnector connected to localhost:" + s.tlsPort(),
                "TCP ", "TLS TLSv1.3", "verification FULL", "SNI localhost", "server certificate CN=localhost",
                "AUTH as loomwire", "RESP3",
                "TRACE dev.loomwire.redis.protocol -> localhost:" + s.tlsPort() + " HELLO (4 args)",
                "<- localhost:" + s.tlsPort() + " map (", "SET (2 args)", "GET (1 arg)", "bulk string (24 bytes)",
                "INCR (1 arg), INCR (1 arg)", "AUTH (2 args)");
        assertTrue(lines.stream().noneMatch(l -> l.contains("value-that-is-not-logged")),
                "values are not logged:\n" + String.join("\n", lines));
    }
}
