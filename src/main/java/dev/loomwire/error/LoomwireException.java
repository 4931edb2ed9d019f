package dev.loomwire.error;

import dev.loomwire.error.ConnectPhase;
import dev.loomwire.tls.TlsException;

import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Root of every exception the PostgreSQL driver, the Redis driver and the pool throw (unchecked).
 * {@link #category()} says what a caller can do about it; {@link #driver()} says who threw it.
 * For connect failures {@link #connectPhase()}, {@link #host()} and {@link #tlsFailure()} say
 * where it failed; for timeouts {@link #timeoutKind()} says which limit passed.
 *
 * <p>The category of a connection failure built without explicit details is read from its cause:
 * a wrapped {@code LoomwireException} keeps its category; otherwise a {@link TlsException} (kind {@code CONFIG}: {@link ErrorCategory#CONFIGURATION}, any other:
 * {@link ErrorCategory#CONNECT} in phase TLS), an unknown host (DNS) or a refused or unroutable
 * TCP connect (TCP) mean nothing was sent; anything else is {@link ErrorCategory#BROKEN}, since
 * the outcome of a command in flight cannot be known.
 */
public abstract class LoomwireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCategory category;
    private final TimeoutKind timeoutKind;
    private final String host;
    private final ConnectPhase phase;

    /** A failure of a fixed category (not {@link ErrorCategory#TIMEOUT}: use the timeout constructor). */
    protected LoomwireException(ErrorCategory category, String message, Throwable cause) {
        this(category, null, null, null, message, cause);
    }

    /** A {@link ErrorCategory#TIMEOUT} of the given kind. */
    protected LoomwireException(TimeoutKind timeoutKind, String message, Throwable cause) {
        this(ErrorCategory.TIMEOUT, timeoutKind, null, null, message, cause);
    }

    /**
     * A connection failure whose category is {@link ErrorCategory#CONNECT} when {@code phase} is
     * given, else read from the cause (see the class comment). {@code host} may be null.
     */
    protected LoomwireException(String host, ConnectPhase phase, String message, Throwable cause) {
        this(phase == null ? null : ErrorCategory.CONNECT, null, host, phase, message, cause);
    }

    private LoomwireException(ErrorCategory category, TimeoutKind timeoutKind, String host, ConnectPhase phase,
                              String message, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause); // a null cause stays unset, so a caller may still initCause later
        }
        if (category == ErrorCategory.TIMEOUT && timeoutKind == null) {
            throw new IllegalArgumentException("a TIMEOUT needs its TimeoutKind");
        }
        this.category = category;
        this.timeoutKind = timeoutKind;
        this.host = host;
        this.phase = phase;
    }

    /** What kind of failure this is. */
    public ErrorCategory category() {
        if (category != null) {
            return category;
        }
        LoomwireException wrapped = wrapped();
        if (wrapped != null) {
            return wrapped.category();
        }
        Optional<TlsException.Kind> tls = tlsFailure();
        if (tls.isPresent()) {
            return tls.get() == TlsException.Kind.CONFIG ? ErrorCategory.CONFIGURATION : ErrorCategory.CONNECT;
        }
        return phaseOfCause().isPresent() ? ErrorCategory.CONNECT : ErrorCategory.BROKEN;
    }

    /** The driver (or the pool) that threw this. */
    public abstract Driver driver();

    /** Which time limit passed; present exactly when {@link #category()} is {@link ErrorCategory#TIMEOUT}. */
    public Optional<TimeoutKind> timeoutKind() {
        if (category == null && timeoutKind == null) {
            LoomwireException wrapped = wrapped();
            if (wrapped != null) {
                return wrapped.timeoutKind();
            }
        }
        return Optional.ofNullable(timeoutKind);
    }

    /** For a connect failure: the step that failed, when known. */
    public Optional<ConnectPhase> connectPhase() {
        if (phase != null) {
            return Optional.of(phase);
        }
        ErrorCategory c = category();
        if (c != ErrorCategory.CONNECT && !(c == ErrorCategory.TIMEOUT && timeoutKind().orElse(null) == TimeoutKind.CONNECT)) {
            return Optional.empty();
        }
        return phaseOfCause();
    }

    /** The kind of the first {@link TlsException} in the cause chain: why TLS failed, if it did. */
    public Optional<TlsException.Kind> tlsFailure() {
        for (Throwable t : causes()) {
            if (t instanceof TlsException tls) {
                return Optional.of(tls.kind());
            }
        }
        return Optional.empty();
    }

    /** For a connect failure: the host (and port) that could not be reached, when known. */
    public Optional<String> host() {
        if (host != null) {
            return Optional.of(host);
        }
        for (Throwable t : causes()) {
            if (t != this && t instanceof LoomwireException l && l.host != null) {
                return Optional.of(l.host);
            }
        }
        return Optional.empty();
    }

    /**
     * True when nothing reached the server, so repeating the operation cannot apply it twice: a
     * {@link ErrorCategory#CONNECT} failure, or a connect or pool-acquire timeout.
     */
    public boolean safeToRetry() {
        return switch (category()) {
            case CONNECT -> true;
            case TIMEOUT -> timeoutKind().filter(k -> k != TimeoutKind.COMMAND).isPresent();
            default -> false;
        };
    }

    /** The driver exception this one wraps, whose category it keeps when it has none of its own. */
    private LoomwireException wrapped() {
        for (Throwable t : causes()) {
            if (t != this && t instanceof LoomwireException l) {
                return l;
            }
        }
        return null;
    }

    private Optional<ConnectPhase> phaseOfCause() {
        for (Throwable t : causes()) {
            if (t != this && t instanceof LoomwireException l && l.phase != null) {
                return Optional.of(l.phase);
            }
            if (t instanceof TlsException) {
                return Optional.of(ConnectPhase.TLS);
            }
            if (t instanceof UnknownHostException) {
                return Optional.of(ConnectPhase.DNS);
            }
            if (t instanceof java.net.ConnectException || t instanceof NoRouteToHostException) {
                return Optional.of(ConnectPhase.TCP);
            }
        }
        return Optional.empty();
    }

    /** This exception and its causes, each once. */
    private Iterable<Throwable> causes() {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = this; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
