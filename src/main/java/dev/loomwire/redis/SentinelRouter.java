package dev.loomwire.redis;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolException;
import dev.loomwire.redis.RedisClusterSettings.ReadFrom;
import dev.loomwire.redis.RedisClusterSettings.TlsName;
import dev.loomwire.redis.RedisSentinelException.Kind;
import dev.loomwire.tls.TlsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The Sentinel side of a {@link RedisClient} created from a {@code rediss-sentinel://} URI: finds
 * the primary through the Sentinels ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}, asked in turn),
 * confirms it with {@code ROLE}, keeps one {@link RedisClient} for it (and, for
 * {@code readFrom=replica|replicaPreferred}, one per replica from {@code SENTINEL REPLICAS}), and
 * follows failovers: a watcher per Sentinel subscribes to {@code +switch-master}; a switch, a
 * {@code READONLY} error or a lost connection re-resolves, and the old clients are drained (closed
 * after a grace period for replies in flight).
 *
 * <p>Commands whose connection fails are retried on the (new) primary until their timeout when
 * that is safe: read-only commands, and commands that never reached the server; others fail with
 * {@link Kind#FAILOVER_IN_FLIGHT}. A {@code READONLY} error means the command did not run, so it
 * is always retried.
 */
final class SentinelRouter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SentinelRouter.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final Duration WATCH_POLL = Duration.ofMillis(500);
    private static final Duration WATCH_RECONNECT = Duration.ofSeconds(1);
    /** With readFrom=replica[Preferred]: how often the replica list is read again besides on Sentinel events. */
    private static final long REPLICA_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The Sentinel events a watcher acts on. */
    private static final String SWITCH = "+switch-master";
    private static final String[] REPLICA_EVENTS = {"+slave", "+sdown", "-sdown", "+convert-to-slave"};

    private final RedisConfig dataConfig;
    private final RedisConfig sentinelConfig;
    private final List<HostAndPort> sentinels;
    private final String masterName;
    private final RedisSentinelSettings settings;
    private final boolean multiplexed;
    /** How each data node is named for TLS and dialed: the cluster's rules with node_tls_name and the address mapper. */
    private final RedisClusterUri nodes;
    private final ReentrantLock resolveLock = new ReentrantLock();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final List<Thread> watchers = new ArrayList<>();
    private volatile Topology current;
    /** Set while a +switch-master is being followed: callers wait for it rather than write to the demoted primary. */
    private volatile boolean switching;
    private volatile long lastReplicaRefresh = System.nanoTime();
    private volatile boolean closed;

    /** The primary and the replicas as last resolved; {@code generation} grows with every change. */
    private record Topology(HostAndPort primaryAddress, RedisClient primary, List<Node> replicas, long generation) {}

    /** A replica: its announced address and its client. */
    private record Node(HostAndPort address, RedisClient client) {}

    private SentinelRouter(RedisUri.SentinelUri uri, RedisSentinelSettings settings, boolean multiplexed) {
        this.dataConfig = uri.config();
        this.sentinelConfig = uri.sentinelConfig();
        this.sentinels = List.copyOf(new java.util.LinkedHashSet<>(uri.sentinels()));
        this.masterName = uri.masterName();
        this.settings = settings.withParameters(uri.sentinelParameters());
        this.multiplexed = multiplexed;
        this.nodes = new RedisClusterUri(dataConfig, sentinels, RedisClusterSettings.builder()
                .tlsName(this.settings.nodeTlsName()).addressMapper(this.settings.addressMapper()).build());
    }

    /** Resolves the primary (failing with a {@link RedisSentinelException} if none is found), then starts the watchers. */
    static SentinelRouter start(String uri, RedisSentinelSettings settings, boolean multiplexed) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        SentinelRouter router = new SentinelRouter(RedisUri.parseSentinel(uri), settings, multiplexed);
        try {
            router.resolve(null, null);
        } catch (RuntimeException e) {
            router.close();
            throw e;
        }
        for (HostAndPort s : router.sentinels) {
            router.watchers.add(Thread.ofVirtual().name("loomwire-sentinel-watch-" + s).start(() -> router.watch(s)));
        }
        return router;
    }

    // ---------------------------------------------------------------- commands

    <T> T execute(RedisCommand<T> command) {
        long deadline = deadline();
        boolean read = command.has(RedisCommand.Flag.READ_ONLY);
        boolean replicaFailed = false;
        long backoff = FIRST_BACKOFF_NANOS;
        Topology t = topology();
        while (true) {
            RedisClient target = pick(t, read && !replicaFailed);
            try {
                return target.execute(command);
            } catch (RedisServerException e) {
                if (target != t.primary() && ("LOADING".equals(e.code()) || "MASTERDOWN".equals(e.code()))) {
                    replicaFailed = true; // a replica still syncing: the read goes to the primary
                    continue;
                }
                if (!"READONLY".equals(e.code()) || target != t.primary() || System.nanoTime() + backoff > deadline) {
                    throw e;
                }
                // the node we took for the primary has been demoted: the command did not run there
                t = resolveAfterFailure(t, deadline, e);
            } catch (RedisConnectionException | PoolException e) {
                if (closed) {
                    throw e;
                }
                if (target != t.primary()) {
                    replicaFailed = true; // reads are safe to repeat: on the primary now
                    continue;
                }
                boolean safe = read || RedisClusterClient.neverSent(e) || e instanceof PoolClosedException;
                if (!safe) {
                    resolveInBackground(t);
                    throw new RedisSentinelException(Kind.FAILOVER_IN_FLIGHT, command.name() + " on the primary "
                            + t.primaryAddress() + " of \"" + masterName + "\" failed: " + e.getMessage()
                            + "; it may or may not have run and was not retried (not read-only)", e);
                }
                if (System.nanoTime() + backoff > deadline) {
                    throw e;
                }
                RedisClusterClient.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                t = resolveAfterFailure(t, deadline, e);
            }
        }
    }

    /** Lends a connection to the primary; one whose client was drained meanwhile is replaced once. */
    <T> T withConnection(Function<RedisConnection, T> work) {
        Topology t = topology();
        try {
            return t.primary().withConnection(work);
        } catch (PoolClosedException e) {
            if (closed) {
                throw e;
            }
            return resolveAfterFailure(t, deadline(), e).primary().withConnection(work);
        } catch (RedisConnectionException e) {
            resolveInBackground(t);
            throw e;
        }
    }

    /** The client of the current primary (resolved if need be). */
    RedisClient primary() {
        return topology().primary();
    }

    private RedisClient pick(Topology t, boolean read) {
        if (read && settings.readFrom() != ReadFrom.PRIMARY && !t.replicas().isEmpty()) {
            List<Node> r = t.replicas();
            return r.get(Math.floorMod(roundRobin.getAndIncrement(), r.size())).client();
        }
        return t.primary();
    }

    private Topology topology() {
        if (closed) {
            throw new PoolClosedException("RedisClient for Sentinel master \"" + masterName + "\" is closed");
        }
        if (switching) {
            resolveLock.lock(); // held by the watcher confirming the new primary (bounded by connect_timeout)
            resolveLock.unlock();
        }
        Topology t = current;
        return t != null ? t : resolve(null, null);
    }

    /** Re-resolves after {@code failure} on {@code seen}, retrying until {@code deadline}; the last failure is thrown then. */
    private Topology resolveAfterFailure(Topology seen, long deadline, RuntimeException failure) {
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            try {
                return resolve(seen, null);
            } catch (RedisSentinelException e) {
                if (System.nanoTime() + backoff > deadline || e.kind() == Kind.UNKNOWN_MASTER) {
                    e.addSuppressed(failure);
                    throw e;
                }
                RedisClusterClient.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
    }

    private void resolveInBackground(Topology seen) {
        Thread.ofVirtual().name("loomwire-sentinel-resolve").start(() -> {
            try {
                resolve(seen, null);
            } catch (RuntimeException e) {
                log.debug("re-resolving the primary of \"{}\" failed: {}", masterName, e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- resolution

    /**
     * Finds the primary: {@code hint} first (a {@code +switch-master} announcement), else the
     * Sentinels in turn; the first answer {@code ROLE} confirms wins. A caller that saw
     * {@code seen} returns at once when someone else has resolved since.
     */
    private Topology resolve(Topology seen, HostAndPort hint) {
        resolveLock.lock();
        try {
            Topology now = current;
            if (now != null && now != seen && hint == null) {
                return now;
            }
            if (closed) {
                throw new PoolClosedException("RedisClient for Sentinel master \"" + masterName + "\" is closed");
            }
            Topology next = discover(now, hint);
            if (now == null || !now.primaryAddress().equals(next.primaryAddress()) || !sameReplicas(now, next)) {
                if (now != null) {
                    log.info("Sentinel master \"{}\": primary {}{}, replicas {}", masterName, next.primaryAddress(),
                            now.primaryAddress().equals(next.primaryAddress()) ? "" : " (was " + now.primaryAddress() + ")",
                            next.replicas().stream().map(Node::address).toList());
                }
                current = next;
                drain(now, next);
            } else {
                current = now;
                return now;
            }
            return next;
        } finally {
            resolveLock.unlock();
        }
    }

    private static boolean sameReplicas(Topology a, Topology b) {
        return a.replicas().stream().map(Node::address).toList().equals(b.replicas().stream().map(Node::address).toList());
    }

    private Topology discover(Topology now, HostAndPort hint) {
        List<String> said = new ArrayList<>();
        int unreachable = 0;
        int tlsRefused = 0;
        int unknown = 0;
        RedisSentinelException nodeRefused = null;
        if (hint != null) {
            try {
                RedisClient primary = confirm(now, hint);
                return topologyOf(now, hint, primary, null);
            } catch (RuntimeException e) {
                said.add("+switch-master named " + hint + ": " + e.getMessage());
            }
        }
        for (HostAndPort s : sentinels) {
            RedisConnection c;
            try {
                c = RedisConnection.connect(sentinelConfig(s));
            } catch (RuntimeException e) {
                unreachable++;
                TlsException tls = RedisClusterClient.tlsVerificationFailure(e);
                if (tls != null) {
                    tlsRefused++;
                    said.add("Sentinel " + s + ": " + sentinelTlsRefusal(s, tls));
                } else {
                    said.add("Sentinel " + s + ": " + e.getMessage());
                }
                continue;
            }
            try (c) {
                Optional<HostAndPort> answer = c.execute(RedisCommandFactory.sentinelGetMasterAddrByName(masterName));
                if (answer.isEmpty()) {
                    unknown++;
                    said.add("Sentinel " + s + ": no master named \"" + masterName + "\"");
                    continue;
                }
                HostAndPort announced = answer.get();
                try {
                    RedisClient primary = confirm(now, announced);
                    return topologyOf(now, announced, primary, c);
                } catch (RedisSentinelException e) {
                    nodeRefused = e.kind() == Kind.NODE_TLS_REFUSED ? e : nodeRefused;
                    said.add("Sentinel " + s + " named " + announced + ": " + e.getMessage());
                }
            } catch (RuntimeException e) {
                unreachable++;
                said.add("Sentinel " + s + ": " + e.getMessage());
            }
        }
        String asked = "; asked: " + String.join("; ", said);
        if (nodeRefused != null) {
            throw new RedisSentinelException(Kind.NODE_TLS_REFUSED, nodeRefused.getMessage() + asked, nodeRefused);
        }
        if (tlsRefused > 0 && tlsRefused == unreachable && unknown == 0 && unreachable == sentinels.size()) {
            throw new RedisSentinelException(Kind.SENTINEL_TLS_REFUSED, "no Sentinel passed TLS verification for master \""
                    + masterName + "\"" + asked, null);
        }
        if (unreachable == sentinels.size()) {
            throw new RedisSentinelException(Kind.NO_SENTINEL_REACHABLE, "no Sentinel reachable for master \""
                    + masterName + "\"" + asked, null);
        }
        if (unknown > 0 && unknown + unreachable == sentinels.size()) {
            throw new RedisSentinelException(Kind.UNKNOWN_MASTER, "no Sentinel monitors a master named \"" + masterName
                    + "\" (check the #name at the end of the URI)" + asked, null);
        }
        throw new RedisSentinelException(Kind.NO_PRIMARY, "no primary confirmed for master \"" + masterName + "\"" + asked, null);
    }

    /** The topology with {@code primary}; replicas from {@code sentinel} (or the first Sentinel that answers) when reads may go there. */
    private Topology topologyOf(Topology now, HostAndPort address, RedisClient primary, RedisConnection sentinel) {
        List<Node> replicas = settings.readFrom() == ReadFrom.PRIMARY ? List.of() : replicas(now, sentinel, address);
        return new Topology(address, primary, replicas, now == null ? 0 : now.generation() + 1);
    }

    /**
     * Confirms with {@code ROLE} that {@code announced} is a primary: a Sentinel that has not seen
     * a failover yet names a node that is a replica by now. The current client is reused when the
     * primary has not moved.
     */
    private RedisClient confirm(Topology now, HostAndPort announced) {
        boolean reuse = now != null && now.primaryAddress().equals(announced);
        RedisClient client = reuse ? now.primary() : nodeClient(announced, "primary");
        String role;
        try {
            role = client.execute(RedisCommandFactory.role());
        } catch (RuntimeException e) {
            if (!reuse) {
                client.close();
            }
            TlsException tls = RedisClusterClient.tlsVerificationFailure(e);
            if (tls != null) {
                throw new RedisSentinelException(Kind.NODE_TLS_REFUSED, nodeTlsRefusal(announced, client.config(), tls), e);
            }
            throw new RedisSentinelException(Kind.NO_PRIMARY, "ROLE on " + announced + " failed: " + e.getMessage(), e);
        }
        if (!"master".equals(role)) {
            if (!reuse) {
                client.close();
            }
            throw new RedisSentinelException(Kind.NO_PRIMARY, announced + " answers ROLE with \"" + role
                    + "\", not master (a stale Sentinel, or a failover in progress)", null);
        }
        return client;
    }

    private List<Node> replicas(Topology now, RedisConnection sentinel, HostAndPort primary) {
        List<Map<String, String>> listed = null;
        if (sentinel != null) {
            listed = sentinel.execute(RedisCommandFactory.sentinelReplicas(masterName));
        } else {
            for (HostAndPort s : sentinels) {
                try (RedisConnection c = RedisConnection.connect(sentinelConfig(s))) {
                    listed = c.execute(RedisCommandFactory.sentinelReplicas(masterName));
                    break;
                } catch (RuntimeException e) {
                    log.debug("Sentinel {} could not list the replicas of \"{}\": {}", s, masterName, e.getMessage());
                }
            }
        }
        List<Node> out = new ArrayList<>();
        for (Map<String, String> r : listed == null ? List.<Map<String, String>>of() : listed) {
            String flags = r.getOrDefault("flags", "");
            // a replica whose link is still syncing is listed: its LOADING/MASTERDOWN replies send reads to the primary
            if (flags.contains("s_down") || flags.contains("o_down") || flags.contains("disconnected") || r.get("ip") == null) {
                continue;
            }
            HostAndPort address = new HostAndPort(r.get("ip"), Integer.parseInt(r.get("port")));
            if (address.equals(primary)) {
                continue;
            }
            Node known = now == null ? null : now.replicas().stream().filter(n -> n.address().equals(address)).findFirst().orElse(null);
            out.add(known != null ? known : new Node(address, nodeClient(address, "replica")));
        }
        out.sort(java.util.Comparator.comparing(n -> n.address().toString()));
        return List.copyOf(out);
    }

    /** Closes, after a grace period for replies in flight, the clients {@code next} no longer uses. */
    private void drain(Topology old, Topology next) {
        if (old == null) {
            return;
        }
        List<RedisClient> gone = new ArrayList<>();
        if (old.primary() != next.primary()) {
            gone.add(old.primary());
        }
        for (Node n : old.replicas()) {
            if (next.replicas().stream().noneMatch(k -> k.client() == n.client()) && n.client() != next.primary()) {
                gone.add(n.client());
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        long grace = Math.min(Math.max(dataConfig.timeout().toMillis(), 500), 5_000);
        Thread.ofVirtual().name("loomwire-sentinel-drain").start(() -> {
            try {
                Thread.sleep(closed ? 0 : grace);
            } catch (InterruptedException ignored) {
                // close now
            }
            gone.forEach(RedisClient::close);
        });
    }

    // ---------------------------------------------------------------- Sentinel watchers

    /** Subscribes to the Sentinel's events until closed, reconnecting after failures. */
    private void watch(HostAndPort s) {
        while (!closed) {
            try (RedisConnection c = RedisConnection.connect(sentinelConfig(s))) {
                List<String> channels = new ArrayList<>(List.of(SWITCH));
                if (settings.readFrom() != ReadFrom.PRIMARY) {
                    channels.addAll(List.of(REPLICA_EVENTS));
                }
                RedisSubscription sub = c.subscribe(channels.toArray(String[]::new));
                while (!closed) {
                    sub.receive(WATCH_POLL).ifPresent(m -> onEvent(s, m));
                    long now = System.nanoTime();
                    if (settings.readFrom() != ReadFrom.PRIMARY && now - lastReplicaRefresh > REPLICA_REFRESH_NANOS) {
                        // events can race a replica's state (listed while still down): read the list again now and then
                        lastReplicaRefresh = now;
                        resolveInBackground(current);
                    }
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    log.debug("watching Sentinel {} for \"{}\": {}; reconnecting in {}", s, masterName, e.getMessage(),
                            RespChannel.describe(WATCH_RECONNECT));
                }
            }
            try {
                Thread.sleep(WATCH_RECONNECT);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void onEvent(HostAndPort sentinel, PubSubMessage m) {
        String[] words = m.text().split(" ");
        if (m.channel().equals(SWITCH)) {
            // +switch-master <name> <old-ip> <old-port> <new-ip> <new-port>
            if (words.length < 5 || !words[0].equals(masterName)) {
                return;
            }
            HostAndPort next = new HostAndPort(words[3], Integer.parseInt(words[4]));
            Topology now = current;
            if (now != null && now.primaryAddress().equals(next)) {
                return;
            }
            log.info("Sentinel {} announced +switch-master for \"{}\": {}:{} -> {}", sentinel, masterName, words[1], words[2], next);
            resolveLock.lock();
            try {
                switching = true;
                resolve(now, next);
            } catch (RuntimeException e) {
                log.warn("following +switch-master of \"{}\" to {} failed: {}", masterName, next, e.getMessage());
            } finally {
                switching = false;
                resolveLock.unlock();
            }
        } else if (m.text().contains("@ " + masterName + " ")) {
            // <type> <name> <ip> <port> @ <master> ...: a replica appeared, went down or came back
            resolveInBackground(current);
        }
    }

    // ---------------------------------------------------------------- configuration

    private RedisConfig sentinelConfig(HostAndPort s) {
        return sentinelConfig.toBuilder().host(s.host()).port(s.port()).build();
    }

    /** A client for a data node: TLS checks the node_tls_name choice, the socket goes to the mapped address (as for cluster nodes). */
    private RedisClient nodeClient(HostAndPort announced, String role) {
        RedisConfig config = nodes.nodeConfig(announced);
        var pool = settings.pool().toBuilder().name("redis-sentinel[" + masterName + " " + role + " " + announced + "]").build();
        return multiplexed ? RedisClient.create(config, pool) : RedisClient.createPooled(config, pool);
    }

    private String sentinelTlsRefusal(HostAndPort s, TlsException tls) {
        String fix = switch (tls.kind()) {
            case HOST_MISMATCH -> "list the Sentinel under a name its certificate holds, or set sentinel_sslverify=ca";
            case UNTRUSTED -> "set sentinel_sslrootcert to the CA that issued the Sentinels' certificates"
                    + " (the Sentinel links use sslrootcert unless sentinel_sslrootcert is given)";
            default -> "replace the Sentinel's certificate";
        };
        return "refused by TLS verification: " + tls.getMessage() + ". Fix: " + fix;
    }

    private String nodeTlsRefusal(HostAndPort announced, RedisConfig node, TlsException tls) {
        String verify = dataConfig.tls().map(t -> t.verification().name().toLowerCase(Locale.ROOT)).orElse("?");
        String fix = switch (tls.kind()) {
            case HOST_MISMATCH -> "Sentinels announce addresses (often IPs, redis#7928): set node_tls_name=<a name the"
                    + " certificate holds> in the URI (node_tls_name=seed: the first Sentinel's host name), or make the"
                    + " Sentinels announce host names (SENTINEL resolve-hostnames/announce-hostnames yes); sslverify=ca"
                    + " would skip the name check";
            case UNTRUSTED -> "make sslrootcert hold the CA that issued the data nodes' certificates";
            default -> "replace the node's certificate";
        };
        return "data node " + announced + " of \"" + masterName + "\" refused by TLS verification (sslverify=" + verify
                + "): checked name \"" + node.host() + "\" (node_tls_name=" + TlsName.describe(settings.nodeTlsName()) + ")"
                + (node.dialAddress().equals(announced) ? "" : ", dialed at " + node.dialAddress()) + ": "
                + tls.getMessage() + ". Fix: " + fix;
    }

    private long deadline() {
        Duration t = dataConfig.timeout();
        return t.isZero() ? Long.MAX_VALUE : System.nanoTime() + t.toNanos();
    }

    String describe() {
        Topology t = current;
        return "sentinel master \"" + masterName + "\" via " + sentinels + (t == null ? "" : ", primary " + t.primaryAddress()
                + (t.replicas().isEmpty() ? "" : ", replicas " + t.replicas().stream().map(Node::address).toList()));
    }

    @Override
    public void close() {
        closed = true;
        resolveLock.lock();
        Topology t;
        try {
            t = current;
        } finally {
            resolveLock.unlock();
        }
        if (t != null) {
            t.primary().close();
            t.replicas().forEach(n -> n.client().close());
        }
        watchers.forEach(Thread::interrupt);
    }
}
