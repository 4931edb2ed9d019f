package dev.loomwire.cli;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.net.Dialer;
import dev.loomwire.tls.SocketOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The DNS and TCP phases every probe starts with. */
final class Network {
    private Network() {}

    /** The DNS and TCP phases: a connected socket, or {@code null} when either failed (the report says why). */
    static Socket open(Report report, String host, String hostaddr, int port, Duration timeout) {
        List<InetAddress> addresses = resolve(report, host, hostaddr);
        return addresses == null ? null : connect(report, addresses, port, timeout);
    }

    /** Resolves {@code host} (or takes {@code hostaddr}, which the driver's parser checked is numeric) and records the DNS phase; {@code null} if that failed. */
    static List<InetAddress> resolve(Report report, String host, String hostaddr) {
        long t0 = System.nanoTime();
        try {
            if (hostaddr != null) {
                InetAddress a = InetAddress.getByName(hostaddr);
                report.phase("dns", null, Report.Status.INFO, "skipped: hostaddr=" + a.getHostAddress() + " given"
                        + (host == null ? "" : " (host " + host + " is used for verification and SNI only)"));
                return List.of(a);
            }
            InetAddress[] all = InetAddress.getAllByName(host);
            List<String> shown = new ArrayList<>();
            for (InetAddress a : all) {
                shown.add(a.getHostAddress());
            }
            Report.Phase p = report.phase("dns", Report.since(t0), Report.Status.OK, host + " → " + String.join(", ", shown));
            p.data().put("addresses", shown);
            return List.of(all);
        } catch (UnknownHostException e) {
            report.phase("dns", Report.since(t0), Report.Status.FAIL, "cannot resolve " + (hostaddr != null ? hostaddr : host));
            report.conclusion = "host name " + (hostaddr != null ? hostaddr : host) + " does not resolve";
            return null;
        }
    }

    /** Connects to the first address that accepts, recording the TCP phase; {@code null} if none did. */
    static Socket connect(Report report, List<InetAddress> addresses, int port, Duration timeout) {
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (InetAddress a : addresses) {
            long t = System.nanoTime();
            try {
                Socket s = reconnect(a, port, timeout);
                Report.Phase p = report.phase("tcp connect", Report.since(t), Report.Status.OK,
                        "connected to " + hostPort(a, port));
                if (!failures.isEmpty()) {
                    p.details().put("failed first", failures);
                }
                return s;
            } catch (SocketTimeoutException e) {
                failures.add(hostPort(a, port) + ": no answer within " + timeout.toMillis() + " ms (firewall?)");
            } catch (IOException e) {
                failures.add(hostPort(a, port) + ": " + e.getMessage());
            }
        }
        Report.Phase p = report.phase("tcp connect", Report.since(t0), Report.Status.FAIL, "cannot connect to port " + port);
        p.details().put("attempts", failures);
        report.conclusion = "cannot connect: " + String.join("; ", failures);
        return null;
    }

    /**
     * A connection to {@code a} through the drivers' {@link Dialer} (their socket options, so the
     * TLS layer can recover a server's alert), reads bounded by {@code timeout}; also for the extra
     * verification handshakes.
     */
    static Socket reconnect(InetAddress a, int port, Duration timeout) throws IOException {
        Socket s = Dialer.connect(new InetSocketAddress(a, port), hostPort(a, port), SocketOptions.DEFAULTS,
                Dialer.Deadline.after(timeout), ConnectListener.none());
        try {
            s.setSoTimeout((int) timeout.toMillis());
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    static String hostPort(InetAddress a, int port) {
        String h = a.getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort at the end of a probe
            }
        }
    }
}
