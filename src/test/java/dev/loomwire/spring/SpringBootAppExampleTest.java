package dev.loomwire.spring;

import static org.junit.jupiter.api.Assertions.*;

import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Builds examples/spring-boot-app with javac and runs it as its own JVM against the
 * TLS test servers (PostgreSQL cert authentication on certdb, Redis TLS), configured only through
 * environment variables the way a deployment would configure it: the PgPool and RedisClient beans,
 * and Spring Boot's HikariCP DataSource over loomwire's JDBC driver running a Flyway migration and
 * a JdbcTemplate repository, all with verify-full and the client certificate from an SSL bundle.
 */
class SpringBootAppExampleTest {
    @Test
    void compilesAndRunsAQueryAndRedisCommandsOverTls() throws Exception {
        Path app = TestCerts.baseDir().resolve("examples/spring-boot-app");
        Path out = Path.of(System.getProperty("loomwire.target", "target")).resolve("spring-boot-app/classes");
        Files.createDirectories(out);
        List<String> sources;
        try (Stream<Path> files = Files.walk(app.resolve("src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        List<String> javac = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--release", "21", "-proc:none", "-d", out.toString(), "-cp", System.getProperty("java.class.path")));
        javac.addAll(sources);
        Process compile = new ProcessBuilder(javac).redirectErrorStream(true).start();
        String diagnostics = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(compile.waitFor(90, TimeUnit.SECONDS), "javac did not finish within 90 s");
        assertEquals(0, compile.exitValue(), "examples/spring-boot-app does not compile:\n" + diagnostics);
        Path resources = app.resolve("src/main/resources");
        try (Stream<Path> files = Files.walk(resources)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = out.resolve(resources.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        PgServer pg = TestServers.pg18();
        RedisServer redis = TestServers.redis();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", out + File.pathSeparator + System.getProperty("java.class.path"), "example.app.LoomwireSpringApp")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("LOOMWIRE"));
        pb.environment().put("LOOMWIRE_PG_URL", "host=localhost port=" + pg.port()
                + " dbname=certdb user=loomwire sslmode=verify-full");
        pb.environment().put("LOOMWIRE_JDBC_URL", "jdbc:loomwire:postgresql://loomwire@localhost:" + pg.port()
                + "/certdb?sslmode=verify-full");
        pb.environment().put("LOOMWIRE_REDIS_URL", "rediss://localhost:" + redis.tlsPort() + "?sslverify=full");
        pb.environment().put("LOOMWIRE_CA_CERT", "file:" + TestCerts.file("ca.crt"));
        pb.environment().put("LOOMWIRE_CLIENT_CERT", "file:" + TestCerts.file("client.crt"));
        pb.environment().put("LOOMWIRE_CLIENT_KEY", "file:" + TestCerts.file("client.key"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the Spring Boot example did not finish within 90 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), output);
        for (String expected : List.of("postgres: logged in as loomwire over TLSv1.3", "redis: visit number ",
                "over TLSv1.3", "jdbc: flyway schema version 1, DataSource over TLSv1.3", "jdbc: stored greeting ",
                "latest: hello from visit ", "health loomwirePostgresHealthIndicator: UP",
                "health loomwireRedisHealthIndicator: UP")) {
            assertTrue(output.contains(expected), "output lacks \"" + expected + "\":\n" + output);
        }
    }
}
