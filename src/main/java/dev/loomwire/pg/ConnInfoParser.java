package dev.loomwire.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses libpq connection strings: keyword/value form ({@code host=db port=5432 password='it''s'})
 * and {@code postgresql://} / {@code postgres://} URIs. Every value goes through
 * {@link PgConfig.Builder#set}; errors say which parameter and where.
 */
final class ConnInfoParser {
    private static final Pattern URI_LIKE = Pattern.compile("\\s*[A-Za-z][A-Za-z0-9+.-]*:/");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ConnInfoParser() {}

    static void parse(String conninfo, PgConfig.Builder b) {
        if (conninfo.startsWith("postgresql://") || conninfo.startsWith("postgres://")) {
            parseUri(conninfo, b);
        } else if (URI_LIKE.matcher(conninfo).lookingAt()) {
            // Not echoed: whatever follows the scheme may hold a password.
            throw new PgConfigException("conninfo: not a postgresql:// or postgres:// URI, nor keyword=value pairs"
                    + " (it starts with a URI scheme at position 0)");
        } else {
            parseKeywordValue(conninfo, b);
        }
    }

    private static void set(PgConfig.Builder b, String key, String value, String form, int position) {
        try {
            b.set(key, value);
        } catch (PgConfigException e) {
            throw new PgConfigException(form + ": " + e.getMessage() + " at position " + position);
        }
    }

    static void parseKeywordValue(String s, PgConfig.Builder b) {
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return;
            }
            int keyStart = i;
            while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(keyStart, i);
            if (!KEYWORD.matcher(key).matches()) {
                // Not echoed: a malformed word may be a pasted URI or password.
                throw new PgConfigException("conninfo: expected a parameter name (letters, digits, _) at position "
                        + keyStart + "; found a " + key.length() + "-character word that is not one (not shown: it may hold a secret)");
            }
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n || s.charAt(i) != '=') {
                throw new PgConfigException("conninfo: missing \"=\" after \"" + key + "\" at position " + i);
            }
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            int valueStart = i;
            StringBuilder value = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        value.append(s.charAt(i + 1));
                        i += 2;
                    } else if (c == '\'') {
                        i++;
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new PgConfigException("conninfo: unterminated quoted string for \"" + key
                            + "\" starting at position " + valueStart);
                }
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        value.append(s.charAt(i + 1));
                        i += 2;
                    } else {
                        value.append(c);
                        i++;
                    }
                }
            }
            set(b, key, value.toString(), "conninfo", keyStart);
        }
    }

    static void parseUri(String uri, PgConfig.Builder b) {
        int i = uri.indexOf("://") + 3;
        int queryAt = uri.indexOf('?', i);
        String beforeQuery = queryAt < 0 ? uri.substring(i) : uri.substring(i, queryAt);
        int slash = beforeQuery.indexOf('/');
        String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                set(b, "user", decode(userInfo.substring(0, colon), "user", i), "URI", i);
                set(b, "password", decode(userInfo.substring(colon + 1), "password", i), "URI", i);
            } else if (!userInfo.isEmpty()) {
                set(b, "user", decode(userInfo, "user", i), "URI", i);
            }
        }
        int hostStart = i + at + 1;
        // postgresql://a:5432,b:5433/db : one host list and one port list, as libpq's URI form
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        int entryStart = hostStart;
        for (String entry : authority.substring(at + 1).split(",", -1)) {
            hostAndPort(entry, entryStart, hosts, ports);
            entryStart += entry.length() + 1;
        }
        if (hosts.stream().anyMatch(h -> !h.isEmpty()) || hosts.size() > 1) {
            set(b, "host", String.join(",", hosts), "URI", hostStart);
        }
        if (ports.stream().anyMatch(p -> !p.isEmpty())) {
            set(b, "port", String.join(",", ports), "URI", hostStart);
        }
        if (slash >= 0) {
            String db = beforeQuery.substring(slash + 1);
            if (!db.isEmpty()) {
                set(b, "dbname", decode(db, "dbname", i + slash + 1), "URI", i + slash + 1);
            }
        }
        if (queryAt >= 0) {
            int pos = queryAt + 1;
            for (String param : uri.substring(queryAt + 1).split("&", -1)) {
                if (param.isEmpty()) {
                    pos += 1;
                    continue;
                }
                int eq = param.indexOf('=');
                if (eq < 0) {
                    throw new PgConfigException("URI: missing \"=\" in query parameter \"" + param
                            + "\" at position " + pos);
                }
                String key = decode(param.substring(0, eq), "query parameter", pos);
                String value = decode(param.substring(eq + 1), key, pos + eq + 1);
                if (key.equals("ssl") && value.equals("true")) {
                    key = "sslmode";
                    value = "require";
                }
                set(b, key, value, "URI", pos);
                pos += param.length() + 1;
            }
        }
    }

    private static void hostAndPort(String hostPort, int hostStart, List<String> hosts, List<String> ports) {
        String host;
        String port = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new PgConfigException("URI: missing \"]\" in IPv6 host address at position " + hostStart);
            }
            host = hostPort.substring(1, close);
            String rest = hostPort.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new PgConfigException("URI: unexpected \"" + rest + "\" after IPv6 host address at position "
                        + (hostStart + close + 1));
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? "" : hostPort.substring(colon + 1);
        }
        String decodedHost = decode(host, "host", hostStart);
        String decodedPort = decode(port, "port", hostStart);
        if (decodedHost.contains(",") || decodedPort.contains(",")) {
            throw new PgConfigException("URI: a host or port may not contain \",\" at position " + hostStart);
        }
        hosts.add(decodedHost);
        ports.add(decodedPort);
    }

    private static String decode(String s, String what, int position) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int k = 0;
        while (k < s.length()) {
            int pct = s.indexOf('%', k);
            int end = pct < 0 ? s.length() : pct;
            out.writeBytes(s.substring(k, end).getBytes(StandardCharsets.UTF_8));
            if (pct < 0) {
                break;
            }
            if (pct + 2 >= s.length()) {
                throw badPercent(what, position + pct);
            }
            int hi = Character.digit(s.charAt(pct + 1), 16);
            int lo = Character.digit(s.charAt(pct + 2), 16);
            if (hi < 0 || lo < 0) {
                throw badPercent(what, position + pct);
            }
            if (hi == 0 && lo == 0) {
                throw new PgConfigException("URI: forbidden value %00 in " + what + " at position " + (position + pct));
            }
            out.write(hi * 16 + lo);
            k = pct + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static PgConfigException badPercent(String what, int position) {
        return new PgConfigException("URI: invalid percent-encoded token in " + what + " at position " + position);
    }
}
