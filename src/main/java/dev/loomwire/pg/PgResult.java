package dev.loomwire.pg;

import java.util.Iterator;
import java.util.List;

/** The complete result of one statement: its columns, rows and command tag (e.g. "SELECT 3", "UPDATE 2"). */
public final class PgResult implements Iterable<PgRow> {
    private final List<PgColumn> columns;
    private final List<PgRow> rows;
    private final String commandTag;

    PgResult(List<PgColumn> columns, List<PgRow> rows, String commandTag) {
        this.columns = columns;
        this.rows = List.copyOf(rows);
        this.commandTag = commandTag;
    }

    public List<PgColumn> columns() {
        return columns;
    }

    public List<PgRow> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Row {@code i} (0-based). */
    public PgRow get(int i) {
        return rows.get(i);
    }

    /** The only row; throws if there are none or several. */
    public PgRow single() {
        if (rows.size() != 1) {
            throw new PgException("expected exactly one row, got " + rows.size());
        }
        return rows.get(0);
    }

    /** Command tag from CommandComplete, or "" for an empty query. */
    public String commandTag() {
        return commandTag;
    }

    /** Rows affected or returned, from the command tag's trailing number (0 if none). */
    public long affectedRows() {
        return affectedRows(commandTag);
    }

    static long affectedRows(String tag) {
        if (tag == null) {
            return 0;
        }
        int space = tag.lastIndexOf(' ');
        if (space < 0) {
            return 0;
        }
        try {
            return Long.parseLong(tag.substring(space + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Iterator<PgRow> iterator() {
        return rows.iterator();
    }
}
