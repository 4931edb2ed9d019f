package dev.loomwire.net;

import dev.loomwire.error.ConnectPhase;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The listener behind the drivers' DEBUG "connected to ..." line: remembers how long each phase of
 * the latest attempt took and what came of it, and renders them in order
 * ({@code TCP 0.4 ms, SSLRequest 0.2 ms (server said S), TLS TLSv1.3 ..., auth SCRAM-SHA-256 3.1 ms}).
 * A new TCP phase starts a new attempt. One connect at a time.
 */
public final class ConnectLog<M> implements ConnectListener<M> {
    private record Done(Duration took, String detail) {}

    private final Map<ConnectPhase, Done> phases = new EnumMap<>(ConnectPhase.class);
    private long attemptStart = System.nanoTime();

    @Override
    public void phaseStarted(ConnectPhase phase, String target) {
        if (phase == ConnectPhase.TCP) {
            phases.keySet().removeIf(p -> p != ConnectPhase.DNS);
            attemptStart = System.nanoTime();
        }
    }

    @Override
    public void phaseSucceeded(ConnectPhase phase, String target, Duration took, String detail) {
        phases.put(phase, new Done(took, detail));
    }

    /** Time since the latest attempt's TCP connect began. */
    public Duration attemptTime() {
        return Duration.ofNanos(System.nanoTime() - attemptStart);
    }

    /** The phases of the latest attempt, in order, each with its time and outcome. */
    public String line() {
        StringJoiner j = new StringJoiner(", ");
        for (Map.Entry<ConnectPhase, Done> e : phases.entrySet()) {
            Done d = e.getValue();
            switch (e.getKey()) {
                case TCP -> j.add("TCP " + millis(d.took()));
                case SSL_REQUEST -> j.add("SSLRequest " + millis(d.took()) + " (" + d.detail() + ")");
                case TLS -> j.add("TLS " + d.detail());
                case AUTH -> j.add(d.detail() + " " + millis(d.took()));
                default -> { }
            }
        }
        if (!phases.containsKey(ConnectPhase.TLS)) {
            j.add("no TLS");
        }
        return j.toString();
    }

    public static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
