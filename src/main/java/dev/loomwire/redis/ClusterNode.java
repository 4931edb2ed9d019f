package dev.loomwire.redis;

/**
 * One node of a Redis Cluster as the cluster announces it.
 *
 * @param id                the node id
 * @param address           the announced endpoint and the port for this client's transport (the
 *                          TLS port over TLS); an endpoint announced as {@code ?} or empty is
 *                          replaced by the address of the node that answered
 * @param ip                the node's IP as the cluster knows it ({@code ""} when not reported)
 * @param hostname          the announced host name ({@code ""} when none)
 * @param role              primary or replica
 * @param health            {@code online}, {@code loading} or {@code fail} ({@code online} when the
 *                          source does not say, e.g. CLUSTER SLOTS)
 * @param replicationOffset the replication offset ({@code -1} when not reported)
 * @param tls               what the client knows about TLS to this node
 */
public record ClusterNode(String id, HostAndPort address, String ip, String hostname, Role role, String health,
                          long replicationOffset, NodeTls tls) {
    /** A node's role in its shard. */
    public enum Role { PRIMARY, REPLICA }

    /** True when the node is not marked {@code fail} or {@code loading}. */
    public boolean isHealthy() {
        return "online".equals(health);
    }

    /** This node with other TLS facts. */
    public ClusterNode withTls(NodeTls facts) {
        return new ClusterNode(id, address, ip, hostname, role, health, replicationOffset, facts);
    }

    @Override
    public String toString() {
        return address + " " + role.name().toLowerCase(java.util.Locale.ROOT) + " " + id
                + (hostname.isEmpty() ? "" : " hostname=" + hostname) + (ip.isEmpty() ? "" : " ip=" + ip)
                + " " + health;
    }
}
