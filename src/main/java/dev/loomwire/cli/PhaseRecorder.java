package dev.loomwire.cli;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.error.ConnectPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The probes' listener on a driver's connector: records, in order, each phase that ended and each
 * message the server sent, for the probe to turn into its report afterwards.
 *
 * @param <M> the driver's message type
 */
final class PhaseRecorder<M> implements ConnectListener<M> {
    /** One phase that ended: {@code failure} is null when it succeeded. */
    record Step(ConnectPhase phase, String target, Duration took, String detail, Exception failure) {
        double millis() {
            return took.toNanos() / 1_000_000.0;
        }
    }

    final List<Step> steps = new ArrayList<>();
    final List<M> received = new ArrayList<>();

    @Override
    public void phaseSucceeded(ConnectPhase phase, String target, Duration took, String detail) {
        steps.add(new Step(phase, target, took, detail, null));
    }

    @Override
    public void phaseFailed(ConnectPhase phase, String target, Duration took, Exception failure) {
        steps.add(new Step(phase, target, took, null, failure));
    }

    @Override
    public void received(M message) {
        received.add(message);
    }

    /** The first step of {@code phase}, if it ended. */
    Optional<Step> step(ConnectPhase phase) {
        return steps.stream().filter(s -> s.phase() == phase).findFirst();
    }

    /** The steps of {@code phase}, in order. */
    List<Step> all(ConnectPhase phase) {
        return steps.stream().filter(s -> s.phase() == phase).toList();
    }
}
