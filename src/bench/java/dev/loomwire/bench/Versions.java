package dev.loomwire.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The peer libraries' versions, read from the names of the jars they were loaded from. */
final class Versions {
    private Versions() {}

    static String describe() {
        List<String> out = new ArrayList<>();
        for (String cls : List.of("redis.clients.jedis.Jedis", "io.lettuce.core.RedisClient", "org.postgresql.Driver",
                "com.zaxxer.hikari.HikariDataSource", "org.HdrHistogram.Histogram")) {
            try {
                var src = Class.forName(cls).getProtectionDomain().getCodeSource();
                String jar = src == null ? cls : Path.of(src.getLocation().toURI()).getFileName().toString();
                out.add(jar.endsWith(".jar") ? jar.substring(0, jar.length() - 4) : jar);
            } catch (Exception | LinkageError e) {
                out.add(cls + " (not found)");
            }
        }
        return String.join(", ", out);
    }
}
