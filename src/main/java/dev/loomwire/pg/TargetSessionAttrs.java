package dev.loomwire.pg;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * libpq's {@code target_session_attrs}: which kind of server a connection accepts when the
 * connection string names several hosts. Decided from the {@code in_hot_standby} and
 * {@code default_transaction_read_only} parameters PostgreSQL 14+ reports at startup, or by
 * {@code SHOW transaction_read_only} / {@code SELECT pg_is_in_recovery()} on older servers.
 */
public enum TargetSessionAttrs {
    /** Any server that accepts the connection (the default). */
    ANY,
    /** Not in hot standby and {@code default_transaction_read_only} off: a writable primary. */
    READ_WRITE,
    /** In hot standby, or {@code default_transaction_read_only} on. */
    READ_ONLY,
    /** Not in hot standby. */
    PRIMARY,
    /** In hot standby. */
    STANDBY,
    /** A standby if any host is one; otherwise, on a second pass from the first host, any server. */
    PREFER_STANDBY;

    /** The conninfo spelling, e.g. {@code prefer-standby}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True if the server's state must be known: every value but {@link #ANY}. */
    boolean needsServerState() {
        return this != ANY;
    }

    /** Whether a server in this state qualifies (on the first pass for prefer-standby). */
    public boolean accepts(boolean inHotStandby, boolean readOnly) {
        return switch (this) {
            case ANY -> true;
            case READ_WRITE -> !inHotStandby && !readOnly;
            case READ_ONLY -> inHotStandby || readOnly;
            case PRIMARY -> !inHotStandby;
            case STANDBY, PREFER_STANDBY -> inHotStandby;
        };
    }

    /** Decides by read-only state (SHOW transaction_read_only) rather than hot standby (pg_is_in_recovery()). */
    boolean decidedByReadOnly() {
        return this == READ_WRITE || this == READ_ONLY;
    }

    static TargetSessionAttrs parse(String value) {
        for (TargetSessionAttrs t : values()) {
            if (t.keyword().equals(value)) {
                return t;
            }
        }
        throw new PgConfigException("invalid target_session_attrs value \"" + value + "\" (one of "
                + Arrays.stream(values()).map(TargetSessionAttrs::keyword).collect(Collectors.joining(", ")) + ")");
    }
}
