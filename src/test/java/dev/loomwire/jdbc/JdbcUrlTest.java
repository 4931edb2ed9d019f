package dev.loomwire.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * URLs and properties: foreign URLs are not ours (null), bad ones fail before any network I/O
 * with an SQLException (08001) that names the parameter and never shows the password.
 */
class JdbcUrlTest {
    private static final String SECRET = "s3cret-pw";
    private final LoomwireDriver driver = new LoomwireDriver();

    private SQLException refused(String url) {
        SQLException e = assertThrows(SQLException.class, () -> driver.connect(url, new Properties()));
        assertInstanceOf(SQLNonTransientConnectionException.class, e, "a bad URL is not worth retrying");
        assertEquals("08001", e.getSQLState());
        assertFalse(e.getMessage().contains(SECRET), "password shown: " + e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(SECRET), "password shown in the cause");
        return e;
    }

    @Test
    void foreignUrlsAreNotOurs() throws SQLException {
        assertNull(driver.connect("jdbc:postgresql://localhost/db", new Properties()));
        assertFalse(driver.acceptsURL("jdbc:postgresql://localhost/db"));
        assertFalse(driver.acceptsURL(null));
        assertTrue(driver.acceptsURL("jdbc:loomwire:postgresql://localhost/db"));
    }

    @Test
    void theDriverIsRegisteredThroughServiceLoader() throws SQLException {
        Driver d = DriverManager.getDriver("jdbc:loomwire:postgresql://localhost/db");
        assertInstanceOf(LoomwireDriver.class, d);
        assertFalse(d.jdbcCompliant());
    }

    @Test
    void unknownParameterIsNamed() {
        SQLException e = refused("jdbc:loomwire:postgresql://localhost/db?password=" + SECRET + "&sslmod=require");
        assertTrue(e.getMessage().contains("\"sslmod\""), e.getMessage());
    }

    @Test
    void wrongSslModeIsNamed() {
        SQLException e = refused("jdbc:loomwire:postgresql://app:" + SECRET + "@localhost/db?sslmode=verify-fool");
        assertTrue(e.getMessage().contains("sslmode"), e.getMessage());
        assertTrue(e.getMessage().contains("verify-fool"), e.getMessage());
    }

    @Test
    void malformedUrlsAreRefused() {
        assertTrue(refused("jdbc:loomwire:postgresql://app:" + SECRET + "@localhost:notaport/db").getMessage()
                .contains("port"));
        assertTrue(refused("jdbc:loomwire:mysql://app:" + SECRET + "@localhost/db").getMessage()
                .contains("postgresql://"));
        assertTrue(refused("jdbc:loomwire:postgresql://localhost/db?password=" + SECRET + "&connect_timeout=soon")
                .getMessage().contains("connect_timeout"));
        assertTrue(refused("jdbc:loomwire:postgresql://localhost/db?sslmode").getMessage().contains("="));
    }

    @Test
    void unknownPropertyIsNamed() {
        Properties p = new Properties();
        p.setProperty("password", SECRET);
        p.setProperty("sslfactory", "x");
        SQLException e = assertThrows(SQLException.class, () -> driver.connect("jdbc:loomwire:postgresql://localhost/db", p));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("sslfactory"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void urlParametersWinOverProperties() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "fromprops");
        p.setProperty("sslmode", "disable");
        var c = JdbcUrl.config("jdbc:loomwire:postgresql://urluser@localhost/db?sslmode=require", p);
        assertEquals("urluser", c.user());
        assertEquals("require", c.sslMode().keyword());
    }

    @Test
    void urlsAreShownWithoutSecrets() {
        assertEquals("jdbc:loomwire:postgresql://app@db:5432/x?sslmode=verify-full",
                JdbcUrl.withoutSecrets("jdbc:loomwire:postgresql://app:" + SECRET + "@db:5432/x?sslmode=verify-full&password="
                        + SECRET + "&sslpassword=" + SECRET));
        assertEquals("jdbc:loomwire:postgresql://db/x", JdbcUrl.withoutSecrets("jdbc:loomwire:postgresql://db/x"));
        LoomwireDataSource ds = new LoomwireDataSource();
        ds.setUrl("jdbc:loomwire:postgresql://app:" + SECRET + "@db/x");
        ds.setPassword(SECRET);
        assertFalse(ds.toString().contains(SECRET), ds.toString());
    }

    @Test
    void propertyInfoListsTheParametersWithoutThePassword() throws SQLException {
        DriverPropertyInfo[] info = driver.getPropertyInfo(
                "jdbc:loomwire:postgresql://app:" + SECRET + "@localhost/db?sslmode=verify-full&sslrootcert=system",
                new Properties());
        assertTrue(Arrays.stream(info).anyMatch(i -> i.name.equals("sslmode") && "verify-full".equals(i.value)));
        assertTrue(Arrays.stream(info).anyMatch(i -> i.name.equals("user") && "app".equals(i.value)));
        assertTrue(Arrays.stream(info).noneMatch(i -> SECRET.equals(i.value)));
    }

    @Test
    void dataSourceWithoutUrlSaysSo() {
        SQLException e = assertThrows(SQLException.class, () -> new LoomwireDataSource().getConnection());
        assertTrue(e.getMessage().contains("url is not set"), e.getMessage());
    }
}
