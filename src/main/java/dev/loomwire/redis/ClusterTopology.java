package dev.loomwire.redis;

import dev.loomwire.redis.ClusterNode.Role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Redis Cluster's map of hash slots to shards (one primary and its replicas), parsed from
 * {@code CLUSTER SHARDS} (Redis 7+) with {@link #fromShards} or from {@code CLUSTER SLOTS} with
 * {@link #fromSlots}. Immutable. {@link RedisClusterClient#topology()} returns the client's current
 * one with each node's TLS facts; the probe parses one the same way.
 */
public final class ClusterTopology {
    /** A primary, its replicas and the slot ranges it serves (none for a primary without slots). */
    public record Shard(List<SlotRange> slots, ClusterNode primary, List<ClusterNode> replicas) {
        public Shard {
            slots = List.copyOf(slots);
            replicas = List.copyOf(replicas);
        }

        /** The primary followed by the replicas. */
        public List<ClusterNode> nodes() {
            List<ClusterNode> all = new ArrayList<>(replicas.size() + 1);
            all.add(primary);
            all.addAll(replicas);
            return all;
        }
    }

    /** Slots {@code start} to {@code end}, both included. */
    public record SlotRange(int start, int end) {
        public SlotRange {
            if (start < 0 || end >= ClusterSlots.SLOTS || start > end) {
                throw new IllegalArgumentException("bad slot range " + start + "-" + end);
            }
        }

        @Override
        public String toString() {
            return start == end ? Integer.toString(start) : start + "-" + end;
        }
    }

    private final List<Shard> shards;
    private final Shard[] bySlot = new Shard[ClusterSlots.SLOTS];
    private final String source;

    private ClusterTopology(List<Shard> shards, String source) {
        this.shards = List.copyOf(shards);
        this.source = source;
        for (Shard s : this.shards) {
            for (SlotRange r : s.slots()) {
                for (int i = r.start(); i <= r.end(); i++) {
                    bySlot[i] = s;
                }
            }
        }
    }

    /**
     * Parses a {@code CLUSTER SHARDS} reply (RESP2 or RESP3). Each node's port is its
     * {@code tls-port} when {@code tls} (else {@code port}), falling back to the other one; its
     * address is the announced {@code endpoint}, or {@code answeredBy}'s host when the endpoint is
     * {@code ?} or empty. Shards without a primary are left out.
     *
     * @throws RedisException naming what is malformed
     */
    public static ClusterTopology fromShards(RedisReply reply, HostAndPort answeredBy, boolean tls) {
        List<Shard> shards = new ArrayList<>();
        for (RedisReply shardReply : list(reply, "CLUSTER SHARDS reply")) {
            Map<String, RedisReply> shard = map(shardReply, "shard");
            List<RedisReply> flatSlots = list(shard.get("slots"), "shard slots");
            if (flatSlots.size() % 2 != 0) {
                throw new RedisException("malformed CLUSTER SHARDS reply: odd number of slot bounds " + flatSlots);
            }
            List<SlotRange> ranges = new ArrayList<>();
            for (int i = 0; i < flatSlots.size(); i += 2) {
                ranges.add(new SlotRange((int) flatSlots.get(i).asLong(), (int) flatSlots.get(i + 1).asLong()));
            }
            ClusterNode primary = null;
            List<ClusterNode> replicas = new ArrayList<>();
            for (RedisReply nodeReply : list(shard.get("nodes"), "shard nodes")) {
                ClusterNode node = shardNode(map(nodeReply, "node"), answeredBy, tls);
                if (node.role() == Role.PRIMARY && primary == null) {
                    primary = node;
                } else if (node.role() == Role.REPLICA) {
                    replicas.add(node);
                }
            }
            if (primary != null) {
                shards.add(new Shard(ranges, primary, replicas));
            }
        }
        return new ClusterTopology(shards, "CLUSTER SHARDS from " + answeredBy);
    }

    private static ClusterNode shardNode(Map<String, RedisReply> n, HostAndPort answeredBy, boolean tls) {
        String id = text(n, "id");
        Long plain = number(n, "port");
        Long secure = number(n, "tls-port");
        Long port = tls ? (secure != null ? secure : plain) : (plain != null ? plain : secure);
        if (port == null) {
            throw new RedisException("malformed CLUSTER SHARDS reply: node " + id + " has neither port nor tls-port");
        }
        String endpoint = text(n, "endpoint");
        String host = endpoint.isEmpty() || endpoint.equals("?") ? answeredBy.host() : endpoint;
        Role role = switch (text(n, "role")) {
            case "master", "primary" -> Role.PRIMARY;
            case "replica", "slave" -> Role.REPLICA;
            default -> throw new RedisException("malformed CLUSTER SHARDS reply: node " + id + " has role \""
                    + text(n, "role") + "\"");
        };
        Long offset = number(n, "replication-offset");
        String health = text(n, "health");
        return new ClusterNode(id, new HostAndPort(host, port.intValue()), text(n, "ip"), text(n, "hostname"), role,
                health.isEmpty() ? "online" : health, offset == null ? -1 : offset, new NodeTls.NotConnected());
    }

    /**
     * Parses a {@code CLUSTER SLOTS} reply (RESP2 or RESP3): {@code [start, end, primary,
     * replicas...]} with nodes as {@code [endpoint, port, id, {hostname ...}]}. Health is not
     * reported there, so every node counts as {@code online}.
     */
    public static ClusterTopology fromSlots(RedisReply reply, HostAndPort answeredBy) {
        Map<String, List<SlotRange>> rangesByPrimary = new LinkedHashMap<>();
        Map<String, ClusterNode> primaries = new LinkedHashMap<>();
        Map<String, Map<String, ClusterNode>> replicasByPrimary = new LinkedHashMap<>();
        for (RedisReply entryReply : list(reply, "CLUSTER SLOTS reply")) {
            List<RedisReply> entry = list(entryReply, "slot range");
            if (entry.size() < 3) {
                throw new RedisException("malformed CLUSTER SLOTS reply: a slot range without a primary: " + entry);
            }
            SlotRange range = new SlotRange((int) entry.get(0).asLong(), (int) entry.get(1).asLong());
            ClusterNode primary = slotsNode(entry.get(2), Role.PRIMARY, answeredBy);
            primaries.putIfAbsent(primary.id(), primary);
            rangesByPrimary.computeIfAbsent(primary.id(), k -> new ArrayList<>()).add(range);
            Map<String, ClusterNode> replicas = replicasByPrimary.computeIfAbsent(primary.id(), k -> new LinkedHashMap<>());
            for (int i = 3; i < entry.size(); i++) {
                ClusterNode replica = slotsNode(entry.get(i), Role.REPLICA, answeredBy);
                replicas.putIfAbsent(replica.id(), replica);
            }
        }
        List<Shard> shards = new ArrayList<>();
        primaries.forEach((id, p) -> shards.add(new Shard(rangesByPrimary.get(id), p,
                new ArrayList<>(replicasByPrimary.get(id).values()))));
        return new ClusterTopology(shards, "CLUSTER SLOTS from " + answeredBy);
    }

    private static ClusterNode slotsNode(RedisReply reply, Role role, HostAndPort answeredBy) {
        List<RedisReply> n = list(reply, "slot node");
        if (n.size() < 2) {
            throw new RedisException("malformed CLUSTER SLOTS reply: node entry " + n);
        }
        String endpoint = n.get(0).isNull() ? "" : n.get(0).asString();
        String host = endpoint.isEmpty() || endpoint.equals("?") ? answeredBy.host() : endpoint;
        int port = (int) n.get(1).asLong();
        String id = n.size() > 2 ? n.get(2).asString() : host + ":" + port;
        String hostname = "";
        String ip = "";
        if (n.size() > 3 && !n.get(3).isNull()) {
            Map<String, RedisReply> meta = n.get(3).asMap();
            hostname = text(meta, "hostname");
            ip = text(meta, "ip");
        }
        return new ClusterNode(id, new HostAndPort(host, port), ip, hostname, role, "online", -1, new NodeTls.NotConnected());
    }

    /** Every shard with a primary, in the order the server listed them. */
    public List<Shard> shards() {
        return shards;
    }

    /** Every node: each shard's primary, then its replicas. */
    public List<ClusterNode> nodes() {
        List<ClusterNode> all = new ArrayList<>();
        for (Shard s : shards) {
            all.addAll(s.nodes());
        }
        return all;
    }

    /** Each shard's primary. */
    public List<ClusterNode> primaries() {
        List<ClusterNode> all = new ArrayList<>(shards.size());
        for (Shard s : shards) {
            all.add(s.primary());
        }
        return all;
    }

    /** The shard serving {@code slot}, if any. */
    public Optional<Shard> shardOf(int slot) {
        return Optional.ofNullable(slot >= 0 && slot < bySlot.length ? bySlot[slot] : null);
    }

    /** The primary serving {@code slot}, or null. */
    ClusterNode primaryOf(int slot) {
        Shard s = bySlot[slot];
        return s == null ? null : s.primary();
    }

    Shard shardAt(int slot) {
        return bySlot[slot];
    }

    /** How many of the 16384 slots no shard serves (0 for a healthy cluster). */
    public int uncoveredSlots() {
        int n = 0;
        for (Shard s : bySlot) {
            if (s == null) {
                n++;
            }
        }
        return n;
    }

    /** Which command and node this topology came from, e.g. {@code CLUSTER SHARDS from 127.0.0.1:7001}. */
    public String source() {
        return source;
    }

    /** A copy with every node passed through {@code change} (e.g. to add TLS facts). */
    public ClusterTopology mapNodes(UnaryOperator<ClusterNode> change) {
        List<Shard> out = new ArrayList<>(shards.size());
        for (Shard s : shards) {
            List<ClusterNode> replicas = new ArrayList<>(s.replicas().size());
            for (ClusterNode r : s.replicas()) {
                replicas.add(change.apply(r));
            }
            out.add(new Shard(s.slots(), change.apply(s.primary()), replicas));
        }
        return new ClusterTopology(out, source);
    }

    /** One line per shard: slot ranges, primary, replicas. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ClusterTopology (").append(source).append(")");
        for (Shard s : shards) {
            sb.append("\n  slots ").append(s.slots().isEmpty() ? "none" : s.slots()).append(": ").append(s.primary());
            for (ClusterNode r : s.replicas()) {
                sb.append("\n    ").append(r);
            }
        }
        return sb.toString();
    }

    private static List<RedisReply> list(RedisReply r, String what) {
        if (r == null || r.isNull()) {
            throw new RedisException("malformed cluster topology: " + what + " is missing");
        }
        r.throwIfError();
        try {
            return r.asList();
        } catch (RedisException e) {
            throw new RedisException("malformed cluster topology: " + what + " is not an array: " + r, e);
        }
    }

    private static Map<String, RedisReply> map(RedisReply r, String what) {
        if (r == null || r.isNull()) {
            throw new RedisException("malformed cluster topology: " + what + " is missing");
        }
        try {
            return r.asMap();
        } catch (RedisException e) {
            throw new RedisException("malformed cluster topology: " + what + " is not a map: " + r, e);
        }
    }

    private static String text(Map<String, RedisReply> m, String key) {
        RedisReply v = m.get(key);
        return v == null || v.isNull() ? "" : v.asString();
    }

    private static Long number(Map<String, RedisReply> m, String key) {
        RedisReply v = m.get(key);
        return v == null || v.isNull() ? null : v.asLong();
    }
}
