package dev.loomwire.redis;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolException;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.redis.ClusterCommandKeys.Spec;
import dev.loomwire.redis.ClusterTopology.Shard;
import dev.loomwire.redis.RedisClusterSettings.ReadFrom;
import dev.loomwire.redis.RedisClusterSettings.TlsName;
import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.tls.TlsException;
import dev.loomwire.tls.TlsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The thread-safe client for a Redis Cluster (ElastiCache/MemoryDB cluster mode, Azure
 * clustering, self-managed): share one instance between any number of virtual threads. It learns
 * the slot map from the seeds ({@code CLUSTER SHARDS}, falling back to {@code CLUSTER SLOTS}),
 * routes each command to the node owning the hash slot of its key ({@code {hash tag}} aware), and
 * keeps one {@link RedisClient} per node: its multiplexed shared connection for everyday commands,
 * its pool for {@link #withConnection}, {@link #pipeline}, {@link #transaction} and blocking
 * commands. Every typed command of {@link RedisCommands} works here, routed by the key positions
 * and flags {@link RedisCommandFactory} defines ({@code READ_ONLY} commands may go to replicas
 * under {@code readFrom}, {@code ALL_NODES} ones run on every primary).
 *
 * <p>Redirects: {@code MOVED} updates the slot map, asks for a topology refresh and retries on the
 * new owner; {@code ASK} sends {@code ASKING} and the command in one write to the importing node,
 * map unchanged; {@code TRYAGAIN} and {@code CLUSTERDOWN} are retried with exponential backoff
 * until the command's {@link RedisConfig#timeout() timeout}. After {@link
 * RedisClusterSettings#maxRedirects()} redirects a {@link RedisClusterException} ({@code
 * TOO_MANY_REDIRECTS}) names the slot and the nodes tried. A connection failure refreshes the
 * topology; read-only commands, and commands that never reached the node, are retried on the new
 * owner within the timeout, others fail with the {@link RedisConnectionException}.
 *
 * <p>Topology refreshes (on MOVED, on a connection failure, when a slot has no owner, and every
 * {@link RedisClusterSettings#refreshPeriod()}) run on one background virtual thread at most once
 * per {@link RedisClusterSettings#minRefreshInterval()}; concurrent callers share it. Nodes that
 * leave the cluster are dropped and their connections closed.
 *
 * <p>TLS: every discovered node is verified exactly like the seed ({@code sslverify} and the
 * trust settings of the URI), against the name {@code cluster_tls_name} chooses; a node failing
 * verification is refused with a {@link RedisClusterException} ({@code NODE_TLS_REFUSED}) naming
 * the node, the name checked, the certificate's SANs and the parameter that fixes it.
 *
 * <p>{@code MGET}, {@code MSET}, {@code DEL}, {@code UNLINK}, {@code EXISTS} and {@code TOUCH}
 * whose keys span slots are split per slot and their replies put back in key order: such a split
 * command is <b>not atomic</b> across slots. Keyless commands go to one primary; use
 * {@link #commandOnAllPrimaries} for {@code FLUSHALL}-like commands.
 */
public final class RedisClusterClient implements RedisCommands, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisClusterClient.class);
    private static final Set<String> SPLIT = Set.of("MGET", "MSET", "DEL", "UNLINK", "EXISTS", "TOUCH");
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final RedisConfig seedConfig;
    private final List<HostAndPort> seeds;
    private final RedisClusterSettings settings;
    private final ConcurrentHashMap<HostAndPort, Node> nodes = new ConcurrentHashMap<>();
    private final ReentrantLock nodesLock = new ReentrantLock();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final ClusterCommandKeys commandKeys = new ClusterCommandKeys();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile Routes routes;
    private CompletableFuture<Void> refreshing;
    private volatile long lastRefreshStart = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile boolean closed;
    private final Thread periodic;

    private RedisClusterClient(RedisConfig seedConfig, List<HostAndPort> seeds, RedisClusterSettings settings) {
        this.seedConfig = seedConfig;
        this.seeds = List.copyOf(seeds);
        this.settings = settings;
        this.periodic = settings.refreshPeriod().isZero() ? null
                : Thread.ofVirtual().name("loomwire-cluster-periodic-refresh").unstarted(this::refreshPeriodically);
    }

    /**
     * A client for {@code rediss://[user:password@]host1[:port][,host2[:port]...][/0][?params]}
     * (or {@code redis://}): every parameter a single-node URI accepts, plus
     * {@code cluster_tls_name=announced|seed|<name>}, {@code readFrom=primary|replica|replicaPreferred}
     * and {@code cluster_refresh_period}. Connects to the seeds and loads the topology before
     * returning.
     */
    public static RedisClusterClient create(String uri) {
        return create(uri, RedisClusterSettings.DEFAULTS);
    }

    /** As {@link #create(String)}, with {@code settings} (the URI's cluster parameters win over them). */
    public static RedisClusterClient create(String uri, RedisClusterSettings settings) {
        RedisClusterUri parsed = RedisClusterUri.parse(uri, settings);
        return start(parsed.seedConfig(), parsed.seeds(), parsed.settings());
    }

    /** A client whose seeds are {@code config}'s host and {@link RedisClusterSettings#seeds()}. */
    public static RedisClusterClient create(RedisConfig config, RedisClusterSettings settings) {
        if (config == null || settings == null) {
            throw new IllegalArgumentException("config and settings must not be null");
        }
        List<HostAndPort> all = new ArrayList<>();
        all.add(new HostAndPort(config.host(), config.port()));
        all.addAll(settings.seeds());
        return start(config, all, settings);
    }

    private static RedisClusterClient start(RedisConfig config, List<HostAndPort> seeds, RedisClusterSettings settings) {
        if (config.database() != 0) {
            throw new IllegalArgumentException("Redis Cluster has only database 0; the URI selects database " + config.database());
        }
        RedisClusterClient client = new RedisClusterClient(config, new ArrayList<>(new LinkedHashSet<>(seeds)), settings);
        try {
            client.refreshNow(true);
            client.checkNodes();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        if (client.periodic != null) {
            client.periodic.start();
        }
        return client;
    }

    // ---------------------------------------------------------------- public API

    /**
     * Runs one command on the node owning its keys' slot (keys as {@link RedisCommandFactory}
     * defines them, or for a raw command it does not know as the server's {@code COMMAND INFO}
     * says), following redirects; a keyless command on one primary. {@code ALL_NODES} commands
     * (FLUSHALL, DBSIZE, KEYS, SCRIPT LOAD, ...) run on every primary, replies merged (sums, lists
     * concatenated). Commands that change the connection's state are refused: run them in
     * {@link #withConnection}. An error reply throws {@link RedisServerException}.
     */
    @Override
    public <T> T execute(RedisCommand<T> command) {
        ensureOpen();
        if (command.has(RedisCommand.Flag.CONNECTION_STATE) || command.needsOwnConnection() && command.blockTimeout() == null) {
            throw new IllegalArgumentException(command.name() + (command.has(RedisCommand.Flag.CONNECTION_STATE)
                    ? " changes the connection's state" : " blocks") + ": run it inside RedisClusterClient.withConnection(slotKey, c -> ...)");
        }
        if (command.has(RedisCommand.Flag.ALL_NODES)) {
            return command.decode(onAllPrimaries(command));
        }
        if (command.keysKnown() && command.keyCount() == 1) { // the everyday case, routed without allocating
            return run(command, ClusterSlots.slotOf(command.rawArgument(command.keyPosition(0))),
                    command.has(RedisCommand.Flag.READ_ONLY));
        }
        Route route = route(command);
        String name = route.keys.length > 1 ? command.name().toUpperCase(Locale.ROOT) : "";
        if (route.keys.length > 1 && SPLIT.contains(name)) {
            for (int i = 1; i < route.keys.length; i++) {
                if (ClusterSlots.slotOf(command.rawArgument(route.keys[i])) != route.slot) {
                    return command.decode(split(name, command, route));
                }
            }
        }
        return run(command, route.slot, route.readOnly);
    }

    /** SPUBLISH to the shard owning the channel's slot; how many shard subscribers received it. */
    public long spublish(String shardChannel, String message) {
        return execute(RedisCommandFactory.raw("SPUBLISH", shardChannel, message)).asLong();
    }

    /**
     * Sends {@code args} to every primary (e.g. {@code FLUSHALL}, {@code SCRIPT LOAD},
     * {@code CONFIG SET}); the replies by node address. An error reply from any node throws
     * {@link RedisServerException} after all nodes have been asked.
     */
    public Map<HostAndPort, RedisReply> commandOnAllPrimaries(String... args) {
        return onAll(routes.topology.primaries(), RedisCommandFactory.raw((Object[]) args));
    }

    /** Sends {@code args} to every node, primaries and replicas; replies by node address. */
    public Map<HostAndPort, RedisReply> commandOnAllNodes(String... args) {
        return onAll(routes.topology.nodes(), RedisCommandFactory.raw((Object[]) args));
    }

    private Map<HostAndPort, RedisReply> onAll(List<ClusterNode> targets, RedisCommand<RedisReply> command) {
        ensureOpen();
        if (command.needsOwnConnection()) {
            throw new IllegalArgumentException(command.name() + " blocks or changes the connection's state: not for all nodes");
        }
        Map<HostAndPort, RedisReply> out = new LinkedHashMap<>();
        RedisServerException first = null;
        for (ClusterNode n : targets) {
            Node node = node(n.address());
            try {
                out.put(n.address(), node.client.execute(command));
            } catch (RedisServerException e) {
                out.put(n.address(), new ErrorReply(e.code(), e.serverMessage(), false));
                first = first == null ? e : first;
            } catch (RedisConnectionException | PoolException e) {
                throw connectionFailure(node, e);
            }
        }
        if (first != null) {
            throw RedisServerException.of(first.code(), first.serverMessage(), "on " + out.keySet() + " at least one node failed");
        }
        return out;
    }

    /** An ALL_NODES command on every primary, replies merged: integers summed, arrays concatenated (SCRIPT EXISTS: and-ed). */
    private RedisReply onAllPrimaries(RedisCommand<?> command) {
        RedisCommand<RedisReply> raw = RedisCommandFactory.raw((Object[]) arguments(command));
        List<RedisReply> replies = new ArrayList<>(onAll(routes.topology.primaries(), raw).values());
        String name = command.name().toUpperCase(Locale.ROOT);
        if (replies.stream().allMatch(r -> r instanceof RedisReply.IntegerReply)) {
            return new RedisReply.IntegerReply(replies.stream().mapToLong(RedisReply::asLong).sum());
        }
        if (name.equals("RANDOMKEY")) {
            return replies.stream().filter(r -> !r.isNull()).findFirst().orElse(replies.get(0));
        }
        if (replies.stream().allMatch(r -> r instanceof RedisReply.ArrayReply || r instanceof RedisReply.SetReply)) {
            if (name.equals("SCRIPT") && replies.size() > 1) {
                List<RedisReply> all = new ArrayList<>(replies.get(0).asList());
                for (RedisReply r : replies) {
                    for (int i = 0; i < all.size(); i++) {
                        if (r.asList().get(i).asLong() == 0) {
                            all.set(i, r.asList().get(i));
                        }
                    }
                }
                return new RedisReply.ArrayReply(all);
            }
            List<RedisReply> all = new ArrayList<>();
            replies.forEach(r -> all.addAll(r.asList()));
            return new RedisReply.ArrayReply(all);
        }
        return replies.get(0);
    }

    /**
     * Lends a connection to the primary owning {@code slotKey}'s slot exclusively for {@code work}:
     * for blocking commands, WATCH/MULTI/EXEC, SSUBSCRIBE on a shard channel, or anything that must
     * stay on one connection. Redirects are not followed inside {@code work}.
     */
    public <T> T withConnection(String slotKey, Function<RedisConnection, T> work) {
        return primaryFor(ClusterSlots.slot(slotKey)).client.withConnection(work);
    }

    /** {@link #withConnection(String, Function)} for a binary key. */
    public <T> T withConnection(byte[] slotKey, Function<RedisConnection, T> work) {
        return primaryFor(ClusterSlots.slot(slotKey)).client.withConnection(work);
    }

    /**
     * Queues commands with {@code commands}, groups them by node and sends each node's group in one
     * write on one of its pooled connections (nodes in parallel). Replies come back in the order
     * the commands were queued, errors as {@link ErrorReply} in their slot (and typed handles from
     * {@link RedisClusterBatch#add} are filled); a command answered with MOVED, ASK, TRYAGAIN or
     * CLUSTERDOWN is followed up on its own.
     */
    public List<RedisReply> pipeline(Consumer<RedisClusterBatch> commands) {
        RedisClusterBatch batch = new RedisClusterBatch();
        commands.accept(batch);
        List<RedisReply> replies = runPipeline(batch.commands());
        batch.complete(replies);
        return replies;
    }

    /**
     * MULTI/EXEC of the queued commands on the primary owning their slot. All keys must hash to one
     * slot (use a {@code {hash tag}}): otherwise a {@link RedisClusterException} ({@code CROSSSLOT})
     * is thrown before anything is sent. Replies as {@link RedisTransaction#exec()} gives them. A
     * refused transaction (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: nothing ran) is retried within the
     * timeout.
     */
    public Optional<List<RedisReply>> transaction(Consumer<RedisClusterBatch> commands) {
        RedisClusterBatch t = new RedisClusterBatch();
        commands.accept(t);
        List<RedisCommand<?>> queued = t.commands();
        int slot = -1;
        String firstKey = null;
        for (RedisCommand<?> c : queued) {
            for (int i : route(c).keys) {
                byte[] keyBytes = c.argument(i);
                int s = ClusterSlots.slot(keyBytes);
                String key = new String(keyBytes, StandardCharsets.UTF_8);
                if (slot >= 0 && s != slot) {
                    throw new RedisClusterException(RedisClusterException.Kind.CROSSSLOT, "CROSSSLOT: the transaction's keys"
                            + " hash to different slots (\"" + firstKey + "\" to " + slot + ", \"" + key + "\" to " + s
                            + "); nothing was sent. Give keys that belong together a common {hash tag}, e.g. {user:1}:a and {user:1}:b");
                }
                slot = s;
                firstKey = firstKey == null ? key : firstKey;
            }
        }
        long deadline = deadline();
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            Node target = slot < 0 ? anyPrimary() : primaryFor(slot);
            try {
                Optional<List<RedisReply>> result = target.client.withConnection(c -> {
                    RedisTransaction tx = c.multi();
                    for (RedisCommand<?> cmd : queued) {
                        tx.add(cmd);
                    }
                    return tx.exec();
                });
                result.ifPresent(t::complete);
                return result;
            } catch (RedisServerException e) {
                String m = e.getMessage();
                boolean redirected = m.contains("MOVED ") || m.contains("ASK ") || m.contains("TRYAGAIN") || m.contains("CLUSTERDOWN");
                if (!redirected || System.nanoTime() + backoff > deadline) {
                    throw e;
                }
                requestRefresh();
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            } catch (RedisConnectionException | PoolException e) {
                throw connectionFailure(target, e);
            }
        }
    }

    /**
     * The current slot map: per shard its slot ranges, primary and replicas, each node with its
     * announced address, host name, role, health and TLS facts (the name checked, SNI, protocol,
     * cipher suite, certificate subject and SANs, or why it was refused).
     */
    public ClusterTopology topology() {
        return routes.topology.mapNodes(n -> {
            Node node = nodes.get(n.address());
            return node == null ? n : n.withTls(node.tls);
        });
    }

    /** Asks for a topology refresh now (rate-limited like the automatic ones) and waits for it, at most the timeout. */
    public void refreshTopology() {
        CompletableFuture<Void> f = requestRefresh();
        try {
            f.get(Math.max(1, seedConfig.timeout().toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new RedisClusterException(RedisClusterException.Kind.SLOT_UNAVAILABLE, "topology refresh did not finish within "
                    + RespChannel.describe(seedConfig.timeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while refreshing the cluster topology", e);
        }
    }

    /** The seed configuration every node's connections derive from (TLS, credentials, timeouts). */
    public RedisConfig config() {
        return seedConfig;
    }

    public RedisClusterSettings settings() {
        return settings;
    }

    /** Stops refreshing and closes every node's connections; later calls throw {@link PoolClosedException}. */
    @Override
    public void close() {
        closed = true;
        if (periodic != null) {
            periodic.interrupt();
        }
        nodesLock.lock();
        try {
            for (Node n : nodes.values()) {
                n.client.close();
            }
        } finally {
            nodesLock.unlock();
        }
    }

    @Override
    public String toString() {
        Routes r = routes;
        return "RedisClusterClient[seeds " + seeds + ", " + (r == null ? "no topology" : r.topology.shards().size() + " shards, "
                + nodes.size() + " nodes") + ", " + settings + "]";
    }

    // ---------------------------------------------------------------- routing

    /** Where a command goes: its key argument indexes, the first key's slot (-1: keyless), whether a replica may serve it. */
    private record Route(int[] keys, int slot, boolean readOnly) {}

    private static final int[] NO_KEYS = new int[0];

    /** Key positions and flags from the command itself, or for a raw command the factory does not know from COMMAND INFO. */
    private Route route(RedisCommand<?> command) {
        boolean readOnly = command.has(RedisCommand.Flag.READ_ONLY);
        int[] keys;
        if (command.keysKnown()) {
            keys = command.keyCount() == 0 ? NO_KEYS : command.keyPositions();
        } else {
            Object[] args = arguments(command);
            Spec spec = commandKeys.spec(args, this::anyPrimaryCall);
            keys = commandKeys.keyIndexes(spec, args, this::anyPrimaryCall).stream().mapToInt(Integer::intValue).toArray();
            readOnly |= spec.readOnly();
        }
        return new Route(keys, keys.length == 0 ? -1 : ClusterSlots.slotOf(command.rawArgument(keys[0])), readOnly);
    }

    private static Object[] arguments(RedisCommand<?> command) {
        Object[] args = new Object[command.argumentCount()];
        for (int i = 0; i < args.length; i++) {
            args[i] = command.argument(i);
        }
        return args;
    }

    /** MGET/MSET/DEL/UNLINK/EXISTS/TOUCH over several slots: one command per slot, replies merged in key order. */
    private RedisReply split(String name, RedisCommand<?> command, Route route) {
        Object[] args = arguments(command);
        int width = name.equals("MSET") ? 2 : 1;
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = 1; i + width - 1 < args.length; i += width) {
            bySlot.computeIfAbsent(ClusterSlots.slotOf(args[i]), s -> new ArrayList<>()).add(i);
        }
        RedisReply[] values = new RedisReply[(args.length - 1) / width];
        long sum = 0;
        for (Map.Entry<Integer, List<Integer>> group : bySlot.entrySet()) {
            Object[] part = new Object[group.getValue().size() * width + 1];
            part[0] = args[0];
            int j = 1;
            for (int i : group.getValue()) {
                for (int w = 0; w < width; w++) {
                    part[j++] = args[i + w];
                }
            }
            RedisReply r = run(RedisCommandFactory.raw(part), group.getKey(), route.readOnly);
            switch (name) {
                case "MGET" -> {
                    List<RedisReply> got = r.asList();
                    for (int k = 0; k < got.size(); k++) {
                        values[group.getValue().get(k) - 1] = got.get(k);
                    }
                }
                case "MSET" -> { }
                default -> sum += r.asLong();
            }
        }
        return switch (name) {
            case "MGET" -> new RedisReply.ArrayReply(java.util.Arrays.asList(values));
            case "MSET" -> new RedisReply.SimpleString("OK");
            default -> new RedisReply.IntegerReply(sum);
        };
    }

    /**
     * Runs one command on the node for {@code slot} (-1: any primary), following MOVED/ASK, retrying
     * TRYAGAIN/CLUSTERDOWN and safe connection failures until the deadline.
     */
    private <T> T run(RedisCommand<T> command, int slot, boolean readOnly) {
        long deadline = deadline();
        int redirects = 0;
        long backoff = FIRST_BACKOFF_NANOS;
        List<HostAndPort> tried = null; // made on the first redirect: the everyday call allocates nothing here
        Node target = null;
        boolean asking = false;
        boolean replicaFailed = false;
        while (true) {
            if (target == null) {
                boolean replica = readOnly && !(replicaFailed && settings.readFrom() == ReadFrom.REPLICA_PREFERRED);
                target = slot < 0 ? anyPrimary() : pick(slot, replica, deadline);
            }
            try {
                return asking ? target.asking(command) : target.client.execute(command);
            } catch (RedisServerException e) {
                String code = e.code();
                if (code.equals("MOVED") || code.equals("ASK")) {
                    tried = tried == null ? new ArrayList<>(2) : tried;
                    tried.add(target.announced);
                    if (++redirects > settings.maxRedirects()) {
                        throw new RedisClusterException(RedisClusterException.Kind.TOO_MANY_REDIRECTS, "gave up on "
                                + command.name() + " for slot " + slot + " after " + settings.maxRedirects()
                                + " redirects; nodes tried: " + tried + "; last answer: " + e.serverMessage(), e);
                    }
                    Redirect to = Redirect.parse(e.serverMessage(), target.announced);
                    Node next = node(to.address());
                    if (code.equals("MOVED")) {
                        routes.primaryBySlot.set(to.slot(), next);
                        requestRefresh();
                    }
                    asking = code.equals("ASK");
                    target = next;
                } else if (code.equals("TRYAGAIN") || code.equals("CLUSTERDOWN")) {
                    if (System.nanoTime() + backoff > deadline) {
                        throw e;
                    }
                    if (code.equals("CLUSTERDOWN")) {
                        requestRefresh();
                    }
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                    target = null;
                    asking = false;
                    redirects = 0; // a slot still migrating answers ASK then TRYAGAIN per round: the deadline bounds those rounds
                } else {
                    throw e;
                }
            } catch (RedisConnectionException | PoolException e) {
                if (e instanceof PoolClosedException && closed) {
                    throw e;
                }
                RuntimeException failure = connectionFailure(target, e);
                if (failure instanceof RedisClusterException) {
                    throw failure;
                }
                requestRefresh();
                boolean safe = readOnly || neverSent(e);
                if (!safe || System.nanoTime() + backoff > deadline) {
                    throw failure;
                }
                replicaFailed |= !routes.isPrimary(target);
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                target = null;
                asking = false;
            }
        }
    }

    /**
     * The node for a slot: its primary, or with {@code replica} (a read) under
     * readFrom=replica[Preferred] one of its healthy replicas, round robin.
     */
    private Node pick(int slot, boolean replica, long deadline) {
        Routes r = routes;
        if (replica && settings.readFrom() != ReadFrom.PRIMARY) {
            Node[] replicas = r.replicasBySlot[slot];
            if (replicas != null && replicas.length > 0) {
                return replicas[Math.floorMod(roundRobin.getAndIncrement(), replicas.length)];
            }
        }
        Node p = r.primaryBySlot.get(slot);
        long backoff = FIRST_BACKOFF_NANOS;
        while (p == null) {
            requestRefresh();
            if (System.nanoTime() + backoff > deadline) {
                throw new RedisClusterException(RedisClusterException.Kind.SLOT_UNAVAILABLE, "no node serves slot " + slot
                        + " (topology " + routes.topology.source() + ", " + routes.topology.uncoveredSlots() + " slots uncovered)");
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            p = routes.primaryBySlot.get(slot);
        }
        return p;
    }

    private Node primaryFor(int slot) {
        ensureOpen();
        return pick(slot, false, deadline());
    }

    private Node anyPrimary() {
        ensureOpen();
        Node[] primaries = routes.primaries;
        return primaries[Math.floorMod(roundRobin.getAndIncrement(), primaries.length)];
    }

    private RedisReply anyPrimaryCall(Object[] args) {
        return run(RedisCommandFactory.raw(args), -1, true);
    }

    private List<RedisReply> runPipeline(List<RedisCommand<?>> commands) {
        ensureOpen();
        int n = commands.size();
        RedisReply[] replies = new RedisReply[n];
        Route[] routesOf = new Route[n];
        Map<Node, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            routesOf[i] = route(commands.get(i));
            Node target = routesOf[i].slot < 0 ? anyPrimary() : pick(routesOf[i].slot, routesOf[i].readOnly, deadline());
            byNode.computeIfAbsent(target, k -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (Map.Entry<Node, List<Integer>> group : byNode.entrySet()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sent.add(done);
            Runnable send = () -> {
                try {
                    List<RedisReply> got = group.getKey().client.withConnection(c -> {
                        RedisPipeline p = c.pipeline();
                        for (int i : group.getValue()) {
                            p.add(commands.get(i));
                        }
                        return p.execute();
                    });
                    for (int k = 0; k < got.size(); k++) {
                        replies[group.getValue().get(k)] = got.get(k);
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            };
            if (byNode.size() == 1) {
                send.run();
            } else {
                Thread.ofVirtual().name("loomwire-cluster-pipeline").start(send);
            }
        }
        RuntimeException failure = null;
        for (CompletableFuture<Void> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? (RuntimeException) e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisException("interrupted while waiting for pipeline replies", e);
            }
        }
        for (int i = 0; i < n; i++) {
            if (replies[i] == null) {
                if (failure != null && !routesOf[i].readOnly) {
                    continue; // its node failed; a write may have run, so it is not resent
                }
                replies[i] = retried(commands.get(i), routesOf[i]);
            } else if (replies[i] instanceof ErrorReply e && isRedirect(e.code())) {
                replies[i] = retried(commands.get(i), routesOf[i]);
            }
        }
        for (RedisReply r : replies) {
            if (r == null) {
                throw failure instanceof RedisConnectionException || failure instanceof PoolException
                        ? failure : new RedisException("pipeline failed: " + failure, failure);
            }
        }
        return List.of(replies);
    }

    /** One pipelined command again on its own, following redirects; an error reply in its slot. */
    private RedisReply retried(RedisCommand<?> command, Route route) {
        try {
            return run(RedisCommandFactory.raw(arguments(command)), route.slot, route.readOnly);
        } catch (RedisServerException e) {
            return new ErrorReply(e.code(), e.serverMessage(), false);
        }
    }

    private static boolean isRedirect(String code) {
        return code.equals("MOVED") || code.equals("ASK") || code.equals("TRYAGAIN") || code.equals("CLUSTERDOWN");
    }

    // ---------------------------------------------------------------- failures

    /**
     * The exception to throw for a transport failure on {@code node}: a TLS verification failure
     * becomes NODE_TLS_REFUSED with the name checked and the fix, anything else stays as it is.
     */
    private RuntimeException connectionFailure(Node node, RuntimeException e) {
        TlsException tls = tlsVerificationFailure(e);
        if (tls == null) {
            return e;
        }
        String reason = refusal(node, tls);
        node.tls = new NodeTls.Refused(node.config.dialAddress(), node.config.host(), reason);
        return new RedisClusterException(RedisClusterException.Kind.NODE_TLS_REFUSED, reason, e);
    }

    private String refusal(Node node, TlsException tls) {
        String verify = seedConfig.tls().map(t -> t.verification().name().toLowerCase(Locale.ROOT)).orElse("?");
        HostAndPort dial = node.config.dialAddress();
        String fix = switch (tls.kind()) {
            case HOST_MISMATCH -> "set cluster_tls_name=<a name the certificate holds> in the URI (or"
                    + " cluster_tls_name=seed when every node shares the seed's certificate); sslverify=ca would skip the"
                    + " name check";
            case UNTRUSTED -> "make sslrootcert hold the CA that issued this node's certificate";
            default -> "replace the node's certificate";
        };
        return "cluster node " + node.announced + " refused by TLS verification (sslverify=" + verify + "): checked name \""
                + node.config.host() + "\" (cluster_tls_name=" + TlsName.describe(settings.tlsName()) + ")"
                + (dial.equals(node.announced) ? "" : ", dialed at " + dial) + ": " + tls.getMessage() + ". Fix: " + fix;
    }

    static TlsException tlsVerificationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsException x) {
                return switch (x.kind()) {
                    case UNTRUSTED, HOST_MISMATCH, EXPIRED, REVOKED -> x;
                    default -> null;
                };
            }
        }
        return null;
    }

    /** True when the failure happened before the command could reach the server (connect refused, unknown host, pool closed). */
    static boolean neverSent(Throwable e) {
        if (e instanceof PoolClosedException || e instanceof PoolTimeoutException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof TlsException || String.valueOf(t.getMessage()).contains("(connect_timeout)")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- topology

    /** Starts a refresh unless one is running or one started less than minRefreshInterval ago (then it starts when that has passed). */
    CompletableFuture<Void> requestRefresh() {
        refreshLock.lock();
        try {
            if (refreshing != null) {
                return refreshing;
            }
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            refreshing = f;
            long wait = lastRefreshStart + settings.minRefreshInterval().toNanos() - System.nanoTime();
            Thread.ofVirtual().name("loomwire-cluster-refresh").start(() -> {
                try {
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    refreshNow(false);
                    f.complete(null);
                } catch (InterruptedException e) {
                    f.completeExceptionally(new RedisException("topology refresh interrupted", e));
                } catch (RuntimeException e) {
                    log.debug("cluster topology refresh failed: {}", e.getMessage());
                    f.completeExceptionally(e);
                } finally {
                    refreshLock.lock();
                    try {
                        if (refreshing == f) {
                            refreshing = null;
                        }
                    } finally {
                        refreshLock.unlock();
                    }
                }
            });
            return f;
        } finally {
            refreshLock.unlock();
        }
    }

    private void refreshPeriodically() {
        try {
            while (!closed) {
                Thread.sleep(settings.refreshPeriod());
                requestRefresh();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /**
     * Loads the topology from the first node that answers: known primaries, then replicas, then
     * the seeds. At start only the seeds are known; if none answers, the exception lists each.
     */
    private void refreshNow(boolean initial) {
        lastRefreshStart = System.nanoTime();
        List<String> failures = new ArrayList<>();
        boolean notCluster = false;
        Routes r = routes;
        if (r != null) {
            List<ClusterNode> candidates = new ArrayList<>(r.topology.primaries());
            candidates.sort((a, b) -> Boolean.compare(!a.isHealthy(), !b.isHealthy()));
            for (Shard s : r.topology.shards()) {
                candidates.addAll(s.replicas());
            }
            for (ClusterNode c : candidates) {
                Node n = nodes.get(c.address());
                if (n == null) {
                    continue;
                }
                try {
                    apply(fetch(args -> n.client.execute(RedisCommandFactory.raw(args)), c.address()));
                    return;
                } catch (RuntimeException e) {
                    failures.add(c.address() + ": " + e.getMessage());
                }
            }
        }
        for (HostAndPort seed : seeds) {
            RedisConfig config = seedConfig.toBuilder().host(seed.host()).port(seed.port()).build();
            try (RedisConnection c = RedisConnection.connect(config)) {
                apply(fetch(args -> c.command(ClusterCommandKeys.asBytes(args)), seed));
                return;
            } catch (RedisServerException e) {
                boolean disabled = e.getMessage().contains("cluster support disabled");
                notCluster |= disabled;
                failures.add(seed + ": " + (disabled ? "not a cluster node (cluster_enabled:0): " : "") + e.getMessage());
            } catch (RuntimeException e) {
                failures.add(seed + ": " + e.getMessage());
            }
        }
        if (notCluster && initial) {
            throw new RedisClusterException(RedisClusterException.Kind.NOT_A_CLUSTER, "the seed is not a Redis Cluster node"
                    + " (cluster_enabled:0): use RedisClient for a single server. " + String.join("; ", failures));
        }
        throw new RedisClusterException(RedisClusterException.Kind.NO_SEED_REACHABLE, (initial
                ? "no seed node answered with the cluster topology: " : "cannot refresh the cluster topology: ")
                + String.join("; ", failures));
    }

    private ClusterTopology fetch(Function<Object[], RedisReply> call, HostAndPort answeredBy) {
        ClusterTopology t;
        try {
            t = ClusterTopology.fromShards(call.apply(new Object[] {"CLUSTER", "SHARDS"}), answeredBy, seedConfig.isTls());
        } catch (RedisServerException e) {
            if (!e.getMessage().toLowerCase(Locale.ROOT).contains("unknown subcommand")) {
                throw e;
            }
            t = ClusterTopology.fromSlots(call.apply(new Object[] {"CLUSTER", "SLOTS"}), answeredBy);
        }
        if (t.shards().isEmpty()) {
            throw new RedisClusterException(RedisClusterException.Kind.SLOT_UNAVAILABLE, answeredBy
                    + " knows no shard with a primary (cluster not set up yet?)");
        }
        return t;
    }

    /** Makes {@code t} the routing table: nodes created for new addresses, nodes that left closed. */
    private void apply(ClusterTopology t) {
        List<Node> added = new ArrayList<>();
        List<Node> removed = new ArrayList<>();
        nodesLock.lock();
        try {
            if (closed) {
                return;
            }
            Set<HostAndPort> present = new HashSet<>();
            for (ClusterNode n : t.nodes()) {
                present.add(n.address());
                if (!nodes.containsKey(n.address())) {
                    added.add(nodeLocked(n.address()));
                }
            }
            Routes next = new Routes(t, this::nodeLocked);
            routes = next;
            for (Map.Entry<HostAndPort, Node> e : nodes.entrySet()) {
                if (!present.contains(e.getKey())) {
                    removed.add(e.getValue());
                }
            }
            for (Node n : removed) {
                nodes.remove(n.announced);
            }
        } finally {
            nodesLock.unlock();
        }
        for (Node n : removed) {
            log.info("cluster node {} left the topology; closing its connections", n.announced);
            n.client.close();
        }
        if (!added.isEmpty()) {
            log.debug("cluster topology ({}): {} new nodes {}", t.source(), added.size(), added);
        }
    }

    /**
     * At start: opens one connection to every node in parallel (within the connect timeout) to
     * record its TLS facts; fails if every primary was refused by TLS verification.
     */
    private void checkNodes() {
        List<Thread> threads = new ArrayList<>();
        for (Node n : nodes.values()) {
            threads.add(Thread.ofVirtual().name("loomwire-cluster-connect").start(() -> warm(n)));
        }
        long until = System.nanoTime() + seedConfig.connectTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisException("interrupted while connecting to the cluster nodes", e);
            }
        }
        List<String> refused = new ArrayList<>();
        for (ClusterNode p : routes.topology.primaries()) {
            Node n = nodes.get(p.address());
            if (n == null || !(n.tls instanceof NodeTls.Refused x)) {
                return;
            }
            refused.add(x.reason());
        }
        if (!refused.isEmpty()) {
            throw new RedisClusterException(RedisClusterException.Kind.NODE_TLS_REFUSED, "every primary of the cluster was"
                    + " refused by TLS verification: " + String.join(" | ", refused));
        }
    }

    private void warm(Node n) {
        try {
            n.client.withConnection(c -> {
                n.tls = c.tls().map(s -> connected(n, s)).<NodeTls>map(x -> x)
                        .orElse(new NodeTls.Plaintext(n.config.dialAddress()));
                return null;
            });
        } catch (RuntimeException e) {
            RuntimeException f = connectionFailure(n, e);
            if (!(f instanceof RedisClusterException)) {
                log.debug("cannot connect to cluster node {}: {}", n.announced, e.getMessage());
            }
        }
    }

    private NodeTls.Connected connected(Node n, TlsSession s) {
        X509Certificate leaf = s.peerCertificate();
        List<String> sans = new ArrayList<>();
        if (leaf != null) {
            try {
                Collection<List<?>> names = leaf.getSubjectAlternativeNames();
                if (names != null) {
                    for (List<?> name : names) {
                        if (name.get(0) instanceof Integer type && (type == 2 || type == 7)) {
                            sans.add(String.valueOf(name.get(1)));
                        }
                    }
                }
            } catch (CertificateParsingException e) {
                sans.add("(unparseable)");
            }
        }
        return new NodeTls.Connected(n.config.dialAddress(), n.config.host(),
                seedConfig.tls().orElseThrow().verification().name().toLowerCase(Locale.ROOT), s.sniSent(), s.protocol(),
                s.cipherSuite(), leaf == null ? "" : leaf.getSubjectX500Principal().getName(), sans);
    }

    /** The node for an announced address, created (not connected) when new. */
    private Node node(HostAndPort announced) {
        Node n = nodes.get(announced);
        if (n != null) {
            return n;
        }
        nodesLock.lock();
        try {
            ensureOpen();
            n = nodeLocked(announced);
        } finally {
            nodesLock.unlock();
        }
        Node fresh = n;
        if (fresh.tls instanceof NodeTls.NotConnected) {
            Thread.ofVirtual().name("loomwire-cluster-connect").start(() -> warm(fresh));
        }
        return n;
    }

    private Node nodeLocked(HostAndPort announced) {
        Node n = nodes.get(announced);
        if (n == null) {
            n = new Node(announced, nodeConfig(announced), settings);
            nodes.put(announced, n);
        }
        return n;
    }

    /** How to reach and verify a node: TLS checks the cluster_tls_name choice, the socket goes to the mapped address. */
    private RedisConfig nodeConfig(HostAndPort announced) {
        return new RedisClusterUri(seedConfig, seeds, settings).nodeConfig(announced);
    }

    private long deadline() {
        Duration t = seedConfig.timeout();
        return t.isZero() ? Long.MAX_VALUE : System.nanoTime() + t.toNanos();
    }

    private void ensureOpen() {
        if (closed) {
            throw new PoolClosedException("RedisClusterClient " + seeds + " is closed");
        }
    }

    static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while waiting to retry", e);
        }
    }

    // ---------------------------------------------------------------- types

    /** One node: its {@link RedisClient} (shared multiplexed connection + pool) and what TLS said. */
    private static final class Node {
        final HostAndPort announced;
        final RedisConfig config;
        final RedisClient client;
        volatile NodeTls tls = new NodeTls.NotConnected();

        Node(HostAndPort announced, RedisConfig config, RedisClusterSettings settings) {
            this.announced = announced;
            this.config = config;
            this.client = RedisClient.create(config, settings.pool().toBuilder()
                    .name("redis-cluster[" + announced + "]").build());
        }

        /**
         * ASKING and the command adjacent in one write on the shared connection; a command that
         * needs a connection of its own gets both on one pooled connection.
         */
        <T> T asking(RedisCommand<T> command) {
            if (!command.needsOwnConnection()) {
                return client.executeAsking(command);
            }
            return client.withConnection(c -> {
                c.execute(RedisCommandFactory.raw("ASKING"));
                return c.execute(command);
            });
        }

        @Override
        public String toString() {
            return announced.toString();
        }
    }

    /** The routing table of one topology; MOVED updates a slot's primary in place until the next refresh. */
    private static final class Routes {
        final ClusterTopology topology;
        final AtomicReferenceArray<Node> primaryBySlot = new AtomicReferenceArray<>(ClusterSlots.SLOTS);
        final Node[][] replicasBySlot = new Node[ClusterSlots.SLOTS][];
        final Node[] primaries;

        Routes(ClusterTopology topology, Function<HostAndPort, Node> nodeOf) {
            this.topology = topology;
            List<Node> ps = new ArrayList<>();
            for (Shard s : topology.shards()) {
                Node p = nodeOf.apply(s.primary().address());
                ps.add(p);
                List<Node> rs = new ArrayList<>();
                for (ClusterNode r : s.replicas()) {
                    if (r.isHealthy()) {
                        rs.add(nodeOf.apply(r.address()));
                    }
                }
                Node[] replicas = rs.toArray(Node[]::new);
                for (ClusterTopology.SlotRange range : s.slots()) {
                    for (int i = range.start(); i <= range.end(); i++) {
                        primaryBySlot.set(i, p);
                        replicasBySlot[i] = replicas;
                    }
                }
            }
            primaries = ps.toArray(Node[]::new);
        }

        boolean isPrimary(Node n) {
            for (Node p : primaries) {
                if (p == n) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A parsed {@code MOVED <slot> <endpoint>:<port>} or {@code ASK ...}; an empty or {@code ?} endpoint means the node that answered. */
    record Redirect(int slot, HostAndPort address) {
        static Redirect parse(String serverMessage, HostAndPort answeredBy) {
            String[] parts = serverMessage.split(" ");
            if (parts.length < 3) {
                throw new RedisException("malformed redirect from " + answeredBy + ": " + serverMessage);
            }
            String target = parts[2];
            int colon = target.lastIndexOf(':');
            if (colon < 0) {
                throw new RedisException("malformed redirect from " + answeredBy + ": " + serverMessage);
            }
            String host = target.substring(0, colon);
            if (host.isEmpty() || host.equals("?")) {
                host = answeredBy.host();
            }
            try {
                return new Redirect(Integer.parseInt(parts[1]), new HostAndPort(host, Integer.parseInt(target.substring(colon + 1))));
            } catch (IllegalArgumentException e) {
                throw new RedisException("malformed redirect from " + answeredBy + ": " + serverMessage, e);
            }
        }
    }
}
