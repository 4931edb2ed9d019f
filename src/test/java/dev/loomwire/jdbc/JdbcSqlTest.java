package dev.loomwire.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How JDBC SQL is rewritten for PostgreSQL: placeholders, quoting, comments, escapes. */
class JdbcSqlTest {
    private static JdbcSql parse(String sql) throws SQLException {
        return JdbcSql.parse(sql, true);
    }

    @Test
    void placeholdersBecomeNumberedParameters() throws SQLException {
        JdbcSql s = parse("SELECT * FROM t WHERE a = ? AND b IN (?, ?)");
        assertEquals("SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)", s.sql());
        assertEquals(3, s.parameterCount());
        assertEquals("SELECT", s.keyword());
    }

    @Test
    void questionMarksInLiteralsIdentifiersCommentsAndDollarQuotesAreLeftAlone() throws SQLException {
        JdbcSql s = parse("SELECT '?', E'\\'?', \"a?b\", $$ ? $$, $tag$ '? $tag$, ? -- ?\n /* ? /* ? */ ? */ FROM t");
        assertEquals("SELECT '?', E'\\'?', \"a?b\", $$ ? $$, $tag$ '? $tag$, $1 -- ?\n /* ? /* ? */ ? */ FROM t", s.sql());
        assertEquals(1, s.parameterCount());
    }

    @Test
    void doubledQuestionMarkIsTheOperator() throws SQLException {
        JdbcSql s = parse("SELECT '{\"a\":1}'::jsonb ?? 'a', ?");
        assertEquals("SELECT '{\"a\":1}'::jsonb ? 'a', $1", s.sql());
        assertEquals(1, s.parameterCount());
    }

    @Test
    void existingDollarParametersAndPlainStatementsAreKept() throws SQLException {
        assertEquals("SELECT $1, a?b", JdbcSql.parse("SELECT $1, a?b", false).sql());
        assertEquals(0, JdbcSql.parse("SELECT $1, a?b", false).parameterCount());
    }

    @Test
    void callEscapesBecomeSelects() throws SQLException {
        JdbcSql fn = parse("{? = call upper(?)}");
        assertEquals("SELECT upper($1) AS result", fn.sql());
        assertTrue(fn.callReturnsValue());
        assertEquals(1, fn.parameterCount());
        JdbcSql call = parse("{ call generate_series(?, ?) }");
        assertEquals("SELECT * FROM generate_series($1, $2) AS result", call.sql());
        assertFalse(call.callReturnsValue());
    }

    @Test
    void dateTimeAndFunctionEscapes() throws SQLException {
        assertEquals("SELECT DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05', now()",
                parse("SELECT {d '2024-01-02'}, {ts '2024-01-02 03:04:05'}, {fn now()}").sql());
        assertEquals("SELECT '{d x}'", parse("SELECT '{d x}'").sql(), "not inside literals");
        assertEquals("SELECT {d '2024-01-02'}", JdbcSql.parse("SELECT {d '2024-01-02'}", false, false).sql(),
                "escape processing off");
    }

    @Test
    void unterminatedEscapeIsASyntaxError() {
        SQLException e = assertThrows(SQLException.class, () -> parse("SELECT {fn now()"));
        assertEquals("42601", e.getSQLState());
    }

    @Test
    void statementShapeForGeneratedKeysAndCursors() throws SQLException {
        assertTrue(parse("insert into t values (?)").acceptsReturning());
        assertFalse(parse("INSERT INTO t VALUES (1) RETURNING id").acceptsReturning() && !parse(
                "INSERT INTO t VALUES (1) RETURNING id").hasReturning());
        assertTrue(parse("INSERT INTO t VALUES (1) RETURNING id").hasReturning());
        assertTrue(parse("  select 1").isQuery());
        assertTrue(parse("WITH x AS (SELECT 1) SELECT * FROM x").isQuery());
        assertFalse(parse("SELECT 1; SELECT 2").isQuery());
        assertTrue(parse("SELECT 1; SELECT 2").multipleStatements());
        assertFalse(parse("SELECT 1; -- done\n").multipleStatements());
    }
}
