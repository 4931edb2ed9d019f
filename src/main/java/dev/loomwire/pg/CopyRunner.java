package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage.*;
import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import java.io.InputStream;
import java.io.OutputStream;

/** {@code COPY ... FROM STDIN} and {@code COPY ... TO STDOUT} over the session. The caller holds the lock. */
final class CopyRunner {
    private final PgSession session;
    private final ExtendedQuery queries;

    CopyRunner(PgSession session, ExtendedQuery queries) {
        this.session = session;
        this.queries = queries;
    }

    long copyIn(String sql, InputStream data) {
        ByteSink out = queries.request();
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
    }

    long copyOut(String sql, OutputStream sink) {
        ByteSink out = queries.request();
        Frontend.query(out, sql);
        String[] tag = {""};
        session.copyOut(out, sink, m -> {
            switch (m) {
                case CommandComplete c -> tag[0] = c.tag();
                case RowDescription rd -> { }
                case DataRow d -> { }
                default -> ExtendedQuery.unexpected(m);
            }
        });
        return PgResult.affectedRows(tag[0]);
    }
}
