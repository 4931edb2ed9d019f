package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;

import java.util.List;

/**
 * No host of the connection string gave a usable session: each was unreachable, not accepting
 * connections, or not of the kind {@code target_session_attrs} asks for. {@link #failures()}
 * lists every host tried, in order, with the category of its failure and libpq's wording.
 */
public class PgNoSuitableHostException extends PgConnectionException {
    /** Why one host was passed over. */
    public enum Reason {
        /** Name resolution, TCP connect or the connection itself failed, or connect_timeout passed. */
        UNREACHABLE,
        /** The server refused new connections for now (57P03: starting up, shutting down, in recovery). */
        NOT_ACCEPTING,
        /** Connected, but the server is not of the requested kind (e.g. a standby for read-write). */
        WRONG_SERVER_TYPE
    }

    /** One host tried and why it was passed over; {@code cause} is the driver's exception, absent for a wrong server type. */
    public record Failure(PgHost host, Reason reason, String message, PgException cause) {
        @Override
        public String toString() {
            return host + ": " + message;
        }
    }

    private static final long serialVersionUID = 1L;

    private final TargetSessionAttrs target;
    private final List<Failure> failures;

    PgNoSuitableHostException(TargetSessionAttrs target, List<Failure> failures) {
        super(message(target, failures), failures.isEmpty() ? null : failures.get(failures.size() - 1).cause());
        this.target = target;
        this.failures = List.copyOf(failures);
    }

    private static String message(TargetSessionAttrs target, List<Failure> failures) {
        boolean allWrongType = !failures.isEmpty()
                && failures.stream().allMatch(f -> f.reason() == Reason.WRONG_SERVER_TYPE);
        StringBuilder sb = new StringBuilder();
        if (allWrongType) {
            sb.append("no server of the requested type (target_session_attrs=").append(target.keyword())
                    .append("): every host was reached, none qualified");
        } else {
            sb.append("could not connect to any of ").append(failures.size()).append(" host")
                    .append(failures.size() == 1 ? "" : "s");
            if (target != TargetSessionAttrs.ANY) {
                sb.append(" (target_session_attrs=").append(target.keyword()).append(')');
            }
        }
        for (Failure f : failures) {
            sb.append("\n  ").append(f);
        }
        return sb.toString();
    }

    /** Always {@link ErrorCategory#CONNECT}: no session was established, nothing was sent. */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.CONNECT;
    }

    public TargetSessionAttrs targetSessionAttrs() {
        return target;
    }

    /** Every host tried, in the order tried. */
    public List<Failure> failures() {
        return failures;
    }
}
