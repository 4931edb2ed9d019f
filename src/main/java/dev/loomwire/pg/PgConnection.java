package dev.loomwire.pg;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.ProtocolException;
import dev.loomwire.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL session over TCP, optionally TLS, with libpq's connection parameters. Blocking;
 * meant for one (virtual) thread at a time: not thread-safe, except {@link #cancel()}, which
 * may be called from any thread. A server error leaves the connection usable; a network or
 * protocol failure closes it and throws {@link PgConnectionException}.
 */
public final class PgConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
    private static final Logger NOTICE_LOG = LoggerFactory.getLogger("dev.loomwire.pg.notice");
    private static final int STATEMENT_CACHE_SIZE = 256;
    private static final int COPY_CHUNK = 64 * 1024;

    private final PgConfig config;
    private final TlsConfig tlsConfig;
    private final Connector.Established session;
    private final PgStream stream;
    private final PgTlsInfo tls;
    private final int processId;
    private final byte[] secretKey;
    private final Map<String, String> parameters;
    private final ArrayDeque<PgNotification> notifications = new ArrayDeque<>();
    private final Map<StatementKey, PreparedStatement> statements =
            new LinkedHashMap<>(16, 0.75f, true);
    private final List<String> statementsToClose = new ArrayList<>();
    private Consumer<PgNotice> noticeHandler = PgConnection::logNotice;
    private char transactionStatus;
    private int statementCounter;
    private volatile boolean closed;
    private OutputStream copyOutSink;
    private IOException copyOutFailure;

    /**
     * A named server-side statement. Once described, the result formats to request for it and
     * the columns the server sends with those formats, so later runs need no Describe.
     */
    private static final class PreparedStatement {
        final String name;
        /** FETCH, EXECUTE and CALL take their result shape from something other than the statement. */
        final boolean shapeVaries;
        short[] resultFormats;
        List<PgColumn> columns;
        Map<String, Integer> byName;

        PreparedStatement(String name, String sql) {
            this.name = name;
            this.shapeVaries = resultShapeVaries(sql);
        }

        boolean described() {
            return columns != null && !shapeVaries;
        }
    }

    /** Statement cache key: the SQL string itself (not copied) and the parameter type OIDs it was parsed with. */
    private static final class StatementKey {
        final String sql;
        final int[] paramOids;
        final int hash;

        StatementKey(String sql, int[] paramOids) {
            this.sql = sql;
            this.paramOids = paramOids;
            this.hash = 31 * sql.hashCode() + Arrays.hashCode(paramOids);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StatementKey k && hash == k.hash && sql.equals(k.sql)
                    && Arrays.equals(paramOids, k.paramOids);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private PgConnection(PgConfig config, TlsConfig tlsConfig, Connector.Established e) {
        this.config = config;
        this.tlsConfig = tlsConfig;
        this.session = e;
        this.stream = e.stream();
        this.tls = e.tls();
        this.processId = e.processId();
        this.secretKey = e.secretKey();
        this.parameters = new HashMap<>(e.parameters());
        this.transactionStatus = e.transactionStatus();
    }

    /** Connects with a libpq conninfo string ({@code host=... sslmode=...}) or a {@code postgresql://} URI. */
    public static PgConnection connect(String conninfo) {
        return connect(PgConfig.parse(conninfo));
    }

    public static PgConnection connect(PgConfig config) {
        return connect(config, ConnectListener.none());
    }

    /** Connects, reporting each phase of each host tried and each message of the set-up to {@code listener}. */
    static PgConnection connect(PgConfig config, ConnectListener<BackendMessage> listener) {
        return connect(config, listener, 0);
    }

    /** Connects starting the host walk {@code rotation} entries down the list (see {@link Connector#connect}). */
    static PgConnection connect(PgConfig config, ConnectListener<BackendMessage> listener, int rotation) {
        TlsConfig tlsConfig = Connector.tlsConfigFor(config);
        Connector.Established e = Connector.connect(config, tlsConfig, PgConnection::logNotice, listener, rotation);
        PgConnection c = new PgConnection(config, tlsConfig, e);
        LOG.debug("connected to {} (pid {}, {})", c.host(), c.processId,
                c.tls == null ? "no TLS" : c.tls.protocol());
        return c;
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
        this.noticeHandler = handler == null ? PgConnection::logNotice : handler;
    }

    /** The configuration the connection was opened with (all its hosts). */
    public PgConfig config() {
        return config;
    }

    /** The host entry this session is on: one of {@code config().hosts()}. */
    public PgHost host() {
        return session.hostConfig().hosts().get(0);
    }

    /** TLS facts when the connection is encrypted, empty otherwise. */
    public Optional<PgTlsInfo> tls() {
        return Optional.ofNullable(tls);
    }

    /** Backend process id (pg_backend_pid()). */
    public int processId() {
        return processId;
    }

    /** A server parameter reported by ParameterStatus (server_version, TimeZone, ...). */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public String serverVersion() {
        return parameters.getOrDefault("server_version", "");
    }

    /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
    public char transactionStatus() {
        return transactionStatus;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * False once the server has reported (ParameterStatus {@code in_hot_standby},
     * {@code default_transaction_read_only}, PostgreSQL 14+) that it no longer is what
     * {@code target_session_attrs} asked for: a primary turned read-only for read-write, a promoted
     * standby for standby or read-only, a standby chosen by prefer-standby that was promoted.
     * Always true for {@code any} and on servers that report neither parameter.
     */
    public boolean matchesTargetSessionAttrs() {
        String hotStandby = parameters.get("in_hot_standby");
        String readOnly = parameters.get("default_transaction_read_only");
        if (hotStandby == null || readOnly == null) {
            return true;
        }
        boolean standby = "on".equals(hotStandby);
        return switch (config.targetSessionAttrs()) {
            case ANY -> true;
            case PREFER_STANDBY -> standby || !"on".equals(session.parameters().get("in_hot_standby"));
            default -> config.targetSessionAttrs().accepts(standby, "on".equals(readOnly));
        };
    }

    // ---------------------------------------------------------------- queries

    /** Runs one statement with parameters ($1, $2...) and returns all its rows. */
    public PgResult query(String sql, Object... params) {
        List<PgRow> rows = new ArrayList<>();
        Holder h = extended(sql, params, rows::add);
        return new PgResult(h.columns, rows, h.tag);
    }

    /**
     * Runs one statement and hands each row to {@code consumer} as it arrives, without keeping
     * the result in memory. Returns the number of rows (or affected rows).
     */
    public long stream(String sql, List<?> params, Consumer<PgRow> consumer) {
        return PgResult.affectedRows(extended(sql, params.toArray(), consumer).tag);
    }

    /**
     * Runs a statement and returns the affected row count. Without parameters the simple query
     * protocol is used, so several statements separated by ';' are allowed (the last count wins).
     */
    public long execute(String sql, Object... params) {
        if (params.length == 0) {
            List<PgResult> results = simpleQuery(sql);
            return results.isEmpty() ? 0 : results.get(results.size() - 1).affectedRows();
        }
        return PgResult.affectedRows(extended(sql, params, r -> { }).tag);
    }

    /** Simple query protocol: one or more statements, text results, one PgResult per statement. */
    public List<PgResult> simpleQuery(String sql) {
        ensureOpen();
        ByteSink out = new ByteSink();
        appendPendingCloses(out);
        Frontend.query(out, sql);
        List<PgResult> results = new ArrayList<>();
        Holder h = new Holder();
        List<PgRow> rows = new ArrayList<>();
        run(out, m -> {
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
    public <T> T inTransaction(Function<PgConnection, T> work) {
        begin();
        T result;
        try {
            result = work.apply(this);
        } catch (Throwable t) {
            if (!closed) {
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

    /** Result being assembled: columns of the current statement and its command tag. */
    private static final class Holder {
        List<PgColumn> columns = List.of();
        Map<String, Integer> byName = Map.of();
        String tag = "";
        long rowsSeen;

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
            return new PgRow(columns, byName, d.values());
        }
    }

    private Holder extended(String sql, Object[] params, Consumer<PgRow> rowConsumer) {
        ensureOpen();
        int[] oids = new int[params.length];
        short[] formats = new short[params.length];
        byte[][] values = new byte[params.length][];
        for (int i = 0; i < params.length; i++) {
            PgTypes.Param encoded;
            try {
                encoded = PgTypes.encode(params[i]);
            } catch (PgException e) {
                throw new PgException("parameter $" + (i + 1) + ": " + e.getMessage());
            }
            oids[i] = encoded.oid();
            formats[i] = encoded.format();
            values[i] = encoded.value();
        }
        StatementKey key = new StatementKey(sql, oids);
        PreparedStatement cached = statements.get(key);
        Holder h = new Holder();
        try {
            return runPrepared(key, cached, formats, values, rowConsumer, h);
        } catch (PgServerException e) {
            if (cached == null || !staleStatement(e)) {
                throw e;
            }
            forget(key);
            if (transactionStatus != 'I' || h.rowsSeen > 0) {
                throw withHint(e, "loomwire dropped its cached prepared statement; it is prepared again on its"
                        + " next run (after this transaction ends)");
            }
            LOG.debug("prepared statement {} is stale ({}); preparing it again", cached.name, e.sqlState());
            return runPrepared(key, null, formats, values, rowConsumer, new Holder());
        }
    }

    /**
     * One run of a statement, written at once: Parse (when not cached), Bind, Describe (until the
     * statement's result columns are known), Execute, Sync. The first run asks for text results;
     * later runs ask for binary where the type allows and decode with the cached columns.
     */
    private Holder runPrepared(StatementKey key, PreparedStatement cached, short[] formats, byte[][] values,
            Consumer<PgRow> rowConsumer, Holder h) {
        PreparedStatement st = cached != null ? cached : new PreparedStatement("lw_" + (++statementCounter), key.sql);
        boolean describe = !st.described();
        ByteSink out = new ByteSink(64 + (cached == null ? key.sql.length() : 0));
        appendPendingCloses(out);
        if (cached == null) {
            Frontend.parse(out, st.name, key.sql, key.paramOids);
        }
        short[] resultFormats = describe || st.resultFormats == null ? new short[0] : st.resultFormats;
        Frontend.bind(out, "", st.name, formats, values, resultFormats);
        if (describe) {
            Frontend.describe(out, 'P', "");
        } else {
            h.columns = st.columns;
            h.byName = st.byName;
        }
        Frontend.execute(out, "", 0);
        Frontend.sync(out);

        RuntimeException[] consumerFailure = new RuntimeException[1];
        run(out, m -> {
            switch (m) {
                case ParseComplete p -> cache(key, st);
                case BindComplete b -> { }
                case NoData n -> {
                    h.columns = List.of();
                    h.byName = Map.of();
                    remember(st, new short[0], h);
                }
                case RowDescription rd -> {
                    h.setColumns(rd);
                    remember(st, binaryWherePossible(rd), h);
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
                case PortalSuspended s -> { }
                default -> unexpected(m);
            }
        });
        if (consumerFailure[0] != null) {
            throw consumerFailure[0];
        }
        return h;
    }

    /** Stores the formats for later runs and the columns as the server will describe them in those formats. */
    private static void remember(PreparedStatement st, short[] resultFormats, Holder described) {
        List<PgColumn> cols = new ArrayList<>(described.columns.size());
        for (int i = 0; i < described.columns.size(); i++) {
            PgColumn c = described.columns.get(i);
            cols.add(new PgColumn(c.name(), c.typeOid(), c.tableOid(), c.columnNumber(), c.typeModifier(),
                    resultFormats[i]));
        }
        st.resultFormats = resultFormats;
        st.columns = Collections.unmodifiableList(cols);
        st.byName = described.byName;
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

    private static boolean resultShapeVaries(String sql) {
        int i = 0;
        while (i < sql.length() && (Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        int start = i;
        while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
        return word.equals("FETCH") || word.equals("EXECUTE") || word.equals("CALL");
    }

    private static short[] binaryWherePossible(RowDescription rd) {
        short[] f = new short[rd.fields().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (short) (Oid.binaryDecodable(rd.fields().get(i).typeOid()) ? 1 : 0);
        }
        return f;
    }

    private void cache(StatementKey key, PreparedStatement st) {
        statements.put(key, st);
        if (statements.size() > STATEMENT_CACHE_SIZE) {
            var eldest = statements.entrySet().iterator().next();
            statementsToClose.add(eldest.getValue().name);
            statements.remove(eldest.getKey());
        }
    }

    private void forget(StatementKey key) {
        PreparedStatement st = statements.remove(key);
        if (st != null) {
            statementsToClose.add(st.name);
        }
    }

    private void appendPendingCloses(ByteSink out) {
        for (String name : statementsToClose) {
            Frontend.close(out, 'S', name);
        }
        statementsToClose.clear();
    }

    /** Number of statements in the prepared statement cache. */
    public int preparedStatementCount() {
        return statements.size();
    }

    private static void unexpected(BackendMessage m) {
        throw new ProtocolException("unexpected " + m.getClass().getSimpleName() + " in query response");
    }

    /**
     * Writes the request once, then dispatches messages until ReadyForQuery. Asynchronous
     * messages are handled here; the first ErrorResponse is thrown after ReadyForQuery, so the
     * connection stays usable.
     */
    private void run(ByteSink request, Consumer<BackendMessage> handler) {
        PgServerException error = null;
        try {
            stream.write(request);
            while (true) {
                BackendMessage m = stream.read();
                switch (m) {
                    case ReadyForQuery r -> {
                        transactionStatus = r.transactionStatus();
                        if (error != null) {
                            throw error;
                        }
                        return;
                    }
                    case ErrorResponse e -> {
                        if (error == null) {
                            error = PgServerException.of(e.fields());
                        }
                        if ("FATAL".equals(e.fields().get('V')) || "PANIC".equals(e.fields().get('V'))) {
                            closeBroken();
                            throw error;
                        }
                    }
                    case CopyInResponse c -> {
                        ByteSink fail = new ByteSink();
                        Frontend.copyFail(fail, "COPY FROM STDIN needs PgConnection.copyIn");
                        stream.write(fail);
                    }
                    case CopyOutResponse c -> { }
                    case CopyData d -> {
                        if (copyOutSink != null && copyOutFailure == null) {
                            try {
                                copyOutSink.write(d.data());
                            } catch (IOException e) {
                                copyOutFailure = e;
                            }
                        }
                    }
                    case CopyDone d -> { }
                    case CloseComplete c -> { }
                    default -> {
                        if (!asynchronous(m) && error == null) {
                            handler.accept(m);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw broken("connection to the server was lost: " + e.getMessage(), e);
        } catch (ProtocolException e) {
            throw broken("protocol error: " + e.getMessage() + "; connection closed", e);
        }
    }

    /** Handles NoticeResponse, NotificationResponse, ParameterStatus; true if {@code m} was one. */
    private boolean asynchronous(BackendMessage m) {
        switch (m) {
            case NoticeResponse n -> {
                try {
                    noticeHandler.accept(new PgNotice(n.fields()));
                } catch (RuntimeException e) {
                    LOG.warn("notice handler failed", e);
                }
                return true;
            }
            case NotificationResponse n -> {
                notifications.add(new PgNotification(n.processId(), n.channel(), n.payload()));
                return true;
            }
            case ParameterStatus p -> {
                parameters.put(p.name(), p.value());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- LISTEN / NOTIFY

    /** A notification that already arrived, or empty; never blocks. */
    public Optional<PgNotification> pollNotification() {
        return Optional.ofNullable(notifications.poll());
    }

    /** Waits up to {@code timeout} for a notification (after LISTEN); empty if none came. */
    public Optional<PgNotification> waitForNotification(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (notifications.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                stream.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                BackendMessage m;
                try {
                    m = stream.read();
                } catch (SocketTimeoutException e) {
                    if (stream.midMessage()) {
                        throw e;
                    }
                    break;
                }
                if (m instanceof ErrorResponse e) {
                    closeBroken();
                    throw PgServerException.of(e.fields());
                }
                if (!asynchronous(m)) {
                    throw new ProtocolException("unexpected " + stream.lastTypeName() + " while idle");
                }
            }
            stream.socket().setSoTimeout(0);
        } catch (IOException e) {
            throw broken("connection to the server was lost: " + e.getMessage(), e);
        } catch (ProtocolException e) {
            throw broken("protocol error: " + e.getMessage() + "; connection closed", e);
        }
        return pollNotification();
    }

    // ---------------------------------------------------------------- COPY

    /** {@code COPY ... FROM STDIN}: streams {@code data} to the server; returns the number of rows copied. */
    public long copyIn(String sql, InputStream data) {
        ensureOpen();
        ByteSink out = new ByteSink();
        appendPendingCloses(out);
        Frontend.query(out, sql);
        String[] tag = {""};
        boolean[] sent = {false};
        IOException[] readFailure = new IOException[1];
        try {
            stream.write(out);
            PgServerException error = null;
            while (true) {
                BackendMessage m = stream.read();
                switch (m) {
                    case CopyInResponse c -> {
                        readFailure[0] = sendCopyData(data);
                        sent[0] = true;
                    }
                    case CommandComplete c -> tag[0] = c.tag();
                    case ErrorResponse e -> {
                        if (error == null) {
                            error = PgServerException.of(e.fields());
                        }
                    }
                    case ReadyForQuery r -> {
                        transactionStatus = r.transactionStatus();
                        if (readFailure[0] != null) {
                            throw new PgException("COPY FROM STDIN aborted: reading the input failed: "
                                    + readFailure[0].getMessage(), readFailure[0]);
                        }
                        if (error != null) {
                            throw error;
                        }
                        if (!sent[0]) {
                            throw new PgException("statement is not COPY ... FROM STDIN: " + sql);
                        }
                        return PgResult.affectedRows(tag[0]);
                    }
                    case CopyOutResponse c -> { }
                    case CopyData d -> { }
                    case CopyDone d -> { }
                    case RowDescription rd -> { }
                    case DataRow d -> { }
                    case CloseComplete c -> { }
                    case EmptyQueryResponse e -> { }
                    default -> {
                        if (!asynchronous(m)) {
                            unexpected(m);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw broken("connection to the server was lost during COPY: " + e.getMessage(), e);
        } catch (ProtocolException e) {
            throw broken("protocol error: " + e.getMessage() + "; connection closed", e);
        }
    }

    /** Sends the input as CopyData then CopyDone; on an input failure sends CopyFail and returns the failure. */
    private IOException sendCopyData(InputStream data) throws IOException {
        byte[] chunk = new byte[COPY_CHUNK];
        ByteSink out = new ByteSink(COPY_CHUNK + 16);
        while (true) {
            int n;
            try {
                n = data.readNBytes(chunk, 0, chunk.length);
            } catch (IOException e) {
                out.clear();
                Frontend.copyFail(out, "client input failed");
                stream.write(out);
                return e;
            }
            out.clear();
            if (n > 0) {
                Frontend.copyData(out, chunk, 0, n);
            }
            if (n < chunk.length) {
                Frontend.copyDone(out);
                stream.write(out);
                return null;
            }
            stream.write(out);
        }
    }

    /** {@code COPY ... TO STDOUT}: writes the data to {@code sink}; returns the number of rows copied. */
    public long copyOut(String sql, OutputStream sink) {
        ensureOpen();
        ByteSink out = new ByteSink();
        appendPendingCloses(out);
        Frontend.query(out, sql);
        String[] tag = {""};
        copyOutSink = sink;
        copyOutFailure = null;
        try {
            run(out, m -> {
                switch (m) {
                    case CommandComplete c -> tag[0] = c.tag();
                    case RowDescription rd -> { }
                    case DataRow d -> { }
                    default -> unexpected(m);
                }
            });
        } finally {
            copyOutSink = null;
        }
        if (copyOutFailure != null) {
            throw new PgException("COPY TO STDOUT: writing the output failed: " + copyOutFailure.getMessage(),
                    copyOutFailure);
        }
        return PgResult.affectedRows(tag[0]);
    }

    // ---------------------------------------------------------------- cancel / close

    /**
     * Asks the server to cancel the statement running on this connection. Safe to call from any
     * thread; opens a new connection negotiated like this one (TLS when this one is encrypted)
     * and sends CancelRequest. The cancelled statement fails with {@link PgQueryCanceledException}.
     */
    public void cancel() {
        Connector.cancel(session, tlsConfig);
    }

    private void ensureOpen() {
        if (closed) {
            throw new PgConnectionException("connection is closed");
        }
    }

    private void closeBroken() {
        closed = true;
        stream.close();
    }

    /** Closes the connection after a transport or protocol failure and returns the exception to throw. */
    private PgConnectionException broken(String message, Exception cause) {
        closeBroken();
        return new PgConnectionException(message, cause);
    }

    /** Sends Terminate and closes the socket. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ByteSink out = new ByteSink(8);
            Frontend.terminate(out);
            stream.write(out);
        } catch (IOException e) {
            LOG.debug("Terminate not sent: {}", e.getMessage());
        } finally {
            stream.close();
        }
    }
}
