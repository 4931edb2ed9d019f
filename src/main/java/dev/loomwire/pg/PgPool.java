package dev.loomwire.pg;

import dev.loomwire.pool.ConnectionFactory;
import dev.loomwire.pool.ConnectionPool;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.pool.PoolTimeoutException;
import dev.loomwire.pool.PooledConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.loomwire.net.ConnectListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The thread-safe entry point to one PostgreSQL database: share one instance between any number
 * of (virtual) threads. Each call borrows a {@link PgConnection} from a fair
 * {@link ConnectionPool} and gives it back; a connection broken by a network or protocol failure
 * is discarded, and one handed back inside a transaction is rolled back (or discarded).
 *
 * <p>Timeouts: {@link PgConfig#connectTimeout()} bounds TCP connect + TLS + authentication
 * together; {@link PoolSettings#acquireTimeout()} bounds the wait for a free connection
 * ({@link PoolTimeoutException}); the command timeout bounds each call ({@link #query},
 * {@link #execute}, or a whole {@link #inTransaction}/{@link #withConnection} function): at the
 * timeout the statement is cancelled with a CancelRequest and the caller gets
 * {@link PgQueryCanceledException}; if the server does not react within one more timeout, the
 * connection is closed and the caller gets {@link PgConnectionException}. The end of a call and
 * that close are one decision, so a connection is never lent to the next caller and then closed
 * under it. A cancel (its own connection) is bounded as a whole by {@code connect_timeout}
 * (10 s when that is unlimited). After {@link #close()}
 * every call throws {@link PoolClosedException}.
 */
public final class PgPool implements PgClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgPool.class);

    private final PgConfig config;
    private final ConnectionPool<PgConnection> pool;
    private final CommandTimer timer;
    private final Duration commandTimeout;

    private PgPool(PgConfig config, PoolSettings settings, PgCodecRegistry codecs, Function<String, CommandTimer> timer) {
        this.config = config;
        PoolSettings named = settings.name().equals(PoolSettings.DEFAULTS.name())
                ? settings.toBuilder().name("pg" + config.hosts()).build() : settings;
        this.timer = timer.apply(named.name());
        this.commandTimeout = this.timer.timeout();
        this.pool = new ConnectionPool<>(new Factory(config, codecs), named);
    }

    /** A pool whose calls are bounded by {@code timer}: for tests that drive the timer by hand. */
    static PgPool create(PgConfig config, PoolSettings pool, CommandTimer timer) {
        return new PgPool(config, pool, PgCodecRegistry.defaults(), name -> timer);
    }

    /** A pool for a conninfo string or {@code postgresql://} URI with default pool settings and no command timeout. */
    public static PgPool create(String conninfo) {
        return create(PgConfig.parse(conninfo), PoolSettings.DEFAULTS, Duration.ZERO);
    }

    public static PgPool create(String conninfo, PoolSettings pool) {
        return create(PgConfig.parse(conninfo), pool, Duration.ZERO);
    }

    /**
     * A pool with these connection and pool settings. {@code commandTimeout} bounds each call
     * ({@link Duration#ZERO}: no limit). Connections open lazily (or {@code minIdle} in the background).
     */
    public static PgPool create(PgConfig config, PoolSettings pool, Duration commandTimeout) {
        return create(config, pool, commandTimeout, PgCodecRegistry.defaults());
    }

    /** As {@link #create(PgConfig, PoolSettings, Duration)}, each connection converting values with {@code codecs}. */
    public static PgPool create(PgConfig config, PoolSettings pool, Duration commandTimeout, PgCodecRegistry codecs) {
        if (config == null || pool == null || codecs == null) {
            throw new IllegalArgumentException("config, pool settings and codec registry must not be null");
        }
        if (commandTimeout == null || commandTimeout.isNegative()) {
            throw new IllegalArgumentException("command_timeout must be zero (none) or positive");
        }
        return new PgPool(config, pool, codecs, name -> new CommandTimer(commandTimeout, name));
    }

    public PgConfig config() {
        return config;
    }

    public PoolSettings poolSettings() {
        return pool.settings();
    }

    /** The bound on each call; ZERO for none. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** The pool's counters: total, idle, in use, opening, waiting. */
    public PoolStats stats() {
        return pool.stats();
    }

    /** Runs one statement with parameters ($1, $2, ...) and returns its rows. */
    @Override
    public PgResult query(String sql, Object... params) {
        return withConnection(c -> c.query(sql, params));
    }

    /** Runs a statement and returns the affected row count (see {@link PgConnection#execute}). */
    @Override
    public long execute(String sql, Object... params) {
        return withConnection(c -> c.execute(sql, params));
    }

    /** Streams one statement's rows to {@code consumer} on one connection (see {@link PgConnection#stream}). */
    @Override
    public long stream(String sql, java.util.List<?> params, java.util.function.Consumer<PgRow> consumer) {
        return withConnection(c -> c.stream(sql, params, consumer));
    }

    /** One statement × many parameter sets pipelined on one connection (see {@link PgConnection#executeBatch(List)}). */
    @Override
    public PgBatchResult executeBatch(String sql, java.util.List<? extends java.util.List<?>> paramSets) {
        return withConnection(c -> c.executeBatch(sql, paramSets));
    }

    /** Several statements pipelined on one connection (see {@link PgConnection#executeBatch(List)}). */
    @Override
    public PgBatchResult executeBatch(java.util.List<PgStatement> statements) {
        return withConnection(c -> c.executeBatch(statements));
    }

    /** Describes a statement on one connection without running it. */
    @Override
    public PgStatementDescription describe(String sql, Object... paramTypeHints) {
        return withConnection(c -> c.describe(sql, paramTypeHints));
    }

    /** Runs {@code work} in a transaction on one connection: commits if it returns, rolls back if it throws. */
    @Override
    public <T> T inTransaction(Function<PgConnection, T> work) {
        return withConnection(c -> c.inTransaction(work));
    }

    /**
     * Lends one connection exclusively for {@code work} (LISTEN, COPY, several statements that
     * must share a session). Leave the session as you found it; an open transaction is rolled back.
     */
    @Override
    public <T> T withConnection(Function<PgConnection, T> work) {
        PooledConnection<PgConnection> lease = pool.acquire();
        PgConnection c = lease.get();
        try {
            return timer.run(c, work);
        } catch (Error e) {
            lease.discard();
            throw e;
        } finally {
            if (!c.isClosed() && c.transactionStatus() != 'I') {
                rollbackOrDiscard(c, lease);
            }
            lease.close();
        }
    }

    private static void rollbackOrDiscard(PgConnection c, PooledConnection<PgConnection> lease) {
        try {
            c.rollback();
        } catch (PgException e) {
            LOG.debug("rollback of a transaction left open failed ({}); discarding the connection", e.getMessage());
            lease.discard();
        }
    }

    /** Closes the pool: waiters fail, idle connections close now, lent ones when given back. */
    @Override
    public void close() {
        pool.close();
        timer.close();
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public String toString() {
        return "PgPool[" + config.hosts() + " " + pool.stats() + "]";
    }

    /**
     * Opens, checks and closes the pool's connections. For standby, read-only and prefer-standby
     * each new connection starts the host walk one entry further down, so the pool spreads over
     * every qualifying server; a connection whose server stopped qualifying (promotion, a primary
     * turned read-only) is retired when it is given back or found idle.
     */
    private static final class Factory implements ConnectionFactory<PgConnection> {
        private final PgConfig config;
        private final PgCodecRegistry codecs;
        private final boolean spread;
        private final AtomicInteger opened = new AtomicInteger();

        Factory(PgConfig config, PgCodecRegistry codecs) {
            this.config = config;
            this.codecs = codecs;
            this.spread = switch (config.targetSessionAttrs()) {
                case STANDBY, READ_ONLY, PREFER_STANDBY -> config.hosts().size() > 1;
                default -> false;
            };
        }

        @Override
        public PgConnection open() {
            return PgConnection.connect(config, ConnectListener.none(), spread ? opened.getAndIncrement() : 0, codecs);
        }

        @Override
        public boolean isUsable(PgConnection c) {
            if (c.isClosed()) {
                return false;
            }
            if (!c.matchesTargetSessionAttrs()) {
                LOG.info("retiring a connection to {}: the server is no longer what target_session_attrs={} asks for",
                        c.host(), config.targetSessionAttrs().keyword());
                return false;
            }
            return true;
        }

        @Override
        public boolean validate(PgConnection c) {
            c.execute("");
            return c.transactionStatus() == 'I' && isUsable(c);
        }

        @Override
        public void close(PgConnection c) {
            c.close();
        }
    }
}
