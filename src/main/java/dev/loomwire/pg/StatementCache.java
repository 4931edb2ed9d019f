package dev.loomwire.pg;

import dev.loomwire.pg.protocol.ByteSink;
import dev.loomwire.pg.protocol.Frontend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The session's named server-side statements, least recently used first, keyed by SQL text and
 * parameter type OIDs. Statements evicted or forgotten are closed on the server with the next
 * request ({@link #appendPendingCloses}), so eviction never costs a round trip of its own.
 * Portals a cursor leaves behind are closed the same way. One session's; not thread-safe.
 */
final class StatementCache {
    static final int DEFAULT_SIZE = 256;

    private final int capacity;
    private final Map<Key, Entry> statements = new LinkedHashMap<>(16, 0.75f, true);
    private final List<String> statementsToClose = new ArrayList<>();
    private final List<String> portalsToClose = new ArrayList<>();
    private int counter;

    StatementCache(int capacity) {
        this.capacity = capacity;
    }

    /** Cache key: the SQL string itself (not copied) and the parameter type OIDs it was parsed with. */
    static final class Key {
        final String sql;
        final int[] paramOids;
        private final int hash;

        Key(String sql, int[] paramOids) {
            this.sql = sql;
            this.paramOids = paramOids;
            this.hash = 31 * sql.hashCode() + Arrays.hashCode(paramOids);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && sql.equals(k.sql) && Arrays.equals(paramOids, k.paramOids);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A named server-side statement. Once described, the result formats to request for it and
     * the columns the server sends with those formats, so later runs need no Describe.
     */
    static final class Entry {
        final String name;
        /** FETCH, EXECUTE and CALL take their result shape from something other than the statement. */
        final boolean shapeVaries;
        short[] resultFormats;
        List<PgColumn> columns;
        Map<String, Integer> byName;
        /** The row shape of later runs (the cached columns with the connection's codecs). */
        PgRow.RowShape shape;

        Entry(String name, String sql) {
            this.name = name;
            this.shapeVaries = resultShapeVaries(sql);
        }

        boolean described() {
            return columns != null && !shapeVaries;
        }

        /** Stores the formats for later runs and the columns as the server will describe them in those formats. */
        void remember(short[] formats, List<PgColumn> described, Map<String, Integer> names) {
            List<PgColumn> cols = new ArrayList<>(described.size());
            for (int i = 0; i < described.size(); i++) {
                PgColumn c = described.get(i);
                cols.add(new PgColumn(c.name(), c.typeOid(), c.tableOid(), c.columnNumber(), c.typeModifier(),
                        formats[i]));
            }
            resultFormats = formats;
            columns = Collections.unmodifiableList(cols);
            byName = names;
            shape = null;
        }
    }

    Entry get(Key key) {
        return statements.get(key);
    }

    /** A new, not yet cached statement with a session-unique name. */
    Entry newEntry(String sql) {
        return new Entry("lw_" + (++counter), sql);
    }

    /** A session-unique portal name for a cursor. */
    String newPortalName() {
        return "lw_p" + (++counter);
    }

    /** Caches a statement the server has parsed, evicting the least recently used beyond capacity. */
    void put(Key key, Entry st) {
        statements.put(key, st);
        if (statements.size() > capacity) {
            var eldest = statements.entrySet().iterator().next();
            statementsToClose.add(eldest.getValue().name);
            statements.remove(eldest.getKey());
        }
    }

    void forget(Key key) {
        Entry st = statements.remove(key);
        if (st != null) {
            statementsToClose.add(st.name);
        }
    }

    /** Forgets every cached statement for this SQL, whatever its parameter types. */
    void forgetSql(String sql) {
        var it = statements.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().sql.equals(sql)) {
                statementsToClose.add(e.getValue().name);
                it.remove();
            }
        }
    }

    /** Asks for the portal to be closed with the next request (closing a portal that is gone is no error). */
    void closePortalLater(String portal) {
        portalsToClose.add(portal);
    }

    /** Prepends Close messages for evicted statements and abandoned portals to a request. */
    void appendPendingCloses(ByteSink out) {
        for (String name : portalsToClose) {
            Frontend.close(out, 'P', name);
        }
        portalsToClose.clear();
        for (String name : statementsToClose) {
            Frontend.close(out, 'S', name);
        }
        statementsToClose.clear();
    }

    int size() {
        return statements.size();
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
}
