package dev.loomwire.redis;

/**
 * A node's address as a host (name or IP literal, without brackets) and a port: a seed of a
 * {@code rediss://host1:7000,host2:7001} URI, a node announced by a cluster, or where to dial it.
 */
public record HostAndPort(String host, int port) {
    public HostAndPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port + " for " + host + ": expected 1 to 65535");
        }
    }

    /** {@code host:port}, IPv6 literals in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
