package dev.loomwire.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The targets of issues 6, 10, 11 and 12, as ratios checked against the run's results. */
final class Targets {
    private Targets() {}

    static List<Target> all(Set<String> groups) {
        List<Target> t = new ArrayList<>();
        String c = RedisBenchmarkTool.NAME;
        if (groups.contains("redis")) {
            for (String mode : List.of("plain", "TLS")) {
                t.add(Target.vs("Redis GET latency ≤ 0.7× Jedis (" + mode + ")", RedisSuite.GET, mode, RedisSuite.JEDIS, 0.7, false));
            }
            for (String mode : List.of("plain", "TLS")) {
                t.add(Target.vs("Redis pipeline throughput ≥ 1.25× Jedis (" + mode + ")", RedisSuite.PIPELINE, mode, RedisSuite.JEDIS, 1.25, true));
                t.add(Target.vs("Redis pipeline throughput ≥ 1.0× redis-benchmark -P 1000 (" + mode + ")", RedisSuite.PIPELINE, mode, c, 1.0, true));
            }
            String mux = RedisSuite.LOOMWIRE + ", multiplexed";
            for (String mode : List.of("plain", "TLS")) {
                Target lettuce = Target.vs("1,000-thread throughput ≥ 1.5× Lettuce (" + mode + ", pooled RedisClient)",
                        RedisSuite.THREADS_1000, mode, RedisSuite.LETTUCE, 1.5, true);
                Target tool = Target.vs("1,000-thread throughput ≥ redis-benchmark -c 50 (" + mode + ", pooled RedisClient)",
                        RedisSuite.THREADS_1000, mode, c, 1.0, true);
                t.add(lettuce);
                t.add(lettuce.as(mux, "1,000-thread throughput ≥ 1.5× Lettuce (" + mode + ", multiplexed RedisClient)"));
                t.add(tool);
                t.add(tool.as(mux, "1,000-thread throughput ≥ redis-benchmark -c 50 (" + mode + ", multiplexed RedisClient)"));
            }
            t.add(Target.vs("Redis TLS connect ≤ 0.5× Jedis", RedisSuite.CONNECT, "TLS", RedisSuite.JEDIS, 0.5, false));
            t.add(Target.vs("Redis TLS connect ≤ 0.5× Jedis with its own SslOptions", RedisSuite.CONNECT, "TLS", RedisSuite.JEDIS + " (SslOptions)", 0.5, false));
            t.add(Target.tlsOverPlain("Redis TLS/plain per-op latency (GET) ≤ 1.15×", RedisSuite.GET, 1.15));
            t.add(Target.bytes("Redis GET bytes allocated ≤ 0.5× Jedis (plain)", RedisSuite.GET, "plain", RedisSuite.JEDIS, 0.5));
        }
        if (groups.contains("cluster")) {
            String lettuce = ClusterSuite.LETTUCE_CLUSTER;
            t.add(Target.vs("Cluster 1,000-thread throughput ≥ 1.5× Lettuce (TLS)", ClusterSuite.THREADS_1000, "TLS", lettuce, 1.5, true));
            t.add(Target.cpu("Cluster client CPU per operation ≤ 0.7× Lettuce (TLS)", ClusterSuite.THREADS_1000, "TLS", lettuce, 0.7));
            t.add(Target.bytes("Cluster bytes allocated per operation ≤ 0.7× Lettuce (TLS)", ClusterSuite.THREADS_1000, "TLS", lettuce, 0.7));
        }
        if (groups.contains("tls")) {
            for (Scenario s : List.of(TlsSuite.ROUND_TRIP_PING, TlsSuite.ROUND_TRIP_GET)) {
                String what = s == TlsSuite.ROUND_TRIP_PING ? "PING" : "GET 100 B";
                for (String row : List.of(TlsSuite.SSL_SOCKET, TlsSuite.SSL_ENGINE)) {
                    String path = row.equals(TlsSuite.SSL_SOCKET) ? "SSLSocket" : "SSLEngine prototype";
                    t.add(Target.extraBytes("TLS layer bytes per round trip (" + what + ", " + path + ") ≤ 1 KB over a plain socket",
                            s, "TLS", row, TlsSuite.PLAIN_SOCKET, 1024));
                }
                String cpu = "TLS layer CPU per round trip (" + what + "): SSLEngine prototype ≤ SSLSocket";
                t.add(Target.cpu(cpu, s, "TLS", TlsSuite.SSL_SOCKET, 1.0).as(TlsSuite.SSL_ENGINE, cpu));
            }
        }
        if (groups.contains("pg")) {
            t.addAll(PgSuites.targets());
        }
        if (groups.contains("jdbc")) {
            t.addAll(JdbcSuite.targets());
        }
        return t;
    }
}
