package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage.DataRow;
import dev.loomwire.pg.protocol.ProtocolException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * Rows of one statement pulled one at a time ({@link PgConnection#cursor}): a JDBC ResultSet's
 * {@code next()}. Streaming cursors fetch {@code fetchSize} rows per round trip from a named
 * portal inside the caller's transaction; others hold the complete result. Not thread-safe; use
 * it on the thread that uses its connection. Close it (try-with-resources) to release the portal.
 */
public final class PgCursor implements AutoCloseable {
    private final PgConnection connection;
    private final String portal;
    private final int fetchSize;
    private final ArrayDeque<PgRow> buffer = new ArrayDeque<>();
    private List<PgColumn> columns = List.of();
    private Map<String, Integer> byName = Map.of();
    private PgRow.RowShape shape;
    private boolean suspended;
    private String tag = "";
    private boolean closed;
    private long rowsRead;

    PgCursor(PgConnection connection, String portal, int fetchSize) {
        this.connection = connection;
        this.portal = portal;
        this.fetchSize = fetchSize;
    }

    /** A cursor over a result already read completely. */
    static PgCursor complete(PgResult result) {
        PgCursor c = new PgCursor(null, null, 0);
        c.columns = result.columns();
        c.buffer.addAll(result.rows());
        c.tag = result.commandTag();
        return c;
    }

    void add(PgRow row) {
        buffer.add(row);
    }

    PgRow row(DataRow d) {
        if (d.columnCount() != columns.size()) {
            throw new ProtocolException("DataRow has " + d.columnCount() + " columns, RowDescription "
                    + columns.size());
        }
        if (shape == null || shape.columns() != columns) {
            shape = new PgRow.RowShape(columns, byName, connection.resolvedCodecs());
        }
        return new PgRow(shape, d);
    }

    /** Records what one fetch brought: columns (first fetch only), whether more rows wait, the tag when done. */
    void fetched(List<PgColumn> cols, Map<String, Integer> names, boolean more, String commandTag) {
        if (cols != null) {
            columns = cols;
            byName = names;
        }
        suspended = more;
        if (!more) {
            tag = commandTag;
            if (connection != null) {
                connection.closePortal(portal); // a completed portal lingers until the transaction ends
            }
        }
    }

    /** The result's columns; empty for a statement that returns no rows. */
    public List<PgColumn> columns() {
        return columns;
    }

    /**
     * The next row, or null when there are no more (then {@link #commandTag()} is set). Fetches
     * the next {@code fetchSize} rows from the server when the buffered ones are used up; a server
     * error met while fetching is thrown here.
     */
    public PgRow next() {
        if (closed) {
            throw new PgException("cursor is closed");
        }
        if (buffer.isEmpty() && suspended) {
            connection.fetch(this, portal, fetchSize);
        }
        PgRow r = buffer.poll();
        if (r != null) {
            rowsRead++;
        }
        return r;
    }

    /** True when every row has been returned by {@link #next()}. */
    public boolean isDone() {
        return buffer.isEmpty() && !suspended;
    }

    /** Rows returned by {@link #next()} so far. */
    public long rowsRead() {
        return rowsRead;
    }

    /** The command tag ("SELECT 3", "UPDATE 2") once the statement has completed, "" before. */
    public String commandTag() {
        return tag;
    }

    /** Rows affected or returned, from the command tag; 0 until the statement completed. */
    public long affectedRows() {
        return PgResult.affectedRows(tag);
    }

    /** Releases the rows and, if the portal is still open, closes it with the connection's next request. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffer.clear();
        if (suspended && connection != null) {
            connection.closePortal(portal);
        }
        suspended = false;
    }
}
