package dev.loomwire.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis 7 cluster for the tests: three primaries and three replicas, TLS only ({@code port 0},
 * {@code tls-cluster yes}, {@code tls-replication yes}) on free loopback ports, each node started by
 * {@link LocalRedisServer} under a watchdog. The nodes start in parallel and are joined with direct
 * commands ({@code CLUSTER ADDSLOTSRANGE}, {@code MEET}, {@code REPLICATE}) in a few seconds.
 *
 * <p>Initial layout: {@code node(1..3)} are primaries for slots 0-5460, 5461-10922 and
 * 10923-16383; {@code node(4..6)} replicate {@code node(1..3)}. The nodes announce either host
 * names {@code nodeN.cluster.test} with a certificate per node ({@link Options#hostnames()}) or
 * 127.0.0.1 with a certificate for {@code DNS:localhost} only ({@link Options#ips()}). The host
 * names resolve to 127.0.0.1 only inside the test JVM: Surefire sets {@code -Djdk.net.hosts.file}
 * to {@link #hostsFile()}.
 *
 * <p>Faults: {@link Node#kill()}, {@link Node#restart()}, {@link #failover(Node)},
 * {@link #startMigration(int, Node)} / {@link #migrateSlot(int, Node)}, then
 * {@link #awaitHealthy()}; {@link #reset()} brings the initial layout back. Tests that break a
 * shared cluster call {@link #reset()} when done (e.g. in {@code @AfterEach}); tests that destroy
 * it start their own with {@link TestServers#startRedisCluster(Options)}.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    public static final int SLOTS = 16384;
    /** The domain of the announced host names: {@code node1.cluster.test} ... {@code node6.cluster.test}. */
    public static final String DOMAIN = "cluster.test";
    private static final int PRIMARIES = 3;
    private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(30);
    private static final SlotRange[] INITIAL_SLOTS = {
            new SlotRange(0, 5460), new SlotRange(5461, 10922), new SlotRange(10923, 16383)};

    /** What the nodes announce to clients as their endpoint. */
    public enum Announce {
        /** {@code cluster-announce-hostname nodeN.cluster.test} and {@code cluster-preferred-endpoint-type hostname}. */
        HOSTNAME,
        /** The default: the IP address, 127.0.0.1. */
        IP
    }

    /**
     * How to configure a cluster. {@code certificate} and {@code tlsName} may contain {@code {n}},
     * replaced by the node's number (1-6).
     *
     * @param certificate       base name of the certificate and key files in {@link TestCerts}, e.g. {@code cluster-node{n}}
     * @param tlsName           a name each node's certificate is valid for (what tests verify against)
     * @param nodeTimeoutMillis {@code cluster-node-timeout}: how long before a silent node counts as failed
     * @param extraConfig       further redis.conf lines for every node
     */
    public record Options(Announce announce, String certificate, String tlsName, int nodeTimeoutMillis, List<String> extraConfig) {
        public Options {
            extraConfig = List.copyOf(extraConfig);
        }

        /** Nodes announce {@code nodeN.cluster.test}, each with its own certificate {@code cluster-nodeN.crt} for that name only. */
        public static Options hostnames() {
            return new Options(Announce.HOSTNAME, "cluster-node{n}", "node{n}." + DOMAIN, 1500, List.of());
        }

        /** Nodes announce 127.0.0.1 and serve {@code server-dnsonly.crt} ({@code DNS:localhost}, no IP SAN). */
        public static Options ips() {
            return new Options(Announce.IP, "server-dnsonly", "localhost", 1500, List.of());
        }

        /** e.g. {@code withCertificate("cluster-wildcard", "node{n}.cluster.test")}: every node serves {@code *.cluster.test}. */
        public Options withCertificate(String certificate, String tlsName) {
            return new Options(announce, certificate, tlsName, nodeTimeoutMillis, extraConfig);
        }

        public Options withNodeTimeout(int millis) {
            return new Options(announce, certificate, tlsName, millis, extraConfig);
        }

        public Options withConfig(String... lines) {
            List<String> all = new ArrayList<>(extraConfig);
            all.addAll(List.of(lines));
            return new Options(announce, certificate, tlsName, nodeTimeoutMillis, all);
        }
    }

    /** Slots {@code from} to {@code to}, both included. */
    public record SlotRange(int from, int to) {
        public boolean contains(int slot) {
            return slot >= from && slot <= to;
        }

        @Override
        public String toString() {
            return from + "-" + to;
        }
    }

    /** One shard as a node's {@code CLUSTER SHARDS} shows it: its primary, its replicas, its slots. */
    public record Shard(Node primary, List<Node> replicas, List<SlotRange> slots) {}

    private final String name;
    private final Options options;
    private final List<Node> nodes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Integer> openMigrations = new LinkedHashSet<>();

    private RedisCluster(String name, Options options, List<Node> nodes) {
        this.name = name;
        this.options = options;
        this.nodes = nodes;
    }

    /** Starts six nodes in parallel under {@code dir}, joins them and waits until the cluster is healthy. */
    static RedisCluster start(String name, Options options, Path dir) {
        if (options.announce() == Announce.HOSTNAME) {
            requireHostNames();
        }
        List<Supplier<LocalRedisServer>> starts = IntStream.rangeClosed(1, 2 * PRIMARIES)
                .mapToObj(n -> (Supplier<LocalRedisServer>) () -> startNode(name, options, n, dir.resolve("node" + n)))
                .toList();
        List<LocalRedisServer> servers = inParallel(starts);
        List<Node> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(name, options, nodes);
        for (int n = 1; n <= servers.size(); n++) {
            nodes.add(cluster.new Node(n, servers.get(n - 1)));
        }
        try {
            cluster.join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static LocalRedisServer startNode(String clusterName, Options o, int n, Path dir) {
        List<String> config = new ArrayList<>(List.of(
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + o.nodeTimeoutMillis(),
                "cluster-replica-validity-factor 0",
                "cluster-allow-replica-migration no",
                // the cluster bus always asks for the peer's certificate: the replication settings present the client's
                "tls-cluster yes"));
        config.addAll(LocalRedisServer.tlsReplicationSettings());
        if (o.announce() == Announce.HOSTNAME) {
            config.add("cluster-announce-hostname node" + n + "." + DOMAIN);
            config.add("cluster-preferred-endpoint-type hostname");
        }
        config.addAll(o.extraConfig());
        String cert = o.certificate().replace("{n}", Integer.toString(n));
        RedisServer.Options options = RedisServer.Options.defaults()
                .withCertificate(cert + ".crt", cert + ".key")
                .withPlainPort(false)
                .withTlsAuthClients("no")
                .withConfig(config.toArray(String[]::new));
        return LocalRedisServer.start(clusterName + "-node" + n, options, dir, true,
                () -> List.of("cluster-port " + FreePorts.next()));
    }

    /** Runs the tasks on virtual threads at once; their results in order, or the first failure (servers started are stopped). */
    static <T> List<T> inParallel(List<Supplier<T>> tasks) {
        List<T> results = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
        List<Throwable> failures = new ArrayList<>();
        ReentrantLock failuresLock = new ReentrantLock();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    results.set(index, tasks.get(index).get());
                } catch (RuntimeException | Error e) {
                    failuresLock.lock();
                    try {
                        failures.add(e);
                    } finally {
                        failuresLock.unlock();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting cluster nodes", e);
            }
        }
        if (!failures.isEmpty()) {
            results.stream().filter(r -> r instanceof LocalRedisServer).forEach(r -> ((LocalRedisServer) r).stop());
            IllegalStateException e = new IllegalStateException(failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        return results;
    }

    /**
     * Fails, saying how to fix it, unless {@code node1.cluster.test} resolves to 127.0.0.1 (Surefire's
     * argLine sets {@code -Djdk.net.hosts.file=target/test-classes/cluster-test.hosts}).
     */
    static void requireHostNames() {
        String probe = "node1." + DOMAIN;
        try {
            if (InetAddress.getByName(probe).isLoopbackAddress()) {
                return;
            }
        } catch (UnknownHostException e) {
            // explained below
        }
        throw new IllegalStateException(probe + " does not resolve to 127.0.0.1 in this JVM: run the tests through Maven"
                + " (pom.xml's Surefire argLine sets -Djdk.net.hosts.file=target/test-classes/cluster-test.hosts)"
                + " or add that JVM option yourself");
    }

    /** The hosts file that makes the announced names resolve (the JDK reads it at every lookup). */
    public static Path hostsFile() {
        String file = System.getProperty("jdk.net.hosts.file");
        return file != null ? Path.of(file) : TestCerts.targetDir().resolve("test-classes/cluster-test.hosts");
    }

    private void join() {
        List<Node> primaries = nodes.subList(0, PRIMARIES);
        for (int i = 0; i < PRIMARIES; i++) {
            primaries.get(i).command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(INITIAL_SLOTS[i].from()),
                    Integer.toString(INITIAL_SLOTS[i].to()));
        }
        Node first = nodes.get(0);
        for (Node other : nodes.subList(1, nodes.size())) {
            first.command("CLUSTER", "MEET", Node.HOST, Integer.toString(other.tlsPort()), Integer.toString(other.clusterPort()));
        }
        long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
        for (int i = PRIMARIES; i < nodes.size(); i++) {
            Node replica = nodes.get(i);
            String primaryId = nodes.get(i - PRIMARIES).id();
            while (true) { // REPLICATE fails with "Unknown node" until gossip has introduced the primary
                Object reply = replica.reply("CLUSTER", "REPLICATE", primaryId);
                if (!(reply instanceof AdminConnection.ErrorReply error)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": " + replica + " cannot replicate " + primaryId + ": " + error.message()
                            + "; last lines of " + replica.logFile() + ":\n" + ServerProcess.tail(replica.logFile(), 0, 15));
                }
                ServerProcess.sleep(20);
            }
        }
        // a replica whose replication offset is still 0 stays "loading" (and out of CLUSTER SLOTS) until something replicates
        for (int i = 0; i < PRIMARIES; i++) {
            Node primary = primaries.get(i);
            String key = keyInRange(primary, INITIAL_SLOTS[i]);
            awaitCondition(primary + " to accept writes", () -> !(primary.reply("SET", key, "replicate") instanceof AdminConnection.ErrorReply));
            primary.command("DEL", key);
        }
        awaitHealthy();
    }

    private static String keyInRange(Node node, SlotRange range) {
        for (int i = 0; ; i++) {
            String key = "loomwire-harness-" + i;
            if (range.contains(((Long) node.command("CLUSTER", "KEYSLOT", key)).intValue())) {
                return key;
            }
        }
    }

    /** All six nodes, {@code node(1)} first. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Node {@code n}, 1-6: 1-3 start as primaries, 4-6 as their replicas. */
    public Node node(int n) {
        return nodes.get(n - 1);
    }

    public Options options() {
        return options;
    }

    /** Every node's announced {@code host:port}, comma-separated: the authority of a multi-seed URI. */
    public String seeds() {
        return nodes.stream().map(Node::address).collect(Collectors.joining(","));
    }

    /** Every node's TLS port with {@code host} instead of the announced endpoint, e.g. {@code seeds("localhost")}. */
    public String seeds(String host) {
        return nodes.stream().map(n -> host + ":" + n.tlsPort()).collect(Collectors.joining(","));
    }

    /**
     * {@code rediss://loomwire:loomwire-pw@<seeds()>/?sslrootcert=<ca.crt>}, then {@code &query} if not empty
     * (e.g. {@code "cluster_tls_name=seed"}).
     */
    public String uri(String query) {
        return "rediss://" + RedisServer.USER + ":" + RedisServer.PASSWORD + "@" + seeds() + "/?sslrootcert=" + caFile()
                + (query.isEmpty() ? "" : "&" + query);
    }

    /** The CA that signed every node's certificate. */
    public Path caFile() {
        return TestCerts.file("ca.crt");
    }

    /** The shards as a running node sees them now: primaries in slot order. */
    public List<Shard> shards() {
        return shards(anyRunningNode());
    }

    /** The node that serves {@code slot} now. */
    public Node ownerOf(int slot) {
        return shards().stream()
                .filter(s -> s.slots().stream().anyMatch(r -> r.contains(slot)))
                .map(Shard::primary)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + ": no node serves slot " + slot));
    }

    /** The slot of {@code key} ({@code CLUSTER KEYSLOT}). */
    public int slotOf(String key) {
        return ((Long) anyRunningNode().command("CLUSTER", "KEYSLOT", key)).intValue();
    }

    /** Runs {@code FLUSHALL} on every primary. */
    public void flushAll() {
        for (Shard s : shards()) {
            s.primary().command("FLUSHALL");
        }
    }

    /**
     * {@code CLUSTER FAILOVER} on {@code replica} (its primary running: a coordinated switch, no
     * writes lost), then waits until it is primary and the cluster is healthy.
     */
    public void failover(Node replica) {
        lock.lock();
        try {
            if (!"slave".equals(replica.role())) {
                throw new IllegalArgumentException(replica + " is not a replica");
            }
            replica.command("CLUSTER", "FAILOVER");
            awaitCondition("node" + replica.number() + " to become primary", () -> "master".equals(replica.role()));
            awaitHealthy();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts moving {@code slot} to {@code target}: {@code SETSLOT IMPORTING} on the target,
     * {@code SETSLOT MIGRATING} on the owner. Clients then see {@code ASK} for keys already moved
     * and {@code TRYAGAIN} for multi-key commands on keys split between the two.
     */
    public SlotMigration startMigration(int slot, Node target) {
        lock.lock();
        try {
            Node source = ownerOf(slot);
            if (source == target) {
                throw new IllegalArgumentException(target + " already serves slot " + slot);
            }
            String s = Integer.toString(slot);
            target.command("CLUSTER", "SETSLOT", s, "IMPORTING", source.id());
            source.command("CLUSTER", "SETSLOT", s, "MIGRATING", target.id());
            openMigrations.add(slot);
            return new SlotMigration(slot, source, target);
        } finally {
            lock.unlock();
        }
    }

    /** A whole slot migration: {@link #startMigration}, {@link SlotMigration#migrateKeys()}, {@link SlotMigration#finish()}. */
    public void migrateSlot(int slot, Node target) {
        SlotMigration m = startMigration(slot, target);
        m.migrateKeys();
        m.finish();
    }

    /** A slot on its way from {@code source} to {@code target}. */
    public final class SlotMigration {
        private final int slot;
        private final Node source;
        private final Node target;

        private SlotMigration(int slot, Node source, Node target) {
            this.slot = slot;
            this.source = source;
            this.target = target;
        }

        public int slot() {
            return slot;
        }

        public Node source() {
            return source;
        }

        public Node target() {
            return target;
        }

        /** Moves up to {@code count} of the slot's keys with {@code MIGRATE ... KEYS}; returns how many moved. */
        public int migrateKeys(int count) {
            Object keys = source.command("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), Integer.toString(count));
            List<?> list = (List<?>) keys;
            if (list.isEmpty()) {
                return 0;
            }
            List<String> args = new ArrayList<>(List.of("MIGRATE", Node.HOST, Integer.toString(target.tlsPort()), "", "0", "10000",
                    "REPLACE", "KEYS"));
            list.forEach(k -> args.add((String) k));
            source.command(args.toArray(String[]::new));
            return list.size();
        }

        /** Moves every key of the slot. */
        public void migrateKeys() {
            while (migrateKeys(1000) > 0) {
                // next batch
            }
        }

        /** {@code SETSLOT NODE} on the target, the source, then every other primary: the target owns the slot. */
        public void finish() {
            lock.lock();
            try {
                String s = Integer.toString(slot);
                target.command("CLUSTER", "SETSLOT", s, "NODE", target.id());
                source.command("CLUSTER", "SETSLOT", s, "NODE", target.id());
                for (Shard shard : shards(target)) {
                    if (shard.primary() != target && shard.primary() != source) {
                        shard.primary().command("CLUSTER", "SETSLOT", s, "NODE", target.id());
                    }
                }
                openMigrations.remove(slot);
            } finally {
                lock.unlock();
            }
        }
    }

    /** {@link #awaitHealthy(Duration)} with 30 s. */
    public void awaitHealthy() {
        awaitHealthy(HEALTHY_TIMEOUT);
    }

    /**
     * Waits until every running node says {@code cluster_state:ok} with all slots served, sees
     * every running node online (replicas synchronised) and every slot served by a running primary.
     * Nodes killed and not restarted are left out; their shards need a promoted replica.
     */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String problem = healthProblem();
            if (problem == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not healthy after " + timeout.toSeconds() + " s: " + problem);
            }
            ServerProcess.sleep(50);
        }
    }

    /** What is wrong with the cluster now, or null if nothing. */
    private String healthProblem() {
        List<Node> running = nodes.stream().filter(Node::isRunning).toList();
        Set<String> runningIds = running.stream().map(Node::id).collect(Collectors.toSet());
        for (Node node : running) {
            try {
                Map<String, String> info = info(node.command("CLUSTER", "INFO"));
                if (!"ok".equals(info.get("cluster_state")) || !Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))) {
                    return node + " says cluster_state:" + info.get("cluster_state") + ", cluster_slots_ok:" + info.get("cluster_slots_ok");
                }
                Map<String, String> health = new HashMap<>();
                List<ShardView> view = shardViews(node);
                for (ShardView shard : view) {
                    for (NodeView n : shard.nodes()) {
                        health.put(n.id(), n.health());
                    }
                    if (!shard.slots().isEmpty() && shard.primaryId().map(id -> !runningIds.contains(id)).orElse(true)) {
                        return node + " sees slots " + shard.slots() + " without a running primary";
                    }
                }
                for (Node other : running) {
                    if (!"online".equals(health.get(other.id()))) {
                        return node + " sees " + other + " as " + health.getOrDefault(other.id(), "unknown");
                    }
                }
            } catch (RuntimeException e) {
                return node + " cannot be asked: " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Brings the initial layout back: restarts killed nodes, makes {@code node(1..3)} primaries
     * again, cancels unfinished migrations and moves slots home. Data stays.
     */
    public void reset() {
        lock.lock();
        try {
            nodes.stream().filter(n -> !n.isRunning()).forEach(Node::restart);
            awaitHealthy();
            for (int slot : openMigrations) {
                for (Node n : nodes) {
                    if ("master".equals(n.role())) {
                        n.command("CLUSTER", "SETSLOT", Integer.toString(slot), "STABLE");
                    }
                }
            }
            openMigrations.clear();
            for (Node primary : nodes.subList(0, PRIMARIES)) {
                if (!"master".equals(primary.role())) {
                    failover(primary);
                }
            }
            for (Shard shard : shards()) {
                for (SlotRange range : shard.slots()) {
                    for (int slot = range.from(); slot <= range.to(); slot++) {
                        Node home = initialOwner(slot);
                        if (home != shard.primary()) {
                            migrateSlot(slot, home);
                        }
                    }
                }
            }
            awaitHealthy();
        } finally {
            lock.unlock();
        }
    }

    private Node initialOwner(int slot) {
        for (int i = 0; i < PRIMARIES; i++) {
            if (INITIAL_SLOTS[i].contains(slot)) {
                return nodes.get(i);
            }
        }
        throw new IllegalArgumentException("slot " + slot);
    }

    private Node anyRunningNode() {
        return nodes.stream().filter(Node::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + ": no node is running"));
    }

    private record NodeView(String id, String role, String health) {}

    private record ShardView(List<SlotRange> slots, List<NodeView> nodes) {
        java.util.Optional<String> primaryId() {
            return nodes.stream().filter(n -> "master".equals(n.role())).map(NodeView::id).findFirst();
        }
    }

    private List<ShardView> shardViews(Node asked) {
        List<ShardView> shards = new ArrayList<>();
        for (Object s : (List<?>) asked.command("CLUSTER", "SHARDS")) {
            Map<String, Object> shard = pairs((List<?>) s);
            List<?> bounds = (List<?>) shard.get("slots");
            List<SlotRange> slots = new ArrayList<>();
            for (int i = 0; i + 1 < bounds.size(); i += 2) {
                slots.add(new SlotRange(((Long) bounds.get(i)).intValue(), ((Long) bounds.get(i + 1)).intValue()));
            }
            List<NodeView> members = new ArrayList<>();
            for (Object n : (List<?>) shard.get("nodes")) {
                Map<String, Object> fields = pairs((List<?>) n);
                members.add(new NodeView((String) fields.get("id"), (String) fields.get("role"), (String) fields.get("health")));
            }
            shards.add(new ShardView(slots, members));
        }
        return shards;
    }

    private List<Shard> shards(Node asked) {
        Map<String, Node> byId = nodes.stream().collect(Collectors.toMap(Node::id, n -> n));
        List<Shard> shards = new ArrayList<>();
        for (ShardView view : shardViews(asked)) {
            if (view.slots().isEmpty() || view.primaryId().isEmpty()) {
                continue;
            }
            Node primary = byId.get(view.primaryId().get());
            List<Node> replicas = view.nodes().stream()
                    .filter(n -> !"master".equals(n.role()))
                    .map(n -> byId.get(n.id()))
                    .toList();
            shards.add(new Shard(primary, replicas, List.copyOf(view.slots())));
        }
        shards.sort(java.util.Comparator.comparingInt(s -> s.slots().get(0).from()));
        return shards;
    }

    private static Map<String, Object> pairs(List<?> flat) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((String) flat.get(i), flat.get(i + 1));
        }
        return map;
    }

    private static Map<String, String> info(Object reply) {
        Map<String, String> map = new HashMap<>();
        for (String line : ((String) reply).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                map.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return map;
    }

    private void awaitCondition(String what, Supplier<Boolean> condition) {
        awaitCondition(name, what, condition);
    }

    /** Polls {@code condition} (exceptions count as "not yet") until true; fails naming {@code owner} and {@code what} after 30 s. */
    static void awaitCondition(String name, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
        while (true) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (RuntimeException retry) {
                // the node may be busy switching roles
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": timed out after " + HEALTHY_TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            ServerProcess.sleep(50);
        }
    }

    /** Stops every node (for clusters from {@link TestServers#startRedisCluster}; the shared ones stop at JVM exit). */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        List<Thread> stops = nodes.stream().map(n -> Thread.ofVirtual().start(n::stop)).toList();
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("{} stopped in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public String toString() {
        return name + " (Redis Cluster, " + options.announce() + " endpoints: " + seeds() + ")";
    }

    /** One node of the cluster: its ports, names, an admin connection, and faults. */
    public final class Node {
        static final String HOST = LocalRedisServer.HOST;

        private final int number;
        private final AdminNode server;
        private final int clusterPort;
        private final String id;

        private Node(int number, LocalRedisServer server) {
            this.number = number;
            this.server = new AdminNode(name + "-node" + number, server);
            this.clusterPort = ((Long) Long.valueOf((String) ((List<?>) command("CONFIG", "GET", "cluster-port")).get(1))).intValue();
            this.id = (String) command("CLUSTER", "MYID");
        }

        /** 1-6. */
        public int number() {
            return number;
        }

        /** The cluster node id (stays across restarts: nodes.conf is kept). */
        public String id() {
            return id;
        }

        /** Always 127.0.0.1: where the node listens. */
        public String host() {
            return HOST;
        }

        public int tlsPort() {
            return server.server().tlsPort();
        }

        /** The cluster bus port ({@code cluster-port}), TLS too. */
        public int clusterPort() {
            return clusterPort;
        }

        /** The endpoint the node announces: {@code nodeN.cluster.test} or {@code 127.0.0.1}. */
        public String announcedHost() {
            return options.announce() == Announce.HOSTNAME ? "node" + number + "." + DOMAIN : HOST;
        }

        /** {@code announcedHost():tlsPort()}. */
        public String address() {
            return announcedHost() + ":" + tlsPort();
        }

        /** A name the node's certificate is valid for. */
        public String tlsName() {
            return options.tlsName().replace("{n}", Integer.toString(number));
        }

        public boolean isRunning() {
            return server.server().isRunning();
        }

        /** "master" or "slave", from {@code ROLE}. */
        public String role() {
            return (String) ((List<?>) command("ROLE")).get(0);
        }

        /**
         * Sends a command on the harness's own connection (as the default user) and returns the
         * RESP2 reply: String, Long, List, or null.
         *
         * @throws IllegalStateException on an error reply, naming the node
         */
        public Object command(String... args) {
            Object reply = reply(args);
            if (reply instanceof AdminConnection.ErrorReply error) {
                throw new IllegalStateException(this + " answered " + args[0] + (args.length > 1 ? " " + args[1] : "")
                        + " with " + error.message());
            }
            return reply;
        }

        Object reply(String... args) {
            return server.reply(args);
        }

        /** SIGKILL: the node crashes, its clients see their connections reset. */
        public void kill() {
            server.kill();
        }

        /**
         * Starts the node again on the same ports, configuration and nodes.conf (after {@link #kill()});
         * a former primary whose replica took over rejoins as a replica. Call {@link RedisCluster#awaitHealthy()} next.
         */
        public void restart() {
            server.restart();
        }

        /** Serves another certificate from now on ({@code CONFIG SET tls-cert-file/tls-key-file}), e.g. {@code server-other-ca}. */
        public void useCertificate(String certificate) {
            command("CONFIG", "SET", "tls-cert-file", TestCerts.file(certificate + ".crt").toString(),
                    "tls-key-file", TestCerts.file(certificate + ".key").toString());
            server.reconnect(); // the harness's next connection checks the new certificate
        }

        public Path logFile() {
            return server.server().logFile();
        }

        public String log() {
            return server.server().log();
        }

        void stop() {
            server.stop();
        }

        @Override
        public String toString() {
            return name + "-node" + number + " (" + address() + ")";
        }
    }
}
