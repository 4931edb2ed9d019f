package dev.loomwire.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis 7 Sentinel setup for the tests: one primary, two replicas and three Sentinels, all TLS
 * only ({@code port 0}, {@code tls-port}, {@code tls-replication yes}) on free loopback ports, each
 * under a watchdog, with a short {@code down-after-milliseconds} ({@value #DOWN_AFTER_MILLIS} ms)
 * and {@code repl-diskless-sync-delay 0}. The master is called {@value #MASTER}.
 *
 * <p>The Sentinels serve {@code server.crt} (local SANs) and announce the data nodes by IP
 * ({@code 127.0.0.1}), as Sentinel does by default; the data nodes serve {@code server-dnsonly.crt}
 * ({@code DNS:localhost} only), so verifying a data node under its announced IP fails (redis#7928)
 * while {@code node_tls_name=localhost} passes. {@link #uri(String)} includes that setting.
 *
 * <p>Faults: {@link #failover()} ({@code SENTINEL FAILOVER}), {@link Node#kill()} (SIGKILL),
 * {@link Node#restart()}; {@link #awaitHealthy()} waits until the Sentinels agree on a confirmed
 * primary that every other running data node replicates. Tests never depend on which node is
 * primary: they ask {@link #primary()}.
 */
public final class RedisSentinelSet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisSentinelSet.class);
    public static final String MASTER = "mymaster";
    /** Short, but not so short that a loaded 2-core machine makes the Sentinels fail over a primary that is only slow. */
    public static final int DOWN_AFTER_MILLIS = 1500;

    private final String name;
    private final List<Node> dataNodes;
    private final List<Node> sentinels;
    private final ReentrantLock lock = new ReentrantLock();

    private RedisSentinelSet(String name, List<Node> dataNodes, List<Node> sentinels) {
        this.name = name;
        this.dataNodes = dataNodes;
        this.sentinels = sentinels;
    }

    /** Starts the primary, then the replicas and Sentinels in parallel, and waits until it is healthy. */
    static RedisSentinelSet start(String name, Path dir) {
        LocalRedisServer primary = startData(name + "-data1", dir.resolve("data1"), null);
        List<Supplier<LocalRedisServer>> rest = new ArrayList<>();
        for (int i = 2; i <= 3; i++) {
            int n = i;
            rest.add(() -> startData(name + "-data" + n, dir.resolve("data" + n), primary.tlsPort()));
        }
        for (int i = 1; i <= 3; i++) {
            int n = i;
            rest.add(() -> startSentinel(name + "-sentinel" + n, dir.resolve("sentinel" + n), primary.tlsPort()));
        }
        List<LocalRedisServer> servers = new ArrayList<>(List.of(primary));
        try {
            servers.addAll(RedisCluster.inParallel(rest));
        } catch (RuntimeException e) {
            primary.stop();
            throw new IllegalStateException(name + " could not start: " + e.getMessage(), e);
        }
        List<Node> data = new ArrayList<>();
        List<Node> watchers = new ArrayList<>();
        RedisSentinelSet set = new RedisSentinelSet(name, data, watchers);
        for (int i = 0; i < 3; i++) {
            data.add(set.new Node("data" + (i + 1), servers.get(i)));
            watchers.add(set.new Node("sentinel" + (i + 1), servers.get(3 + i)));
        }
        try {
            set.awaitHealthy();
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private static LocalRedisServer startData(String name, Path dir, Integer primaryPort) {
        List<String> config = new ArrayList<>(LocalRedisServer.tlsReplicationSettings());
        if (primaryPort != null) {
            config.add("replicaof " + LocalRedisServer.HOST + " " + primaryPort);
        }
        RedisServer.Options options = RedisServer.Options.defaults()
                .withCertificate("server-dnsonly.crt", "server-dnsonly.key")
                .withPlainPort(false)
                .withTlsAuthClients("no")
                .withConfig(config.toArray(String[]::new));
        return LocalRedisServer.start(name, options, dir, true);
    }

    private static LocalRedisServer startSentinel(String name, Path dir, int primaryPort) {
        RedisServer.Options options = RedisServer.Options.defaults()
                .withPlainPort(false)
                .withTlsAuthClients("no")
                .withConfig(
                        "tls-replication yes",
                        "tls-client-cert-file " + TestCerts.file("client.crt"),
                        "tls-client-key-file " + TestCerts.file("client.key"),
                        "sentinel monitor " + MASTER + " " + LocalRedisServer.HOST + " " + primaryPort + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MILLIS,
                        "sentinel failover-timeout " + MASTER + " 5000",
                        "sentinel parallel-syncs " + MASTER + " 2");
        return LocalRedisServer.startSentinel(name, options, dir);
    }

    /** The three data nodes; which one is primary changes with failovers ({@link #primary()}). */
    public List<Node> dataNodes() {
        return List.copyOf(dataNodes);
    }

    public List<Node> sentinels() {
        return List.copyOf(sentinels);
    }

    /** {@code localhost:p1,localhost:p2,localhost:p3}: the Sentinels under the name their certificate holds. */
    public String sentinelHosts() {
        return sentinels.stream().map(s -> "localhost:" + s.tlsPort()).collect(Collectors.joining(","));
    }

    /**
     * {@code rediss-sentinel://loomwire:loomwire-pw@<sentinelHosts()>/0?sslrootcert=<ca.crt>&node_tls_name=localhost}
     * then {@code &query} if not empty, then {@code #mymaster}.
     */
    public String uri(String query) {
        return uriWithout("node_tls_name=localhost" + (query.isEmpty() ? "" : "&" + query));
    }

    /** Like {@link #uri(String)} but without {@code node_tls_name}: data nodes are checked under their announced IP. */
    public String uriWithout(String query) {
        return "rediss-sentinel://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@" + sentinelHosts() + "/0?sslrootcert="
                + TestCerts.file("ca.crt") + (query.isEmpty() ? "" : "&" + query) + "#" + MASTER;
    }

    /** The data node every Sentinel names as primary now and that says so itself ({@link #awaitHealthy()} first). */
    public Node primary() {
        Optional<Node> p = agreedPrimary();
        return p.orElseThrow(() -> new IllegalStateException(name + ": the Sentinels do not agree on a primary: " + views()));
    }

    /** The running data nodes that are not the primary. */
    public List<Node> replicas() {
        Node p = primary();
        return dataNodes.stream().filter(n -> n != p && n.isRunning()).toList();
    }

    /**
     * {@code SENTINEL FAILOVER} on one Sentinel, then waits until every Sentinel names the new
     * primary and the set is healthy; returns the new primary.
     */
    public Node failover() {
        lock.lock();
        try {
            Node old = primary();
            sentinels.get(0).command("SENTINEL", "FAILOVER", MASTER);
            RedisCluster.awaitCondition(name, "a new primary after SENTINEL FAILOVER", () -> agreedPrimary().filter(p -> p != old).isPresent());
            awaitHealthy();
            return primary();
        } finally {
            lock.unlock();
        }
    }

    /** Restarts killed data nodes and waits until healthy: for tests that broke the shared set. */
    public void reset() {
        lock.lock();
        try {
            dataNodes.stream().filter(n -> !n.isRunning()).forEach(Node::restart);
            awaitHealthy();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every Sentinel names the same primary, which answers ROLE master, every other
     * running data node replicates it with its link up, and the Sentinels know each other and
     * every running replica.
     */
    public void awaitHealthy() {
        String[] problem = {null};
        try {
            RedisCluster.awaitCondition(name, "a healthy Sentinel set", () -> (problem[0] = healthProblem()) == null);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ": " + problem[0], e);
        }
    }

    private String healthProblem() {
        try {
            Optional<Node> p = agreedPrimary();
            if (p.isEmpty()) {
                return "Sentinels name " + views();
            }
            Node primary = p.get();
            long running = dataNodes.stream().filter(Node::isRunning).count();
            for (Node d : dataNodes) {
                if (d == primary || !d.isRunning()) {
                    continue;
                }
                List<?> role = (List<?>) d.command("ROLE");
                if (!"slave".equals(role.get(0)) || !Long.valueOf(primary.tlsPort()).equals(role.get(2))
                        || !"connected".equals(role.get(3))) {
                    return d + " has ROLE " + role;
                }
            }
            for (Node s : sentinels) {
                Map<String, String> m = fields((List<?>) s.command("SENTINEL", "MASTER", MASTER));
                if (!m.get("flags").equals("master") || Long.parseLong(m.get("num-slaves")) < running - 1
                        || Long.parseLong(m.get("num-other-sentinels")) < sentinels.size() - 1) {
                    return s + " sees " + m.get("flags") + " with " + m.get("num-slaves") + " replicas and "
                            + m.get("num-other-sentinels") + " other Sentinels";
                }
                long upReplicas = ((List<?>) s.command("SENTINEL", "REPLICAS", MASTER)).stream()
                        .map(r -> fields((List<?>) r))
                        .filter(r -> r.get("flags").equals("slave") && "ok".equals(r.get("master-link-status")))
                        .count();
                if (upReplicas < running - 1) {
                    return s + " sees " + upReplicas + " healthy replicas of " + (running - 1);
                }
            }
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private Optional<Node> agreedPrimary() {
        Node agreed = null;
        for (Node s : sentinels) {
            List<?> addr = (List<?>) s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
            int port = Integer.parseInt((String) addr.get(1));
            Node d = dataNodes.stream().filter(n -> n.tlsPort() == port).findFirst().orElse(null);
            if (d == null || agreed != null && agreed != d) {
                return Optional.empty();
            }
            agreed = d;
        }
        try {
            return agreed != null && agreed.isRunning() && "master".equals(((List<?>) agreed.command("ROLE")).get(0))
                    ? Optional.of(agreed) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private String views() {
        List<String> out = new ArrayList<>();
        for (Node s : sentinels) {
            try {
                out.add(s.name + ": " + s.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER));
            } catch (RuntimeException e) {
                out.add(s.name + ": " + e.getMessage());
            }
        }
        return out.toString();
    }

    private static Map<String, String> fields(List<?> flat) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put((String) flat.get(i), String.valueOf(flat.get(i + 1)));
        }
        return m;
    }

    @Override
    public void close() {
        List<Supplier<Void>> stops = new ArrayList<>();
        for (Node n : sentinels) {
            stops.add(() -> { n.stop(); return null; });
        }
        for (Node n : dataNodes) {
            stops.add(() -> { n.stop(); return null; });
        }
        RedisCluster.inParallel(stops);
        log.info("{} stopped", name);
    }

    @Override
    public String toString() {
        return name + " (Redis Sentinel, master " + MASTER + ", Sentinels " + sentinelHosts() + ")";
    }

    /** One server of the set, a data node or a Sentinel: its port, an admin connection and faults. */
    public final class Node {
        private final String name;
        private final AdminNode server;

        private Node(String name, LocalRedisServer server) {
            this.name = name;
            this.server = new AdminNode(RedisSentinelSet.this.name + "-" + name, server);
        }

        public String host() {
            return LocalRedisServer.HOST;
        }

        public int tlsPort() {
            return server.server().tlsPort();
        }

        /** {@code 127.0.0.1:port}: what the Sentinels announce for a data node. */
        public String address() {
            return host() + ":" + tlsPort();
        }

        public boolean isRunning() {
            return server.server().isRunning();
        }

        /**
         * A command on the harness's own connection (default user, certificate not checked); the
         * RESP2 reply as String, Long, List or null.
         *
         * @throws IllegalStateException on an error reply
         */
        public Object command(String... args) {
            Object reply = server.reply(args);
            if (reply instanceof AdminConnection.ErrorReply error) {
                throw new IllegalStateException(this + " answered " + args[0] + " with " + error.message());
            }
            return reply;
        }

        /** SIGKILL: a crash; clients see their connections reset. */
        public void kill() {
            server.kill();
        }

        /** Starts the node again on the same ports and configuration (a killed primary comes back as a primary until Sentinel demotes it). */
        public void restart() {
            server.restart();
        }

        public Path logFile() {
            return server.server().logFile();
        }

        void stop() {
            server.stop();
        }

        @Override
        public String toString() {
            return RedisSentinelSet.this.name + "-" + name + " (" + address() + ")";
        }
    }
}
