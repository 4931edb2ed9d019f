package dev.loomwire.cli;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to probe, parsed from a PostgreSQL URI ({@code postgresql://}, {@code postgres://}), a libpq
 * keyword/value conninfo string, or a Redis URI ({@code redis://}, {@code rediss://}). A small parser
 * for just the settings the probe needs; unknown settings are refused so typos do not go unnoticed.
 *
 * @param kind   which server protocol
 * @param params settings by libpq name ({@code host}, {@code port}, {@code sslmode}, ...); for Redis
 *               also {@code tls} ("1" for rediss) and {@code sslverify}
 */
record ConnInfo(Kind kind, Map<String, String> params) {

    /** The two protocols the probe speaks. */
    enum Kind { POSTGRES, REDIS }

    static final List<String> PG_KEYS = List.of("host", "hostaddr", "port", "user", "password", "dbname", "sslmode",
            "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslnegotiation", "sslsni", "connect_timeout",
            "application_name");
    static final List<String> REDIS_KEYS = List.of("sslverify", "sslrootcert", "sslcert", "sslkey", "sslpassword",
            "connect_timeout");
    private static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    ConnInfo {
        params = Map.copyOf(params);
    }

    /** A setting, or {@code null}. */
    String get(String key) {
        return params.get(key);
    }

    /** A setting, or {@code fallback} when absent or empty. */
    String get(String key, String fallback) {
        String v = params.get(key);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** Parses any of the accepted forms. */
    static ConnInfo parse(String text) throws UsageException {
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return validatePg(parseUri(s, s.indexOf("://") + 3, PG_KEYS, false));
        }
        if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
            Map<String, String> p = parseUri(s, s.indexOf("://") + 3, REDIS_KEYS, true);
            p.put("tls", lower.startsWith("rediss://") ? "1" : "0");
            return validateRedis(p);
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new UsageException("unsupported URI scheme in \"" + s.substring(0, s.indexOf("://") + 3)
                    + "\": use postgresql://, postgres://, redis:// or rediss://");
        }
        if (!s.contains("=")) {
            throw new UsageException("\"" + s + "\" is neither a URI (postgresql://, redis://, rediss://) nor a"
                    + " conninfo string (host=... port=...)");
        }
        return validatePg(parseKeywords(s));
    }

    /** libpq keyword/value syntax: {@code key = value}, values optionally in single quotes with backslash escapes. */
    static Map<String, String> parseKeywords(String s) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n) break;
            int keyStart = i;
            while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
            String key = s.substring(keyStart, i);
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n || s.charAt(i) != '=') {
                throw new UsageException("missing \"=\" after \"" + key + "\" in the connection string");
            }
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            StringBuilder value = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(s.charAt(i++));
                    } else if (c == '\'') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new UsageException("unterminated quoted value for \"" + key + "\"");
                }
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = s.charAt(i++);
                    }
                    value.append(c);
                }
            }
            put(out, key, value.toString(), PG_KEYS);
        }
        return out;
    }

    private static void put(Map<String, String> out, String key, String value, List<String> known) throws UsageException {
        if (!known.contains(key)) {
            throw new UsageException("unknown connection parameter \"" + key + "\" (the probe understands "
                    + String.join(", ", known) + ")");
        }
        out.put(key, value);
    }

    /** {@code scheme://[user[:password]@][host][:port][/path][?k=v&...]}; {@code redis} takes the path as a db number. */
    private static Map<String, String> parseUri(String s, int start, List<String> queryKeys, boolean redis) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = s.substring(start);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String path = slash >= 0 ? rest.substring(slash + 1) : "";
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            if (colon >= 0) {
                out.put("password", decode(userInfo.substring(colon + 1)));
            }
            if (!user.isEmpty()) {
                out.put("user", user);
            }
        }
        if (authority.contains(",")) {
            throw new UsageException("the probe checks one host at a time: \"" + authority + "\" names several");
        }
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new UsageException("unterminated IPv6 address in \"" + authority + "\"");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new UsageException("unexpected \"" + after + "\" after the IPv6 address");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0) {
                host = authority.substring(0, colon);
                port = authority.substring(colon + 1);
            }
        }
        if (!host.isEmpty()) {
            out.put("host", decode(host));
        }
        if (port != null && !port.isEmpty()) {
            out.put("port", port);
        }
        if (!path.isEmpty()) {
            out.put(redis ? "db" : "dbname", decode(path));
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new UsageException("URI parameter \"" + pair + "\" has no value (expected name=value)");
                }
                put(out, decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)), queryKeys);
            }
        }
        return out;
    }

    private static String decode(String s) throws UsageException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad percent-encoding in \"" + s + "\"");
        }
    }

    private static ConnInfo validatePg(Map<String, String> p) throws UsageException {
        for (String multi : List.of("host", "hostaddr", "port")) {
            if (p.getOrDefault(multi, "").contains(",")) {
                throw new UsageException("the probe checks one host at a time: " + multi + "=" + p.get(multi) + " names several");
            }
        }
        port(p);
        timeout(p);
        String mode = p.get("sslmode");
        if (mode != null && !SSLMODES.contains(mode)) {
            throw new UsageException("invalid sslmode \"" + mode + "\": use disable, allow, prefer, require, verify-ca or verify-full");
        }
        String negotiation = p.getOrDefault("sslnegotiation", "postgres");
        if (!negotiation.equals("postgres") && !negotiation.equals("direct")) {
            throw new UsageException("invalid sslnegotiation \"" + negotiation + "\": use postgres or direct");
        }
        if (negotiation.equals("direct") && !List.of("require", "verify-ca", "verify-full").contains(mode == null ? "prefer" : mode)) {
            throw new UsageException("sslnegotiation=direct needs sslmode=require, verify-ca or verify-full (libpq refuses weak sslmode \""
                    + (mode == null ? "prefer" : mode) + "\" with it)");
        }
        String sni = p.get("sslsni");
        if (sni != null && !sni.equals("0") && !sni.equals("1")) {
            throw new UsageException("invalid sslsni \"" + sni + "\": use 0 or 1");
        }
        if ("system".equals(p.get("sslrootcert")) && mode != null && !mode.equals("verify-full")) {
            throw new UsageException("sslrootcert=system needs sslmode=verify-full (got sslmode=" + mode + ")");
        }
        return new ConnInfo(Kind.POSTGRES, p);
    }

    private static ConnInfo validateRedis(Map<String, String> p) throws UsageException {
        port(p);
        timeout(p);
        String verify = p.get("sslverify");
        if (verify != null && !Set.of("full", "ca", "none").contains(verify)) {
            throw new UsageException("invalid sslverify \"" + verify + "\": use full, ca or none");
        }
        if ("0".equals(p.get("tls")) && (verify != null || p.containsKey("sslrootcert") || p.containsKey("sslcert"))) {
            throw new UsageException("TLS settings given for redis://, which is plaintext: use rediss://");
        }
        return new ConnInfo(Kind.REDIS, p);
    }

    private static void port(Map<String, String> p) throws UsageException {
        String port = p.get("port");
        if (port == null || port.isEmpty()) {
            return;
        }
        try {
            int n = Integer.parseInt(port);
            if (n < 1 || n > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("invalid port \"" + port + "\": expected a number from 1 to 65535");
        }
    }

    private static void timeout(Map<String, String> p) throws UsageException {
        String t = p.get("connect_timeout");
        if (t == null || t.isEmpty()) {
            return;
        }
        try {
            if (Integer.parseInt(t) < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException("invalid connect_timeout \"" + t + "\": expected whole seconds");
        }
    }
}
