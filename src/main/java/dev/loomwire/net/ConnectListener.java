package dev.loomwire.net;

import dev.loomwire.error.ConnectPhase;
import java.time.Duration;

/**
 * Observes connection set-up: each {@link ConnectPhase} as it starts and ends, for each host and
 * address tried, and each protocol message received while connecting, as the driver's typed
 * message object ({@code M}). Connect logging, protocol tracing and {@code probe} are listeners.
 * Called on the connecting thread; must not block or throw.
 *
 * @param <M> the driver's message type (PostgreSQL backend messages, Redis replies)
 */
public interface ConnectListener<M> {
    /** A phase begins; {@code target} names the host entry and address ("db1:5432 (10.0.0.1)"). */
    default void phaseStarted(ConnectPhase phase, String target) {}

    /** A phase succeeded after {@code took}; {@code detail} says what came of it (e.g. "TLSv1.3", "server said N"). */
    default void phaseSucceeded(ConnectPhase phase, String target, Duration took, String detail) {}

    /** A phase failed after {@code took} with {@code failure}, which the driver then handles (next attempt, or thrown). */
    default void phaseFailed(ConnectPhase phase, String target, Duration took, Exception failure) {}

    /** A message the server sent while connecting (before the connection is handed out). */
    default void received(M message) {}

    /** A description of a message sent while connecting; never contains a secret. */
    default void sent(String description) {}

    /** A listener that observes nothing. */
    static <M> ConnectListener<M> none() {
        return new ConnectListener<>() { };
    }

    /** Both listeners, {@code first} first. */
    static <M> ConnectListener<M> both(ConnectListener<M> first, ConnectListener<M> second) {
        return new ConnectListener<>() {
            @Override
            public void phaseStarted(ConnectPhase phase, String target) {
                first.phaseStarted(phase, target);
                second.phaseStarted(phase, target);
            }

            @Override
            public void phaseSucceeded(ConnectPhase phase, String target, Duration took, String detail) {
                first.phaseSucceeded(phase, target, took, detail);
                second.phaseSucceeded(phase, target, took, detail);
            }

            @Override
            public void phaseFailed(ConnectPhase phase, String target, Duration took, Exception failure) {
                first.phaseFailed(phase, target, took, failure);
                second.phaseFailed(phase, target, took, failure);
            }

            @Override
            public void received(M message) {
                first.received(message);
                second.received(message);
            }

            @Override
            public void sent(String description) {
                first.sent(description);
                second.sent(description);
            }
        };
    }
}
