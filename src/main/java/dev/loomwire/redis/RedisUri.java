package dev.loomwire.redis;

import dev.loomwire.tls.LibpqTls;
import dev.loomwire.tls.SocketOptions;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsVerification;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code redis://} and {@code rediss://} URIs into a {@link RedisConfig}. Messages name
 * the offending part but never repeat the password.
 */
final class RedisUri {
    static final List<String> TLS_PARAMETERS = tlsParameters();
    static final List<String> OTHER_PARAMETERS = otherParameters();

    private static List<String> tlsParameters() {
        List<String> names = new java.util.ArrayList<>(List.of("sslverify", "sslkeystore", "sslkeystorepassword",
                "ssltruststore", "ssltruststorepassword"));
        names.addAll(LibpqTls.PARAMETERS);
        return List.copyOf(names);
    }

    private static List<String> otherParameters() {
        List<String> names = new java.util.ArrayList<>(List.of("protocol", "timeout", "connect_timeout", "client_name"));
        names.addAll(SocketOptions.PARAMETERS);
        return List.copyOf(names);
    }

    /** Accepted only by {@link RedisClusterClient}; mapped in {@link RedisClusterSettings}. */
    static final List<String> CLUSTER_PARAMETERS = List.of("cluster_tls_name", "readFrom", "cluster_refresh_period");

    /** Accepted only by {@code redis[s]-sentinel://} URIs; mapped in {@link RedisSentinelSettings} and {@link #parseSentinel}. */
    static final List<String> SENTINEL_PARAMETERS = List.of("readFrom", "node_tls_name", "sentinel_user", "sentinel_password");

    /** A cluster URI: the configuration for the first seed, every seed, and the cluster parameters as given. */
    record ClusterUri(RedisConfig config, List<HostAndPort> seeds, Map<String, String> clusterParameters) {}

    /**
     * A Sentinel URI: the data nodes' configuration (host and port of the first Sentinel, to be
     * replaced), the Sentinel links' configuration, every Sentinel, the master name and the
     * parameters {@link RedisSentinelSettings} maps.
     */
    record SentinelUri(RedisConfig config, RedisConfig sentinelConfig, List<HostAndPort> sentinels, String masterName,
                       Map<String, String> sentinelParameters) {}

    private enum Mode { SINGLE, CLUSTER, SENTINEL }

    /** True for {@code redis-sentinel://} and {@code rediss-sentinel://}. */
    static boolean isSentinel(String uri) {
        String u = uri == null ? "" : uri.toLowerCase(Locale.ROOT);
        return u.startsWith("redis-sentinel://") || u.startsWith("rediss-sentinel://");
    }

    /** Sentinel's default port. */
    static final int DEFAULT_SENTINEL_PORT = 26379;

    private RedisUri() {}

    static RedisConfig parse(String uri) {
        return parse(uri, Mode.SINGLE).config();
    }

    /** Parses {@code redis[s]://[user:pw@]host1[:port],host2[:port]/...?...} for {@link RedisClusterClient}. */
    static ClusterUri parseCluster(String uri) {
        Parsed p = parse(uri, Mode.CLUSTER);
        return new ClusterUri(p.config(), p.hosts(), p.extra());
    }

    /**
     * Parses {@code redis[s]-sentinel://[user:pw@]s1[:port],s2[:port][/db][?params]#masterName}
     * (Lettuce's shape; the Sentinel port defaults to 26379). {@code sentinel_<TLS parameter>}
     * overrides that TLS parameter for the Sentinel links, which otherwise use the data links'.
     */
    static SentinelUri parseSentinel(String uri) {
        int hash = uri.lastIndexOf('#');
        String name = hash < 0 ? "" : percentDecode(uri.substring(hash + 1), "master name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Sentinel URI has no master name: append #<name>, e.g. "
                    + "rediss-sentinel://s1:26379,s2:26379/0#mymaster");
        }
        Parsed p = parse(uri.substring(0, hash), Mode.SENTINEL);
        Map<String, String> extra = new LinkedHashMap<>(p.extra());
        String user = extra.remove("sentinel_user");
        String password = extra.remove("sentinel_password");
        RedisConfig.Builder sentinel = p.config().toBuilder().database(0).clientName(null).user(user)
                .password(password).tls(p.sentinelTls());
        return new SentinelUri(p.config(), sentinel.build(), p.hosts(), name, extra);
    }

    /** What {@link #parse(String, Mode)} found; {@code extra}: the cluster or Sentinel parameters as given. */
    private record Parsed(RedisConfig config, List<HostAndPort> hosts, Map<String, String> extra, TlsConfig sentinelTls) {}

    private static Parsed parse(String uri, Mode mode) {
        boolean cluster = mode != Mode.SINGLE;
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("Redis URI is empty: expected redis://host[:port][/db] or rediss://...");
        }
        int sep = uri.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("Redis URI has no scheme: expected redis://host[:port][/db] or rediss://...");
        }
        String scheme = uri.substring(0, sep).toLowerCase(Locale.ROOT);
        boolean tls = switch (mode == Mode.SENTINEL ? scheme.replace("-sentinel", "") : scheme) {
            case "redis" -> false;
            case "rediss" -> true;
            default -> throw new IllegalArgumentException("unknown scheme \"" + uri.substring(0, sep)
                    + "\" in Redis URI: expected redis:// (plaintext) or rediss:// (TLS)"
                    + (isSentinel(uri) ? "; a Sentinel URI names no single server: pass it to RedisClient.create(uri)" : ""));
        };
        String rest = uri.substring(sep + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        RedisConfig.Builder b = RedisConfig.builder();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            parseUserInfo(rest.substring(0, at), b);
            rest = rest.substring(at + 1);
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        List<HostAndPort> seeds = new java.util.ArrayList<>();
        if (hostPort.indexOf(',') >= 0 && !cluster) {
            throw new IllegalArgumentException("Redis URI lists several hosts (\"" + hostPort
                    + "\"): that is a cluster seed list, use RedisClusterClient.create(uri)");
        }
        for (String one : hostPort.split(",", -1)) {
            seeds.add(parseHostPort(one, mode == Mode.SENTINEL ? DEFAULT_SENTINEL_PORT : RedisConfig.DEFAULT_PORT));
        }
        b.host(seeds.get(0).host()).port(seeds.get(0).port());
        if (!path.isEmpty()) {
            b.database(parseDatabase(path));
        }
        Map<String, String> params = parseQuery(query);
        Map<String, String> clusterParams = new LinkedHashMap<>();
        Map<String, String> sentinelTls = new LinkedHashMap<>();
        for (String key : params.keySet()) {
            if (mode == Mode.SENTINEL && (SENTINEL_PARAMETERS.contains(key) || key.startsWith("sentinel_")
                    && TLS_PARAMETERS.contains(key.substring("sentinel_".length())))) {
                if (!tls && !SENTINEL_PARAMETERS.contains(key)) {
                    throw new IllegalArgumentException("parameter \"" + key + "\" needs a rediss-sentinel:// URI (TLS)");
                }
                if (SENTINEL_PARAMETERS.contains(key)) {
                    clusterParams.put(key, params.get(key));
                } else {
                    sentinelTls.put(key.substring("sentinel_".length()), params.get(key));
                }
                continue;
            }
            if (CLUSTER_PARAMETERS.contains(key) && mode != Mode.SENTINEL) {
                if (!cluster) {
                    throw new IllegalArgumentException("parameter \"" + key + "\" is for Redis Cluster: use RedisClusterClient.create(uri)");
                }
                clusterParams.put(key, params.get(key));
                continue;
            }
            if (!TLS_PARAMETERS.contains(key) && !OTHER_PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("unknown parameter \"" + key + "\" in Redis URI; known: "
                        + String.join(", ", OTHER_PARAMETERS) + ", " + String.join(", ", TLS_PARAMETERS)
                        + (mode == Mode.CLUSTER ? ", " + String.join(", ", CLUSTER_PARAMETERS) : "")
                        + (mode == Mode.SENTINEL ? ", " + String.join(", ", SENTINEL_PARAMETERS) + ", sentinel_<TLS parameter>" : ""));
            }
            if (!tls && TLS_PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("parameter \"" + key + "\" needs a rediss:// URI (TLS); this one is redis://");
            }
        }
        params.keySet().removeAll(clusterParams.keySet());
        params.keySet().removeIf(k -> k.startsWith("sentinel_"));
        applyCommon(params, b);
        TlsConfig sentinelLinks = null;
        if (tls) {
            b.tls(tlsConfig(params));
            if (mode == Mode.SENTINEL) {
                Map<String, String> merged = new LinkedHashMap<>(params);
                merged.keySet().retainAll(TLS_PARAMETERS);
                merged.putAll(sentinelTls);
                sentinelLinks = tlsConfig(merged);
            }
        }
        return new Parsed(b.build(), List.copyOf(seeds), clusterParams, sentinelLinks);
    }

    private static void parseUserInfo(String userInfo, RedisConfig.Builder b) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Redis URI user info must be [user]:password@ (the colon is missing)");
        }
        String user = percentDecode(userInfo.substring(0, colon), "user");
        String password = percentDecode(userInfo.substring(colon + 1), "password");
        b.user(user.isEmpty() ? null : user);
        b.password(password);
    }

    private static HostAndPort parseHostPort(String hostPort, int defaultPort) {
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad IPv6 host \"" + hostPort + "\" in Redis URI: missing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected \"" + after + "\" after IPv6 host in Redis URI");
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostPort.indexOf(':');
            if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("IPv6 host \"" + hostPort + "\" in Redis URI must be in brackets, e.g. [::1]");
            }
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("Redis URI has no host");
        }
        return new HostAndPort(host, port == null ? defaultPort : parsePort(port));
    }

    private static int parsePort(String port) {
        int p = -1;
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(Character::isDigit)) {
            p = Integer.parseInt(port);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("bad port \"" + port + "\" in Redis URI: expected a number from 1 to 65535");
        }
        return p;
    }

    private static int parseDatabase(String path) {
        if (!path.isEmpty() && path.length() <= 9 && path.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(path);
        }
        throw new IllegalArgumentException("bad database index \"" + path + "\" in Redis URI path: expected /<number>, e.g. /0");
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq), "parameter name");
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), "parameter " + key);
            params.put(key, value);
        }
        return params;
    }

    private static void applyCommon(Map<String, String> p, RedisConfig.Builder b) {
        String protocol = p.get("protocol");
        if (protocol != null) {
            switch (protocol) {
                case "2" -> b.protocol(2);
                case "3" -> b.protocol(3);
                default -> throw new IllegalArgumentException("bad protocol \"" + protocol + "\" in Redis URI: expected 2 or 3");
            }
        }
        if (p.containsKey("timeout")) {
            b.timeout(parseDuration("timeout", p.get("timeout")));
        }
        if (p.containsKey("connect_timeout")) {
            Duration d = parseDuration("connect_timeout", p.get("connect_timeout"));
            if (d.isZero()) {
                throw new IllegalArgumentException("connect_timeout must be positive");
            }
            b.connectTimeout(d);
        }
        if (p.containsKey("client_name")) {
            b.clientName(p.get("client_name"));
        }
        try {
            b.socketOptions(SocketOptions.fromLibpq(p));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in Redis URI", e);
        }
    }

    /** Seconds ({@code 5}, {@code 2.5}) or with a unit ({@code 500ms}, {@code 10s}, {@code 1m}). */
    static Duration parseDuration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        long factorMillis = 1000;
        if (v.endsWith("ms")) {
            factorMillis = 1;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factorMillis = 60_000;
            v = v.substring(0, v.length() - 1);
        }
        try {
            double n = Double.parseDouble(v);
            if (!v.isEmpty() && Character.isDigit(v.charAt(0)) && n >= 0 && n * factorMillis < 1e12) {
                return Duration.ofMillis(Math.round(n * factorMillis));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("bad " + name + " \"" + value
                + "\" in Redis URI: expected seconds (e.g. 5 or 2.5) or a unit (500ms, 10s, 1m)");
    }

    private static TlsConfig tlsConfig(Map<String, String> p) {
        TlsConfig.Builder t = TlsConfig.builder();
        String verify = p.getOrDefault("sslverify", "full");
        t.verification(switch (verify) {
            case "full" -> TlsVerification.FULL;
            case "ca" -> TlsVerification.CA;
            case "none" -> TlsVerification.NONE;
            default -> throw new IllegalArgumentException("bad sslverify \"" + verify
                    + "\" in Redis URI: expected full, ca or none");
        });
        if (p.containsKey("sslpassword") && !p.containsKey("sslkey")) {
            throw new IllegalArgumentException("sslpassword is only used with sslkey");
        }
        LibpqTls.apply(p, t);
        if (p.containsKey("sslkeystore")) {
            t.clientKeyStore(LibpqTls.path("sslkeystore", p.get("sslkeystore")), chars(p.get("sslkeystorepassword")));
        } else if (p.containsKey("sslkeystorepassword")) {
            throw new IllegalArgumentException("sslkeystorepassword is only used with sslkeystore");
        }
        if (p.containsKey("ssltruststore")) {
            t.trustStore(LibpqTls.path("ssltruststore", p.get("ssltruststore")), chars(p.get("ssltruststorepassword")));
        } else if (p.containsKey("ssltruststorepassword")) {
            throw new IllegalArgumentException("ssltruststorepassword is only used with ssltruststore");
        }
        return t.build();
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }

    /** RFC 3986 percent-decoding as UTF-8 ('+' stays '+'); {@code what} names the part in errors. */
    static String percentDecode(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-encoding in the " + what + " of the Redis URI");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    enc = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(enc, 0, enc.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
