package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import dev.loomwire.pg.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs statements on one session: the extended protocol through the {@link StatementCache}
 * (with the stale-statement retry), cursor fetches, Describe, and the simple query protocol.
 * The caller ({@link PgConnection}) holds the connection's lock around every call.
 */
final class ExtendedQuery {
    private static final Logger LOG = LoggerFactory.getLogger(PgConnection.class);
    static final short[] NO_FORMATS = new short[0];
    private static final int REQUEST_BUFFER = 1024;
    /** A request buffer grown past this (a big batch or COPY statement) is not kept for the next call. */
    private static final int KEPT_REQUEST_BUFFER = 256 * 1024;

    private final PgSession session;
    private final StatementCache statements;
    private PgCodecRegistry.Resolved codecs = PgCodecRegistry.Resolved.BUILT_IN;
    /** The connection's request buffer: every request is encoded here whole, then written once. */
    private ByteSink request = new ByteSink(REQUEST_BUFFER);

    ExtendedQuery(PgSession session, StatementCache statements) {
        this.session = session;
        this.statements = statements;
    }

    /**
     * The emptied request buffer, with the pending Close messages already in it. The previous
     * request is complete by now: {@link PgSession#exchange} returns only after its write ended.
     */
    ByteSink request() {
        if (request.array().length > KEPT_REQUEST_BUFFER) {
            request = new ByteSink(REQUEST_BUFFER);
        }
        request.clear();
        statements.appendPendingCloses(request);
        return request;
    }

    PgCodecRegistry.Resolved codecs() {
        return codecs;
    }

    void codecs(PgCodecRegistry.Resolved resolved) {
        codecs = resolved;
    }

    /** Result being assembled: columns of the current statement and its command tag. */
    static final class Holder {
        final PgCodecRegistry.Resolved codecs;
        List<PgColumn> columns = List.of();
        Map<String, Integer> byName = Map.of();
        String tag = "";
        long rowsSeen;
        boolean suspended;
        PgRow.RowShape shape;

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
            if (d.columnCount() != columns.size()) {
                throw new ProtocolException("DataRow has " + d.columnCount() + " columns, RowDescription "
                        + columns.size());
            }
            if (shape == null || shape.columns() != columns) {
                shape = new PgRow.RowShape(columns, byName, codecs);
            }
            return new PgRow(shape, d);
        }
    }

    /** Parameters encoded for Bind: their type OIDs (the statement cache key), formats and bytes. */
    record Encoded(int[] oids, short[] formats, byte[][] values) {}

    Encoded encode(Object[] params) {
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

    /** Runs a statement through the cache, into {@code portal} with at most {@code maxRows} rows (0 = all). */
    Holder extended(String sql, Object[] params, Consumer<PgRow> rowConsumer, String portal, int maxRows) {
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
        ByteSink out = request();
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
            if (st.shape == null || st.shape.codecs() != codecs) {
                st.shape = new PgRow.RowShape(st.columns, st.byName, codecs);
            }
            h.shape = st.shape;
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
    static boolean staleStatement(PgServerException e) {
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

    static void unexpected(BackendMessage m) {
        throw new ProtocolException("unexpected " + m.getClass().getSimpleName() + " in query response");
    }

    /** Simple query protocol: one or more statements, text results, one PgResult per statement. */
    List<PgResult> simpleQuery(String sql) {
        ByteSink out = request();
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
    }

    /** The next {@code fetchSize} rows of a cursor's suspended portal, into the cursor. */
    void fetch(PgCursor cursor, String portal, int fetchSize) {
        ByteSink out = request();
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
    }

    /** Parameter types and result columns of {@code sql}, from Parse + Describe of an unnamed statement; nothing runs. */
    PgStatementDescription describe(String sql, Object... paramTypeHints) {
        Encoded p = encode(paramTypeHints);
        ByteSink out = request();
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
    }
}
