package dev.loomwire.pg;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.tls.TlsConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL session over TCP, optionally TLS, with libpq's connection parameters. Blocking;
 * meant for one (virtual) thread at a time: not thread-safe, except {@link #cancel()} and
 * {@link #abort()}, which may be called from any thread (a second thread calling anything else
 * while a call runs gets a {@link PgException} instead of another caller's reply). A server
 * error leaves the connection usable; a network or protocol failure closes it and throws
 * {@link PgConnectionException}.
 *
 * <p>This class is the facade: the wire session and its one response dispatcher are
 * {@link PgSession}, prepared statements live in a {@link StatementCache}, and values are
 * converted through a {@link PgCodecRegistry}.
 */
public final class PgConnection implements PgClient, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
    private static final Logger NOTICE_LOG = LoggerFactory.getLogger("dev.loomwire.pg.notice");

    private final PgConfig config;
    private final TlsConfig tlsConfig;
    private final Connector.Established established;
    private final PgSession session;
    private final StatementCache statements = new StatementCache(StatementCache.DEFAULT_SIZE);
    private final PgCodecRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExtendedQuery queries;
    private final BatchRunner batches;
    private final CopyRunner copies;

    private PgConnection(PgConfig config, TlsConfig tlsConfig, Connector.Established e, PgCodecRegistry registry) {
        this.config = config;
        this.tlsConfig = tlsConfig;
        this.established = e;
        this.session = new PgSession(e, PgConnection::logNotice);
        this.registry = registry;
        this.queries = new ExtendedQuery(session, statements);
        this.batches = new BatchRunner(session, statements, queries);
        this.copies = new CopyRunner(session, queries);
    }

    /** Connects with a libpq conninfo string ({@code host=... sslmode=...}) or a {@code postgresql://} URI. */
    public static PgConnection connect(String conninfo) {
        return connect(PgConfig.parse(conninfo));
    }

    /** Connects with a parsed configuration and the built-in codecs. */
    public static PgConnection connect(PgConfig config) {
        return connect(config, ConnectListener.none());
    }

    /**
     * Connects with a parsed configuration and these codecs. If the registry has codecs by type
     * name, their OIDs are looked up in {@code pg_type} right after connecting (one round trip).
     */
    public static PgConnection connect(PgConfig config, PgCodecRegistry codecs) {
        return connect(config, ConnectListener.none(), 0, codecs);
    }

    /** Connects, reporting each phase of each host tried and each message of the set-up to {@code listener}. */
    static PgConnection connect(PgConfig config, ConnectListener<BackendMessage> listener) {
        return connect(config, listener, 0);
    }

    /** Connects starting the host walk {@code rotation} entries down the list (see {@link Connector#connect}). */
    static PgConnection connect(PgConfig config, ConnectListener<BackendMessage> listener, int rotation) {
        return connect(config, listener, rotation, PgCodecRegistry.defaults());
    }

    static PgConnection connect(PgConfig config, ConnectListener<BackendMessage> listener, int rotation,
            PgCodecRegistry codecs) {
        if (codecs == null) {
            throw new IllegalArgumentException("codec registry must not be null (use PgCodecRegistry.defaults())");
        }
        TlsConfig tlsConfig = Connector.tlsConfigFor(config);
        Connector.Established e = Connector.connect(config, tlsConfig, PgConnection::logNotice, listener, rotation);
        PgConnection c = new PgConnection(config, tlsConfig, e, codecs);
        try {
            c.resolveCodecs();
        } catch (RuntimeException failure) {
            c.close();
            throw failure;
        }
        LOG.debug("connected to {} (pid {}, {})", c.host(), c.processId(),
                e.tls() == null ? "no TLS" : e.tls().protocol());
        return c;
    }

    /** Places the registry's by-name codecs at the OIDs this database gave those types. */
    private void resolveCodecs() {
        if (registry.typeNames().isEmpty()) {
            queries.codecs(registry.resolve(Map.of()));
            return;
        }
        StringBuilder in = new StringBuilder();
        for (String name : registry.typeNames()) {
            in.append(in.isEmpty() ? "" : ",").append('\'').append(name.replace("'", "''")).append('\'');
        }
        Map<String, Integer> oids = new HashMap<>();
        for (PgRow r : simpleQuery("SELECT typname::text, oid::int8 FROM pg_catalog.pg_type WHERE typname IN ("
                + in + ") ORDER BY oid").get(0)) {
            oids.putIfAbsent(r.getString(0), (int) r.getLong(1));
        }
        queries.codecs(registry.resolve(oids));
    }

    private static void logNotice(PgNotice n) {
        switch (n.severity()) {
            case "WARNING" -> NOTICE_LOG.warn("{}", n);
            case "DEBUG" -> NOTICE_LOG.debug("{}", n);
            default -> NOTICE_LOG.info("{}", n);
        }
    }

    /** Replaces the notice handler (default: SLF4J logger {@code dev.loomwire.pg.notice}). */
    public void onNotice(Consumer<PgNotice> handler) {
        session.onNotice(handler == null ? PgConnection::logNotice : handler);
    }

    /** The configuration the connection was opened with (all its hosts). */
    public PgConfig config() {
        return config;
    }

    /** The codec registry this connection converts values with. */
    public PgCodecRegistry codecs() {
        return registry;
    }

    /** The host entry this session is on: one of {@code config().hosts()}. */
    public PgHost host() {
        return established.hostConfig().hosts().get(0);
    }

    /** TLS facts when the connection is encrypted, empty otherwise. */
    public Optional<PgTlsInfo> tls() {
        return Optional.ofNullable(established.tls());
    }

    /** Backend process id (pg_backend_pid()). */
    public int processId() {
        return established.processId();
    }

    /** A server parameter reported by ParameterStatus (server_version, TimeZone, ...). */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(session.parameters().get(name));
    }

    /** Every server parameter reported by ParameterStatus so far (a snapshot). */
    public Map<String, String> parameters() {
        return Map.copyOf(session.parameters());
    }

    /** The server's version as reported ({@code "15.8 (Debian 15.8-0+deb12u1)"}). */
    public String serverVersion() {
        return session.parameters().getOrDefault("server_version", "");
    }

    /** The server's version as a number: major × 10000 + minor (15.8 → 150008, 18.1 → 180001); 0 if unknown. */
    public int serverVersionNumber() {
        String v = serverVersion();
        int i = 0;
        int[] parts = new int[2];
        for (int p = 0; p < 2; p++) {
            int start = i;
            while (i < v.length() && Character.isDigit(v.charAt(i))) {
                i++;
            }
            if (i == start) {
                break;
            }
            parts[p] = Integer.parseInt(v.substring(start, i));
            if (i >= v.length() || v.charAt(i) != '.') {
                break;
            }
            i++;
        }
        return parts[0] * 10000 + parts[1];
    }

    /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
    public char transactionStatus() {
        return session.transactionStatus();
    }

    /** True after {@link #close()}, {@link #abort()} or a failure that broke the connection. */
    public boolean isClosed() {
        return session.isClosed();
    }

    /**
     * False once the server has reported (ParameterStatus {@code in_hot_standby},
     * {@code default_transaction_read_only}, PostgreSQL 14+) that it no longer is what
     * {@code target_session_attrs} asked for: a primary turned read-only for read-write, a promoted
     * standby for standby or read-only, a standby chosen by prefer-standby that was promoted.
     * Always true for {@code any} and on servers that report neither parameter.
     */
    public boolean matchesTargetSessionAttrs() {
        Map<String, String> parameters = session.parameters();
        String hotStandby = parameters.get("in_hot_standby");
        String readOnly = parameters.get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            return true;
        }
        boolean standby = "on".equals(hotStandby);
        return switch (config.targetSessionAttrs()) {
            case ANY -> true;
            case PREFER_STANDBY -> standby || !"on".equals(established.parameters().get("in_hot_standby"));
            default -> config.targetSessionAttrs().accepts(standby, "on".equals(readOnly));
        };
    }

    /**
     * Bounds each wait for the server (socket read timeout); {@link Duration#ZERO} for none. When
     * it expires the outcome of the call is unknown, so the connection is closed and the call
     * throws {@link PgConnectionException} (JDBC {@code setNetworkTimeout}).
     */
    public void setNetworkTimeout(Duration timeout) {
        session.setNetworkTimeout(timeout);
    }

    /** The current network timeout; ZERO for none. */
    public Duration networkTimeout() {
        return session.networkTimeout();
    }

    /** Number of requests written to the socket so far: a pipelined batch is one. */
    public long writeCount() {
        return session.writes();
    }

    /**
     * True if the server answers an empty query within {@code timeout}; false, never an exception,
     * when the connection is closed, broken, busy in another thread or too slow (the connection is
     * then closed: its state is unknown).
     */
    public boolean isValid(Duration timeout) {
        if (isClosed() || lock.isLocked()) {
            return false;
        }
        Duration previous = session.networkTimeout();
        try {
            session.setNetworkTimeout(timeout);
            execute("");
            return true;
        } catch (PgException | IllegalArgumentException e) {
            LOG.debug("connection is not valid: {}", e.getMessage());
            return false;
        } finally {
            if (!isClosed()) {
                session.setNetworkTimeout(previous);
            }
        }
    }

    // ---------------------------------------------------------------- locking

    /** Takes the connection for one call: a second thread, or a call from inside a row consumer, is refused. */
    private void enter() {
        if (!lock.tryLock()) {
            throw new PgException("PgConnection is being used by another thread; a connection is not thread-safe"
                    + " (share a PgPool instead)");
        }
        if (lock.getHoldCount() > 1) {
            lock.unlock();
            throw new PgException("this connection is still reading the result of another call (a statement run"
                    + " from inside a row consumer?); run it after that call returns");
        }
        try {
            session.ensureOpen();
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    private void exit() {
        lock.unlock();
    }

    // ---------------------------------------------------------------- queries

    /** Runs one statement with parameters ($1, $2...) and returns all its rows. */
    @Override
    public PgResult query(String sql, Object... params) {
        Rows rows = new Rows();
        ExtendedQuery.Holder h = extended(sql, params, rows);
        return new PgResult(h.columns, rows.toList(), h.tag);
    }

    /** Collects a result's rows; the common zero- and one-row results need no growing list. */
    private static final class Rows implements Consumer<PgRow> {
        private PgRow first;
        private List<PgRow> all;

        @Override
        public void accept(PgRow row) {
            if (all != null) {
                all.add(row);
            } else if (first == null) {
                first = row;
            } else {
                all = new ArrayList<>();
                all.add(first);
                all.add(row);
            }
        }

        List<PgRow> toList() {
            return all != null ? all : first != null ? List.of(first) : List.of();
        }
    }

    /**
     * Runs one statement and hands each row to {@code consumer} as it arrives, without keeping
     * the result in memory. Returns the number of rows (or affected rows).
     */
    @Override
    public long stream(String sql, List<?> params, Consumer<PgRow> consumer) {
        return PgResult.affectedRows(extended(sql, params.toArray(), consumer).tag);
    }

    /**
     * Runs a statement and returns the affected row count. Without parameters the simple query
     * protocol is used, so several statements separated by ';' are allowed (the last count wins).
     */
    @Override
    public long execute(String sql, Object... params) {
        if (params.length == 0) {
            List<PgResult> results = simpleQuery(sql);
            return results.isEmpty() ? 0 : results.get(results.size() - 1).affectedRows();
        }
        return PgResult.affectedRows(extended(sql, params, r -> { }).tag);
    }

    /** Simple query protocol: one or more statements, text results, one PgResult per statement. */
    public List<PgResult> simpleQuery(String sql) {
        enter();
        try {
            return queries.simpleQuery(sql);
        } finally {
            exit();
        }
    }


    public void begin() {
        execute("BEGIN");
    }

    public void commit() {
        execute("COMMIT");
    }

    public void rollback() {
        execute("ROLLBACK");
    }

    /** Runs {@code work} in a transaction: commits if it returns, rolls back if it throws. */
    @Override
    public <T> T inTransaction(Function<PgConnection, T> work) {
        begin();
        T result;
        try {
            result = work.apply(this);
        } catch (Throwable t) {
            if (!isClosed()) {
                try {
                    rollback();
                } catch (PgException r) {
                    t.addSuppressed(r);
                }
            }
            throw t;
        }
        commit();
        return result;
    }

    /** Runs {@code work} with this connection. */
    @Override
    public <T> T withConnection(Function<PgConnection, T> work) {
        return work.apply(this);
    }

    private ExtendedQuery.Holder extended(String sql, Object[] params, Consumer<PgRow> rowConsumer) {
        enter();
        try {
            return queries.extended(sql, params, rowConsumer, "", 0);
        } finally {
            exit();
        }
    }

    /** Number of statements in the prepared statement cache. */
    public int preparedStatementCount() {
        return statements.size();
    }

    // ---------------------------------------------------------------- cursor

    /**
     * Opens a cursor over the rows of one statement. Inside a transaction block with
     * {@code fetchSize > 0} the rows are fetched {@code fetchSize} at a time from a named portal
     * (the connection is free between fetches; the portal ends with the transaction). Otherwise
     * (auto-commit, or {@code fetchSize <= 0}) the whole result is read now and iterated in memory,
     * as pgjdbc does; use {@link #stream} to stream without a transaction.
     */
    public PgCursor cursor(String sql, List<?> params, int fetchSize) {
        if (fetchSize <= 0 || transactionStatus() != 'T') {
            PgResult all = query(sql, params.toArray());
            return PgCursor.complete(all);
        }
        enter();
        try {
            String portal = statements.newPortalName();
            PgCursor cursor = new PgCursor(this, portal, fetchSize);
            ExtendedQuery.Holder h = queries.extended(sql, params.toArray(), cursor::add, portal, fetchSize);
            cursor.fetched(h.columns, h.byName, h.suspended, h.tag);
            return cursor;
        } finally {
            exit();
        }
    }

    /** The next {@code fetchSize} rows of a cursor's suspended portal, into the cursor. */
    void fetch(PgCursor cursor, String portal, int fetchSize) {
        enter();
        try {
            queries.fetch(cursor, portal, fetchSize);
        } finally {
            exit();
        }
    }

    /** Closes a cursor's portal with the next request (no round trip of its own). */
    void closePortal(String portal) {
        statements.closePortalLater(portal);
    }

    PgCodecRegistry.Resolved resolvedCodecs() {
        return queries.codecs();
    }

    // ---------------------------------------------------------------- batch

    @Override
    public PgBatchResult executeBatch(String sql, List<? extends List<?>> paramSets) {
        List<PgStatement> items = new ArrayList<>(paramSets.size());
        for (List<?> set : paramSets) {
            items.add(new PgStatement(sql, set));
        }
        return executeBatch(items);
    }

    /**
     * Pipelines the statements: the whole batch is encoded into one buffer and written once —
     * Parse for each statement not cached yet (once per distinct SQL and parameter types), then
     * Bind and Execute per statement, then one Sync — and the results are read in order.
     */
    @Override
    public PgBatchResult executeBatch(List<PgStatement> batch) {
        enter();
        try {
            return batches.run(batch);
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------- describe

    /** Parameter types and result columns of {@code sql}, from Parse + Describe of an unnamed statement; nothing runs. */
    @Override
    public PgStatementDescription describe(String sql, Object... paramTypeHints) {
        enter();
        try {
            return queries.describe(sql, paramTypeHints);
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------- LISTEN / NOTIFY

    /** A notification that already arrived, or empty; never blocks. */
    public Optional<PgNotification> pollNotification() {
        return Optional.ofNullable(session.notifications().poll());
    }

    /** Waits up to {@code timeout} for a notification (after LISTEN); empty if none came. */
    public Optional<PgNotification> waitForNotification(Duration timeout) {
        enter();
        try {
            session.awaitNotification(System.nanoTime() + timeout.toNanos());
        } finally {
            exit();
        }
        return pollNotification();
    }

    // ---------------------------------------------------------------- COPY


    /** {@code COPY ... FROM STDIN}: streams {@code data} to the server; returns the number of rows copied. */
    public long copyIn(String sql, InputStream data) {
        enter();
        try {
            return copies.copyIn(sql, data);
        } finally {
            exit();
        }
    }

    /** {@code COPY ... TO STDOUT}: writes the data to {@code sink}; returns the number of rows copied. */
    public long copyOut(String sql, OutputStream sink) {
        enter();
        try {
            return copies.copyOut(sql, sink);
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------- cancel / close

    /**
     * Asks the server to cancel the statement running on this connection. Safe to call from any
     * thread; opens a new connection negotiated like this one (TLS when this one is encrypted)
     * and sends CancelRequest. The cancelled statement fails with {@link PgQueryCanceledException}.
     */
    public void cancel() {
        Connector.cancel(established, tlsConfig);
    }

    /**
     * Closes the socket now, from any thread, without Terminate and without waiting for a call in
     * progress: that call fails with {@link PgConnectionException} ("connection was aborted").
     * The server ends the session when it sees the socket closed. Idempotent.
     */
    public void abort() {
        session.abort();
    }

    /**
     * Sends Terminate and closes the socket. Idempotent. Called while another thread is inside a
     * call (a command timeout killing a stuck statement), it closes the socket without Terminate,
     * as {@link #abort()}.
     */
    @Override
    public void close() {
        if (!lock.tryLock()) {
            session.abort();
            return;
        }
        try {
            session.close();
        } finally {
            lock.unlock();
        }
    }
}
