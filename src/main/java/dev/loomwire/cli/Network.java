package dev.loomwire.cli;


import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The PostgreSQL probe's DNS phase as the report shows it, and small socket helpers. */
final class Network {
    private Network() {}

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
