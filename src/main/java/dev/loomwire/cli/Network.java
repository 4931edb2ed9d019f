package dev.loomwire.cli;

import dev.loomwire.net.Dialer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.List;

/** The probes' DNS phase as the report shows it, and small socket helpers. */
final class Network {
    private Network() {}

    /**
     * Resolves {@code host} through the drivers' {@link Dialer} (or takes {@code hostaddr}, which the
     * driver's parser checked is numeric: no lookup) and records the DNS phase; {@code null} if that failed.
     */
    static List<InetAddress> resolve(Report report, String host, String hostaddr) {
        PhaseRecorder<Object> seen = new PhaseRecorder<>();
        String name = hostaddr != null ? hostaddr : host;
        try {
            List<InetAddress> all = Dialer.resolve(name, name, seen);
            if (hostaddr != null) {
                report.phase("dns", null, Report.Status.INFO, "skipped: hostaddr=" + all.get(0).getHostAddress() + " given"
                        + (host == null ? "" : " (host " + host + " is used for verification and SNI only)"));
                return all;
            }
            dns(report, name, seen.steps.get(0));
            return all;
        } catch (UnknownHostException e) {
            dns(report, name, seen.steps.get(0));
            return null;
        }
    }

    /** The report's "dns" phase for a DNS step a driver's connector reported. */
    static void dns(Report report, String host, PhaseRecorder.Step step) {
        if (step.failure() != null) {
            report.phase("dns", step.millis(), Report.Status.FAIL, "cannot resolve " + host);
            report.conclusion = "host name " + host + " does not resolve";
            return;
        }
        Report.Phase p = report.phase("dns", step.millis(), Report.Status.OK, host + " → " + step.detail());
        p.data().put("addresses", List.of(step.detail().split(", ")));
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
