package dev.loomwire.tls;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP settings that detect a peer that died silently, named as in libpq and applied the same way
 * for PostgreSQL and Redis:
 * <ul>
 *   <li>{@code keepalives} (1, default, or 0): TCP keepalive probes on an idle connection;</li>
 *   <li>{@code keepalives_idle}, {@code keepalives_interval} (seconds), {@code keepalives_count}:
 *       when the first probe goes out, how often, how many unanswered ones end the connection
 *       ({@link ExtendedSocketOptions#TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL}, {@code TCP_KEEPCOUNT});
 *       0 or absent leaves the system default;</li>
 *   <li>{@code tcp_user_timeout} (milliseconds): how long written data may stay undelivered before
 *       the connection is closed. The JDK cannot set Linux's {@code TCP_USER_TIMEOUT}, so a socket
 *       from {@link #newSocket()} enforces it on each write: a write that cannot complete within the
 *       limit (the peer neither reads nor acknowledges) closes the socket and fails.</li>
 * </ul>
 *
 * @param keepalives         whether keepalive probes are sent
 * @param keepalivesIdle     idle time before the first probe, or {@code null} for the system default
 * @param keepalivesInterval time between probes, or {@code null} for the system default
 * @param keepalivesCount    unanswered probes that end the connection, or 0 for the system default
 * @param userTimeout        bound on a blocked write, or {@code null} for none
 */
public record SocketOptions(boolean keepalives, Duration keepalivesIdle, Duration keepalivesInterval,
                            int keepalivesCount, Duration userTimeout) {
    /** libpq's defaults: keepalives on with the system's timings, no user timeout. */
    public static final SocketOptions DEFAULTS = new SocketOptions(true, null, null, 0, null);

    /** The libpq parameter names {@link #fromLibpq} reads. */
    public static final java.util.List<String> PARAMETERS = java.util.List.of("keepalives", "keepalives_idle",
            "keepalives_interval", "keepalives_count", "tcp_user_timeout");

    /**
     * The options the libpq-named parameters in {@code params} set (absent ones keep the defaults).
     *
     * @throws IllegalArgumentException naming the parameter whose value is not a non-negative integer
     */
    public static SocketOptions fromLibpq(Map<String, String> params) {
        boolean on = number(params, "keepalives") != 0;
        long idle = number(params, "keepalives_idle");
        long interval = number(params, "keepalives_interval");
        long count = number(params, "keepalives_count");
        long user = number(params, "tcp_user_timeout");
        if (!params.containsKey("keepalives")) {
            on = true;
        }
        return new SocketOptions(on, idle > 0 ? Duration.ofSeconds(idle) : null,
                interval > 0 ? Duration.ofSeconds(interval) : null, (int) count,
                user > 0 ? Duration.ofMillis(user) : null);
    }

    private static long number(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("invalid integer value \"" + v + "\" for connection option \"" + name + "\"");
    }

    /**
     * An unconnected socket with these options applied, enforcing {@link #userTimeout()} on writes.
     * {@link TlsSockets#layer} over such a socket also recovers the server's TLS alert when the
     * server hangs up while the client is still writing its handshake.
     */
    public Socket newSocket() throws IOException {
        Socket s = new TransportSocket(userTimeout == null ? 0 : userTimeout.toMillis());
        s.setKeepAlive(keepalives);
        if (keepalives) {
            setIfSupported(s, ExtendedSocketOptions.TCP_KEEPIDLE, keepalivesIdle);
            setIfSupported(s, ExtendedSocketOptions.TCP_KEEPINTERVAL, keepalivesInterval);
            if (keepalivesCount > 0 && s.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
                s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepalivesCount);
            }
        }
        return s;
    }

    private static void setIfSupported(Socket s, java.net.SocketOption<Integer> option, Duration d) throws IOException {
        if (d != null && s.supportedOptions().contains(option)) {
            s.setOption(option, (int) Math.min(Integer.MAX_VALUE, d.toSeconds()));
        }
    }
}
