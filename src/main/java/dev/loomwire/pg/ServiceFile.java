package dev.loomwire.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * libpq's connection service file ({@code pg_service.conf}): INI sections {@code [name]} of
 * {@code keyword=value} lines, {@code #} comments. {@code service=name} looks in
 * {@code PGSERVICEFILE} (else {@code ~/.pg_service.conf}), then in
 * {@code PGSYSCONFDIR/pg_service.conf}; the first file with the section wins.
 */
final class ServiceFile {
    private ServiceFile() {}

    /** The parameters of service {@code name}; fails naming the files searched when it is nowhere. */
    static Map<String, String> lookup(String name, Map<String, String> env, Path home) {
        String explicit = env.get("PGSERVICEFILE");
        Path user = explicit != null && !explicit.isEmpty() ? Path.of(explicit) : home.resolve(".pg_service.conf");
        if (explicit != null && !explicit.isEmpty() && !Files.isRegularFile(user)) {
            throw new PgConfigException("service file \"" + user + "\" not found (PGSERVICEFILE)");
        }
        String sysconf = env.get("PGSYSCONFDIR");
        List<Path> files = sysconf == null || sysconf.isEmpty() ? List.of(user)
                : List.of(user, Path.of(sysconf).resolve("pg_service.conf"));
        for (Path f : files) {
            if (Files.isRegularFile(f)) {
                Optional<Map<String, String>> found = section(f, name);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new PgConfigException("definition of service \"" + name + "\" not found (service; searched "
                + String.join(", ", files.stream().map(Path::toString).toList()) + ")");
    }

    private static Optional<Map<String, String>> section(Path file, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgConfigException("service file \"" + file + "\" cannot be read: " + e.getMessage());
        }
        Map<String, String> values = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (values != null) {
                    break;
                }
                if (!line.endsWith("]")) {
                    throw new PgConfigException("syntax error in service file \"" + file + "\", line " + (i + 1));
                }
                if (line.substring(1, line.length() - 1).strip().equals(name)) {
                    values = new LinkedHashMap<>();
                }
                continue;
            }
            if (values == null) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new PgConfigException("syntax error in service file \"" + file + "\", line " + (i + 1));
            }
            String key = line.substring(0, eq).strip();
            if (key.equals("service")) {
                throw new PgConfigException("nested \"service\" specifications not supported in service file \""
                        + file + "\", line " + (i + 1));
            }
            values.put(key, line.substring(eq + 1).strip());
        }
        return Optional.ofNullable(values);
    }
}
