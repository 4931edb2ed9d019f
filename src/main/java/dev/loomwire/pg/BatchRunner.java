package dev.loomwire.pg;

import dev.loomwire.pg.ExtendedQuery.Encoded;
import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipelined batch: the whole batch is encoded into one buffer and written once — Parse for
 * each statement not cached yet (once per distinct SQL and parameter types), then Bind and Execute
 * per statement, then one Sync — and the results are read in order. The caller holds the lock.
 */
final class BatchRunner {
    private final PgSession session;
    private final StatementCache statements;
    private final ExtendedQuery queries;

    BatchRunner(PgSession session, StatementCache statements, ExtendedQuery queries) {
        this.session = session;
        this.statements = statements;
        this.queries = queries;
    }

    PgBatchResult run(List<PgStatement> batch) {
        int n = batch.size();
        if (n == 0) {
            return new PgBatchResult.Completed(new long[0]);
        }
        ByteSink out = queries.request();
        Map<StatementCache.Key, StatementCache.Entry> parsedHere = new HashMap<>();
        List<StatementCache.Key> parseOrder = new ArrayList<>();
        List<StatementCache.Entry> parseEntries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PgStatement s = batch.get(i);
            Encoded p;
            try {
                p = queries.encode(s.params().toArray());
            } catch (PgException e) {
                throw new PgException("batch statement " + i + ": " + e.getMessage(), e);
            }
            StatementCache.Key key = new StatementCache.Key(s.sql(), p.oids());
            StatementCache.Entry st = statements.get(key);
            if (st == null) {
                st = parsedHere.get(key);
                if (st == null) {
                    st = statements.newEntry(s.sql());
                    Frontend.parse(out, st.name, s.sql(), p.oids());
                    parsedHere.put(key, st);
                    parseOrder.add(key);
                    parseEntries.add(st);
                }
            }
            Frontend.bind(out, "", st.name, p.formats(), p.values(), ExtendedQuery.NO_FORMATS);
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
                    default -> ExtendedQuery.unexpected(m);
                }
            });
        } catch (PgServerException e) {
            if (ExtendedQuery.staleStatement(e)) {
                for (PgStatement s : batch) {
                    statements.forgetSql(s.sql());
                }
            }
            return new PgBatchResult.Failed(done[0], Arrays.copyOf(counts, done[0]), e);
        }
        return new PgBatchResult.Completed(counts);
    }
}
