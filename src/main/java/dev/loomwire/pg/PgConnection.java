package dev.loomwire.pg;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.tls.TlsConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
    private static final short[] NO_FORMATS = new short[0];

    private final PgConfig config;
    private final TlsConfig tlsConfig;
    private final Connector.Established established;
    private final PgSession session;
    private final StatementCache statements = new StatementCache(StatementCache.DEFAULT_SIZE);
    private final PgCodecRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private PgCodecRegistry.Resolved codecs = PgCodecRegistry.Resolved.BUILT_IN;

    private PgConnection(PgConfig config, TlsConfig tlsConfig, Connector.Established e, PgCodecRegistry registry) {
        this.config = config;
        this.tlsConfig = tlsConfig;
        this.established = e;
        this.session = new PgSession(e, PgConnection::logNotice);
        this.registry = registry;
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
            codecs = registry.resolve(Map.of());
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
        codecs = registry.resolve(oids);
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
        List<PgRow> rows = new ArrayList<>();
        Holder h = extended(sql, params, rows::add);
        return new PgResult(h.columns, rows, h.tag);
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
            ByteSink out = new ByteSink();
            statements.appendPendingCloses(out);
            Frontend.query(out, sql);
            List<PgResult> results = new ArrayList<>();
            Holder h = new Holder(codecs);
            List<PgRow> rows = new ArrayList<>();
            session.exchange(out, m -> {
                switch (m) {
                    case RowDescription rd -> {
                        h.setColumns(rd);
                        rows.clear();
                    }
                    case DataRow d -> rows.add(h.row(d));
                    case CommandComplete c -> {
                        results.add(new PgResult(h.columns, rows, c.tag()));
                        h.columns = List.of();
                        rows.clear();
                    }
                    case EmptyQueryResponse e -> { }
                    default -> unexpected(m);
                }
            });
            return results;
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

    /** Result being assembled: columns of the current statement and its command tag. */
    private static final class Holder {
        final PgCodecRegistry.Resolved codecs;
        List<PgColumn> columns = List.of();
        Map<String, Integer> byName = Map.of();
        String tag = "";
        long rowsSeen;
        boolean suspended;

        Holder(PgCodecRegistry.Resolved codecs) {
            this.codecs = codecs;
        }

        void setColumns(RowDescription rd) {
            List<PgColumn> cols = new ArrayList<>(rd.fields().size());
            Map<String, Integer> names = new HashMap<>();
            for (Field f : rd.fields()) {
                names.putIfAbsent(f.name(), cols.size());
                cols.add(new PgColumn(f.name(), f.typeOid(), f.tableOid(), f.columnNumber(), f.typeModifier(), f.format()));
            }
            columns = Collections.unmodifiableList(cols);
            byName = names;
        }

        PgRow row(DataRow d) {
            if (d.values().length != columns.size()) {
                throw new ProtocolException("DataRow has " + d.values().length + " columns, RowDescription "
                        + columns.size());
            }
            return new PgRow(columns, byName, d.values(), codecs);
        }
    }

    /** Parameters encoded for Bind: their type OIDs (the statement cache key), formats and bytes. */
    private record Encoded(int[] oids, short[] formats, byte[][] values) {}

    private Encoded encode(Object[] params) {
        int[] oids = new int[params.length];
        short[] formats = new short[params.length];
        byte[][] values = new byte[params.length][];
        for (int i = 0; i < params.length; i++) {
            PgTypes.Param encoded;
            try {
                encoded = codecs.encode(params[i]);
            } catch (PgException e) {
                throw new PgException("parameter $" + (i + 1) + ": " + e.getMessage());
            }
            oids[i] = encoded.oid();
            formats[i] = encoded.format();
            values[i] = encoded.value();
        }
        return new Encoded(oids, formats, values);
    }

    private Holder extended(String sql, Object[] params, Consumer<PgRow> rowConsumer) {
        enter();
        try {
            return extended(sql, params, rowConsumer, "", 0);
        } finally {
            exit();
        }
    }

    /** Runs a statement through the cache, into {@code portal} with at most {@code maxRows} rows (0 = all). */
    private Holder extended(String sql, Object[] params, Consumer<PgRow> rowConsumer, String portal, int maxRows) {
        Encoded p = encode(params);
        StatementCache.Key key = new StatementCache.Key(sql, p.oids);
        StatementCache.Entry cached = statements.get(key);
        Holder h = new Holder(codecs);
        try {
            return runPrepared(key, cached, p, rowConsumer, h, portal, maxRows);
        } catch (PgServerException e) {
            if (cached == null || !staleStatement(e)) {
                throw e;
            }
            statements.forget(key);
            if (session.transactionStatus() != 'I' || h.rowsSeen > 0) {
                throw withHint(e, "loomwire dropped its cached prepared statement; it is prepared again on its"
                        + " next run (after this transaction ends)");
            }
            LOG.debug("prepared statement {} is stale ({}); preparing it again", cached.name, e.sqlState());
            return runPrepared(key, null, p, rowConsumer, new Holder(codecs), portal, maxRows);
        }
    }

    /**
     * One run of a statement, written at once: Parse (when not cached), Bind, Describe (until the
     * statement's result columns are known), Execute, Sync. The first run asks for text results;
     * later runs ask for binary where the type allows and decode with the cached columns.
     */
    private Holder runPrepared(StatementCache.Key key, StatementCache.Entry cached, Encoded p,
            Consumer<PgRow> rowConsumer, Holder h, String portal, int maxRows) {
        StatementCache.Entry st = cached != null ? cached : statements.newEntry(key.sql);
        boolean describe = !st.described();
        ByteSink out = new ByteSink(64 + (cached == null ? key.sql.length() : 0));
        statements.appendPendingCloses(out);
        if (cached == null) {
            Frontend.parse(out, st.name, key.sql, key.paramOids);
        }
        short[] resultFormats = describe || st.resultFormats == null ? NO_FORMATS : st.resultFormats;
        Frontend.bind(out, portal, st.name, p.formats, p.values, resultFormats);
        if (describe) {
            Frontend.describe(out, 'P', portal);
        } else {
            h.columns = st.columns;
            h.byName = st.byName;
        }
        Frontend.execute(out, portal, maxRows);
        Frontend.sync(out);

        RuntimeException[] consumerFailure = new RuntimeException[1];
        session.exchange(out, m -> {
            switch (m) {
                case ParseComplete x -> statements.put(key, st);
                case BindComplete b -> { }
                case NoData n -> {
                    h.columns = List.of();
                    h.byName = Map.of();
                    st.remember(NO_FORMATS, h.columns, h.byName);
                }
                case RowDescription rd -> {
                    h.setColumns(rd);
                    st.remember(binaryWherePossible(rd), h.columns, h.byName);
                }
                case DataRow d -> {
                    PgRow row = h.row(d);
                    h.rowsSeen++;
                    if (consumerFailure[0] == null) {
                        try {
                            rowConsumer.accept(row);
                        } catch (RuntimeException e) {
                            consumerFailure[0] = e;
                        }
                    }
                }
                case CommandComplete c -> h.tag = c.tag();
                case EmptyQueryResponse e -> { }
                case PortalSuspended s -> h.suspended = true;
                default -> unexpected(m);
            }
        });
        if (consumerFailure[0] != null) {
            throw consumerFailure[0];
        }
        return h;
    }

    /**
     * 0A000 "cached plan must not change result type" (the routine name survives a translated
     * message), or 26000: the statement is gone (DEALLOCATE, DISCARD).
     */
    private static boolean staleStatement(PgServerException e) {
        String state = e.sqlState();
        return state.equals("0A000") && ("RevalidateCachedQuery".equals(e.fields().get('R'))
                || e.getMessage().contains("cached plan must not change result type"))
                || state.equals("26000");
    }

    private static PgServerException withHint(PgServerException e, String hint) {
        Map<Character, String> fields = new HashMap<>(e.fields());
        fields.merge('H', hint, (server, ours) -> server + "; " + ours);
        PgServerException hinted = PgServerException.of(fields);
        hinted.initCause(e);
        return hinted;
    }

    private short[] binaryWherePossible(RowDescription rd) {
        short[] f = new short[rd.fields().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (short) (codecs.binaryResult(rd.fields().get(i).typeOid()) ? 1 : 0);
        }
        return f;
    }

    /** Number of statements in the prepared statement cache. */
    public int preparedStatementCount() {
        return statements.size();
    }

    private static void unexpected(BackendMessage m) {
        throw new ProtocolException("unexpected " + m.getClass().getSimpleName() + " in query response");
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
            Holder h = extended(sql, params.toArray(), cursor::add, portal, fetchSize);
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
            ByteSink out = new ByteSink(32);
            statements.appendPendingCloses(out);
            Frontend.execute(out, portal, fetchSize);
            Frontend.sync(out);
            boolean[] suspended = {false};
            String[] tag = {""};
            session.exchange(out, m -> {
                switch (m) {
                    case DataRow d -> cursor.add(cursor.row(d));
                    case PortalSuspended s -> suspended[0] = true;
                    case CommandComplete c -> tag[0] = c.tag();
                    case EmptyQueryResponse e -> { }
                    default -> unexpected(m);
                }
            });
            cursor.fetched(null, null, suspended[0], tag[0]);
        } finally {
            exit();
        }
    }

    /** Closes a cursor's portal with the next request (no round trip of its own). */
    void closePortal(String portal) {
        statements.closePortalLater(portal);
    }

    PgCodecRegistry.Resolved resolvedCodecs() {
        return codecs;
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
            int n = batch.size();
            if (n == 0) {
                return new PgBatchResult.Completed(new long[0]);
            }
            ByteSink out = new ByteSink(256);
            statements.appendPendingCloses(out);
            Map<StatementCache.Key, StatementCache.Entry> parsedHere = new HashMap<>();
            List<StatementCache.Key> parseOrder = new ArrayList<>();
            List<StatementCache.Entry> parseEntries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PgStatement s = batch.get(i);
                Encoded p;
                try {
                    p = encode(s.params().toArray());
                } catch (PgException e) {
                    throw new PgException("batch statement " + i + ": " + e.getMessage(), e);
                }
                StatementCache.Key key = new StatementCache.Key(s.sql(), p.oids);
                StatementCache.Entry st = statements.get(key);
                if (st == null) {
                    st = parsedHere.get(key);
                    if (st == null) {
                        st = statements.newEntry(s.sql());
                        Frontend.parse(out, st.name, s.sql(), p.oids);
                        parsedHere.put(key, st);
                        parseOrder.add(key);
                        parseEntries.add(st);
                    }
                }
                Frontend.bind(out, "", st.name, p.formats, p.values, NO_FORMATS);
                Frontend.execute(out, "", 0);
            }
            Frontend.sync(out);
            long[] counts = new long[n];
            int[] done = {0};
            int[] parsed = {0};
            try {
                session.exchange(out, m -> {
                    switch (m) {
                        case ParseComplete x -> {
                            statements.put(parseOrder.get(parsed[0]), parseEntries.get(parsed[0]));
                            parsed[0]++;
                        }
                        case BindComplete b -> { }
                        case DataRow d -> { }
                        case CommandComplete c -> counts[done[0]++] = PgResult.affectedRows(c.tag());
                        case EmptyQueryResponse e -> done[0]++;
                        default -> unexpected(m);
                    }
                });
            } catch (PgServerException e) {
                if (staleStatement(e)) {
                    for (PgStatement s : batch) {
                        forgetAll(s.sql());
                    }
                }
                return new PgBatchResult.Failed(done[0], java.util.Arrays.copyOf(counts, done[0]), e);
            }
            return new PgBatchResult.Completed(counts);
        } finally {
            exit();
        }
    }

    /** Drops cached statements for {@code sql} whatever their parameter types (after a stale-plan error in a batch). */
    private void forgetAll(String sql) {
        statements.forgetSql(sql);
    }

    // ---------------------------------------------------------------- describe

    /** Parameter types and result columns of {@code sql}, from Parse + Describe of an unnamed statement; nothing runs. */
    @Override
    public PgStatementDescription describe(String sql, Object... paramTypeHints) {
        enter();
        try {
            Encoded p = encode(paramTypeHints);
            ByteSink out = new ByteSink(64 + sql.length());
            statements.appendPendingCloses(out);
            Frontend.parse(out, "", sql, p.oids);
            Frontend.describe(out, 'S', "");
            Frontend.sync(out);
            List<Integer> types = new ArrayList<>();
            Holder h = new Holder(codecs);
            session.exchange(out, m -> {
                switch (m) {
                    case ParseComplete x -> { }
                    case ParameterDescription d -> {
                        for (int oid : d.typeOids()) {
                            types.add(oid);
                        }
                    }
                    case RowDescription rd -> h.setColumns(rd);
                    case NoData x -> { }
                    default -> unexpected(m);
                }
            });
            return new PgStatementDescription(types, h.columns);
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
            ByteSink out = new ByteSink();
            statements.appendPendingCloses(out);
            Frontend.query(out, sql);
            String[] tag = {""};
            boolean sent = session.copyIn(out, data, m -> {
                if (m instanceof CommandComplete c) {
                    tag[0] = c.tag();
                }
            });
            if (!sent) {
                throw new PgException("statement is not COPY ... FROM STDIN: " + sql);
            }
            return PgResult.affectedRows(tag[0]);
        } finally {
            exit();
        }
    }

    /** {@code COPY ... TO STDOUT}: writes the data to {@code sink}; returns the number of rows copied. */
    public long copyOut(String sql, OutputStream sink) {
        enter();
        try {
            ByteSink out = new ByteSink();
            statements.appendPendingCloses(out);
            Frontend.query(out, sql);
            String[] tag = {""};
            session.copyOut(out, sink, m -> {
                switch (m) {
                    case CommandComplete c -> tag[0] = c.tag();
                    case RowDescription rd -> { }
                    case DataRow d -> { }
                    default -> unexpected(m);
                }
            });
            return PgResult.affectedRows(tag[0]);
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
