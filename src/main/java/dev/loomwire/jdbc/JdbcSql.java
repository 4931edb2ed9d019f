package dev.loomwire.jdbc;

import java.sql.SQLException;
import java.util.Locale;

/**
 * JDBC SQL as PostgreSQL takes it, from one pass over the text: {@code ?} placeholders become
 * {@code $1, $2, ...} ({@code ??} is a literal {@code ?}, e.g. the jsonb operator), JDBC escapes
 * ({@code {call f(?)}}, {@code {? = call f(?)}}, {@code {d '...'}}, {@code {t '...'}},
 * {@code {ts '...'}}, {@code {fn f(...)}}, {@code {oj ...}}, {@code {escape '...'}}) are
 * translated, and nothing inside string literals ({@code '...'}, {@code E'...'}), quoted
 * identifiers, comments ({@code --}, nested {@code /* *}{@code /}) or dollar quotes
 * ({@code $tag$...$tag$}) is touched.
 *
 * @param sql the text to send
 * @param parameterCount number of server parameters ($n); for {@code {? = call ...}} the result placeholder is not one
 * @param keyword the first word, upper case ("SELECT", "INSERT", "WITH"...; "" if none)
 * @param multipleStatements whether a top-level {@code ;} is followed by more SQL
 * @param hasReturning whether a top-level {@code RETURNING} word occurs
 * @param callReturnsValue whether it came from {@code {? = call ...}} (placeholder 1 is the result)
 */
record JdbcSql(String sql, int parameterCount, String keyword, boolean multipleStatements, boolean hasReturning,
               boolean callReturnsValue) {

    /** Rewrites {@code sql}; with {@code placeholders} false, {@code ?} is left alone (plain Statement). */
    static JdbcSql parse(String sql, boolean placeholders) throws SQLException {
        return parse(sql, placeholders, true);
    }

    /** As {@link #parse(String, boolean)}; with {@code escapes} false, JDBC escapes are left alone too. */
    static JdbcSql parse(String sql, boolean placeholders, boolean escapes) throws SQLException {
        if (sql == null) {
            throw JdbcErrors.invalid("SQL is null");
        }
        Lexer lexer = new Lexer(sql, placeholders);
        lexer.escapes = escapes;
        lexer.run();
        String out = lexer.out.toString();
        boolean callReturnsValue = false;
        if (lexer.callEscape != null) {
            callReturnsValue = lexer.callEscape;
        }
        return new JdbcSql(out, lexer.params, lexer.keyword, lexer.moreAfterSemicolon, lexer.returning,
                callReturnsValue);
    }

    /** Whether the statement can take {@code RETURNING} for generated keys. */
    boolean acceptsReturning() {
        return !multipleStatements && (keyword.equals("INSERT") || keyword.equals("UPDATE")
                || keyword.equals("DELETE") || keyword.equals("MERGE"));
    }

    /** Whether the statement is a query that a cursor can stream. */
    boolean isQuery() {
        return !multipleStatements && (keyword.equals("SELECT") || keyword.equals("WITH")
                || keyword.equals("VALUES") || keyword.equals("TABLE"));
    }

    private static final class Lexer {
        final String s;
        final boolean placeholders;
        final StringBuilder out;
        int i;
        int params;
        String keyword = "";
        boolean moreAfterSemicolon;
        boolean sawSemicolon;
        boolean returning;
        Boolean callEscape;
        boolean escapes = true;

        Lexer(String s, boolean placeholders) {
            this.s = s;
            this.placeholders = placeholders;
            this.out = new StringBuilder(s.length() + 16);
        }

        void run() throws SQLException {
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (sawSemicolon && !Character.isWhitespace(c) && c != ';') {
                    if (!(c == '-' && peek(1) == '-') && !(c == '/' && peek(1) == '*')) {
                        moreAfterSemicolon = true;
                    }
                }
                switch (c) {
                    case '\'' -> quoted('\'', isEscapeString());
                    case '"' -> quoted('"', false);
                    case '-' -> {
                        if (peek(1) == '-') {
                            lineComment();
                        } else {
                            emit(c);
                        }
                    }
                    case '/' -> {
                        if (peek(1) == '*') {
                            blockComment();
                        } else {
                            emit(c);
                        }
                    }
                    case '$' -> dollar();
                    case '?' -> question();
                    case ';' -> {
                        sawSemicolon = true;
                        emit(c);
                    }
                    case '{' -> {
                        if (escapes) {
                            escape();
                        } else {
                            emit(c);
                        }
                    }
                    default -> {
                        if (Character.isLetter(c) || c == '_') {
                            word();
                        } else {
                            emit(c);
                        }
                    }
                }
            }
        }

        char peek(int ahead) {
            return i + ahead < s.length() ? s.charAt(i + ahead) : '\0';
        }

        void emit(char c) {
            out.append(c);
            i++;
        }

        boolean isEscapeString() {
            int len = out.length();
            return len > 0 && (out.charAt(len - 1) == 'E' || out.charAt(len - 1) == 'e')
                    && (len == 1 || !Character.isLetterOrDigit(out.charAt(len - 2)) && out.charAt(len - 2) != '_');
        }

        void quoted(char q, boolean backslashEscapes) {
            int start = i;
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == q) {
                    if (peek(1) == q) {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
            out.append(s, start, Math.min(i, s.length()));
        }

        void lineComment() {
            int end = s.indexOf('\n', i);
            end = end < 0 ? s.length() : end;
            out.append(s, i, end);
            i = end;
        }

        void blockComment() {
            int start = i;
            int depth = 0;
            while (i < s.length()) {
                if (s.charAt(i) == '/' && peek(1) == '*') {
                    depth++;
                    i += 2;
                } else if (s.charAt(i) == '*' && peek(1) == '/') {
                    depth--;
                    i += 2;
                    if (depth == 0) {
                        break;
                    }
                } else {
                    i++;
                }
            }
            out.append(s, start, Math.min(i, s.length()));
        }

        /** $n parameter reference, or a dollar-quoted string $tag$...$tag$. */
        void dollar() {
            int j = i + 1;
            if (j < s.length() && Character.isDigit(s.charAt(j))) {
                emit('$');
                return;
            }
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                j++;
            }
            boolean identifierBefore = out.length() > 0
                    && (Character.isLetterOrDigit(out.charAt(out.length() - 1)) || out.charAt(out.length() - 1) == '_');
            if (j >= s.length() || s.charAt(j) != '$' || identifierBefore) {
                emit('$');
                return;
            }
            String tag = s.substring(i, j + 1);
            int end = s.indexOf(tag, j + 1);
            end = end < 0 ? s.length() : end + tag.length();
            out.append(s, i, end);
            i = end;
        }

        void question() {
            if (!placeholders) {
                emit('?');
                return;
            }
            if (peek(1) == '?') {
                out.append('?');
                i += 2;
                return;
            }
            params++;
            out.append('$').append(params);
            i++;
        }

        void word() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
                i++;
            }
            String w = s.substring(start, i);
            if (keyword.isEmpty() && !sawSemicolon) {
                keyword = w.toUpperCase(Locale.ROOT);
            }
            if (!sawSemicolon && w.equalsIgnoreCase("RETURNING")) {
                returning = true;
            }
            out.append(w);
        }

        /** A JDBC escape {...}; braces inside it are balanced, its body is lexed like the rest. */
        void escape() throws SQLException {
            int j = i + 1;
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            int k = j;
            boolean returnsValue = false;
            if (k < s.length() && s.charAt(k) == '?') {
                int eq = k + 1;
                while (eq < s.length() && Character.isWhitespace(s.charAt(eq))) {
                    eq++;
                }
                if (eq < s.length() && s.charAt(eq) == '=') {
                    returnsValue = true;
                    k = eq + 1;
                    while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
                        k++;
                    }
                }
            }
            int w = k;
            while (w < s.length() && Character.isLetter(s.charAt(w))) {
                w++;
            }
            String kind = s.substring(k, w).toLowerCase(Locale.ROOT);
            int close = matchingBrace(i);
            if (close < 0) {
                throw new SQLException("JDBC escape starting at position " + i + " has no closing '}'",
                        "42601");
            }
            String body = s.substring(w, close);
            switch (kind) {
                case "call" -> {
                    if (keyword.isEmpty()) {
                        keyword = "SELECT";
                    }
                    callEscape = returnsValue;
                    if (returnsValue) {
                        // {? = call f(?)}: the result is JDBC parameter 1, not a server parameter
                        out.append("SELECT ").append(sub(body.strip())).append(" AS result");
                    } else {
                        out.append("SELECT * FROM ").append(sub(body.strip())).append(" AS result");
                    }
                }
                case "d" -> out.append("DATE ").append(sub(body.strip()));
                case "t" -> out.append("TIME ").append(sub(body.strip()));
                case "ts" -> out.append("TIMESTAMP ").append(sub(body.strip()));
                case "fn", "oj" -> out.append(sub(body.strip()));
                case "escape" -> out.append("ESCAPE ").append(sub(body.strip()));
                default -> {
                    if (returnsValue) {
                        throw new SQLException("JDBC escape {? = ...} at position " + i + " must be {? = call ...}",
                                "42601");
                    }
                    // not an escape (e.g. a brace in an array literal outside quotes): keep it
                    emit('{');
                    return;
                }
            }
            i = close + 1;
        }

        /** Lexes {@code part} with this lexer's state (placeholders keep counting). */
        String sub(String part) throws SQLException {
            Lexer inner = new Lexer(part, placeholders);
            inner.params = params;
            inner.keyword = "-";
            inner.run();
            params = inner.params;
            return inner.out.toString();
        }

        int matchingBrace(int open) {
            int depth = 0;
            int j = open;
            while (j < s.length()) {
                char c = s.charAt(j);
                if (c == '\'' || c == '"') {
                    int end = j + 1;
                    while (end < s.length() && s.charAt(end) != c) {
                        end++;
                    }
                    j = end + 1;
                    continue;
                }
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        return j;
                    }
                }
                j++;
            }
            return -1;
        }
    }
}
