package dev.loomwire.jdbc;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.PgNotice;
import dev.loomwire.pg.PgResult;
import dev.loomwire.pg.PgRow;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A JDBC {@link Connection} on one loomwire {@link PgConnection} (TLS, libpq parameters and all).
 * Calls are serialized by a lock, so a connection may be handed between threads; {@link #abort},
 * {@link Statement#cancel()} and query timeouts work from any thread (cancel goes over TLS when
 * the session is encrypted).
 *
 * <p>Transactions: in auto-commit mode (the default) each statement commits on its own. With
 * auto-commit off, {@code BEGIN} is sent before the first statement of each transaction.
 * {@link #setReadOnly} and {@link #setTransactionIsolation} set the session's transaction
 * characteristics ({@code SET SESSION CHARACTERISTICS AS TRANSACTION ...}), so they apply in
 * auto-commit mode too, and may not be changed inside a transaction (SQLSTATE 25001).
 * {@link #getMetaData()} answers from pg_catalog; {@link #pgConnection()} (or
 * {@code unwrap(PgConnection.class)}) reaches the underlying session.
 */
public final class LoomwireConnection implements Connection {
    private final PgConnection pg;
    private final String url;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private boolean autoCommit = true;
    private boolean readOnly;
    private int isolation = -1;
    private int networkTimeoutMillis;
    private int savepointCounter;
    private SQLWarning warnings;
    /** The statement running now, which collects the server's notices as warnings. */
    private LoomwireStatement running;
    private Properties clientInfo = new Properties();

    LoomwireConnection(PgConnection pg, String url) {
        this.pg = pg;
        this.url = JdbcUrl.withoutSecrets(url);
        pg.onNotice(this::notice);
    }

    /** The underlying loomwire session, e.g. for catalog queries or loomwire-only features. */
    public PgConnection pgConnection() {
        return pg;
    }

    /** The JDBC URL this connection was opened with, without its password. */
    public String url() {
        return url;
    }

    /** The user name the session authenticated as. */
    public String userName() {
        return pg.config().user();
    }

    /** The session's configuration (all hosts, TLS parameters; {@code toString()} hides passwords). */
    public PgConfig config() {
        return pg.config();
    }

    private void notice(PgNotice n) {
        SQLWarning w = new SQLWarning(n.toString(), n.sqlState());
        LoomwireStatement s = running;
        if (s != null) {
            s.addWarning(w);
        } else if (warnings == null) {
            warnings = w;
        } else {
            warnings.setNextWarning(w);
        }
    }

    // ---------------------------------------------------------------- running SQL (for statements)

    void ensureOpen() throws SQLException {
        if (closed || pg.isClosed()) {
            closed = true;
            throw JdbcErrors.connectionClosed();
        }
    }

    /** What a statement runs on the session, under the lock, the network timeout and its query timeout. */
    interface Work<T> {
        T run(PgConnection pg);
    }

    /**
     * Runs {@code work} for {@code statement}: sends BEGIN first when auto-commit is off and no
     * transaction is open, bounds it by the query timeout (cancel) and the network timeout
     * (abort), and maps failures through {@link JdbcErrors}.
     */
    <T> T run(LoomwireStatement statement, int queryTimeoutSeconds, Work<T> work) throws SQLException {
        lock.lock();
        try {
            ensureOpen();
            running = statement;
            Watchdog watchdog = Watchdog.start(this, queryTimeoutSeconds);
            try {
                beginIfNeeded();
                return work.run(pg);
            } catch (RuntimeException e) {
                throw watchdog.failure(e);
            } finally {
                watchdog.close();
                running = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void beginIfNeeded() {
        if (!autoCommit && pg.transactionStatus() == 'I') {
            pg.execute("BEGIN");
        }
    }

    /** A query the driver runs for itself (metadata lookups): no BEGIN, errors mapped. */
    PgResult internalQuery(String sql, Object... params) throws SQLException {
        return call(p -> p.query(sql, params));
    }

    /** Runs {@code work} under the lock without BEGIN or query timeout (cursor fetches, metadata), mapping failures. */
    <T> T call(Work<T> work) throws SQLException {
        lock.lock();
        try {
            ensureOpen();
            return work.run(pg);
        } catch (RuntimeException e) {
            throw JdbcErrors.of(e);
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the statement running on this connection (Statement.cancel, query timeout). */
    void cancelRunning() throws SQLException {
        try {
            pg.cancel();
        } catch (RuntimeException e) {
            throw JdbcErrors.of(e);
        }
    }

    private void simple(String sql) throws SQLException {
        call(p -> p.simpleQuery(sql));
    }

    // ---------------------------------------------------------------- statements

    @Override
    public Statement createStatement() throws SQLException {
        ensureOpen();
        return new LoomwireStatement(this);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return createStatement();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int holdability) throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, holdability);
        return createStatement();
    }

    private static void checkResultSetKind(int type, int concurrency, int holdability) throws SQLException {
        if (type != ResultSet.TYPE_FORWARD_ONLY) {
            throw JdbcErrors.unsupported("result set type " + type + " (only TYPE_FORWARD_ONLY)");
        }
        if (concurrency != ResultSet.CONCUR_READ_ONLY) {
            throw JdbcErrors.unsupported("result set concurrency " + concurrency + " (only CONCUR_READ_ONLY)");
        }
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw JdbcErrors.unsupported("HOLD_CURSORS_OVER_COMMIT");
        }
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        ensureOpen();
        return new LoomwirePreparedStatement(this, JdbcSql.parse(sql, true), LoomwireStatement.Keys.NONE);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int holdability)
            throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, holdability);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        ensureOpen();
        return new LoomwirePreparedStatement(this, JdbcSql.parse(sql, true), LoomwireStatement.Keys.of(autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        throw JdbcErrors.unsupported("generated keys by column index (name the columns: prepareStatement(sql, String[]))");
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        ensureOpen();
        return new LoomwirePreparedStatement(this, JdbcSql.parse(sql, true), LoomwireStatement.Keys.of(columnNames));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        ensureOpen();
        return new LoomwireCallableStatement(this, JdbcSql.parse(sql, true));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return prepareCall(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int holdability)
            throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency, holdability);
        return prepareCall(sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return JdbcSql.parse(sql, true).sql();
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        ensureOpen();
        if (autoCommit == this.autoCommit) {
            return;
        }
        if (autoCommit && pg.transactionStatus() != 'I') {
            commit();
        }
        this.autoCommit = autoCommit;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        ensureOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        ensureOpen();
        if (autoCommit) {
            throw new SQLException("commit() in auto-commit mode (call setAutoCommit(false) first)",
                    JdbcErrors.NO_ACTIVE_TRANSACTION);
        }
        if (pg.transactionStatus() == 'I') {
            return;
        }
        PgResult r = run(null, 0, p -> p.simpleQuery("COMMIT").get(0));
        if ("ROLLBACK".equals(r.commandTag())) {
            throw new SQLException("the transaction had failed, so COMMIT rolled it back (an earlier statement's"
                    + " error ended it)", JdbcErrors.IN_FAILED_TRANSACTION);
        }
    }

    @Override
    public void rollback() throws SQLException {
        ensureOpen();
        if (autoCommit) {
            throw new SQLException("rollback() in auto-commit mode (call setAutoCommit(false) first)",
                    JdbcErrors.NO_ACTIVE_TRANSACTION);
        }
        if (pg.transactionStatus() != 'I') {
            simple("ROLLBACK");
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return savepoint(new LoomwireSavepoint(++savepointCounter, null));
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        if (name == null || name.isEmpty()) {
            throw JdbcErrors.invalid("savepoint name is empty");
        }
        return savepoint(new LoomwireSavepoint(0, name));
    }

    private Savepoint savepoint(LoomwireSavepoint sp) throws SQLException {
        ensureOpen();
        if (autoCommit) {
            throw new SQLException("savepoints need a transaction: call setAutoCommit(false) first",
                    JdbcErrors.NO_ACTIVE_TRANSACTION);
        }
        run(null, 0, p -> p.simpleQuery("SAVEPOINT " + sp.identifier()));
        return sp;
    }

    private LoomwireSavepoint ours(Savepoint savepoint) throws SQLException {
        if (!(savepoint instanceof LoomwireSavepoint sp)) {
            throw JdbcErrors.invalid("not a savepoint of this driver: " + savepoint);
        }
        if (autoCommit) {
            throw new SQLException("savepoints need a transaction (auto-commit is on)", JdbcErrors.NO_ACTIVE_TRANSACTION);
        }
        return sp;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        ensureOpen();
        LoomwireSavepoint sp = ours(savepoint);
        simple("ROLLBACK TO SAVEPOINT " + sp.identifier());
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        ensureOpen();
        LoomwireSavepoint sp = ours(savepoint);
        simple("RELEASE SAVEPOINT " + sp.identifier());
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        ensureOpen();
        String name = switch (level) {
            case TRANSACTION_READ_UNCOMMITTED -> "READ UNCOMMITTED";
            case TRANSACTION_READ_COMMITTED -> "READ COMMITTED";
            case TRANSACTION_REPEATABLE_READ -> "REPEATABLE READ";
            case TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
            default -> throw JdbcErrors.invalid("transaction isolation level " + level + " (use a Connection.TRANSACTION_* constant)");
        };
        if (level == isolation) {
            return;
        }
        outsideTransaction("the transaction isolation level");
        simple("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + name);
        isolation = level;
    }

    private void outsideTransaction(String what) throws SQLException {
        if (pg.transactionStatus() != 'I') {
            throw new SQLException("cannot change " + what + " inside a transaction (commit or roll back first)",
                    JdbcErrors.ACTIVE_TRANSACTION);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        ensureOpen();
        if (isolation < 0) {
            String level = internalQuery("SHOW transaction_isolation").get(0).getString(0);
            isolation = switch (level) {
                case "read uncommitted" -> TRANSACTION_READ_UNCOMMITTED;
                case "repeatable read" -> TRANSACTION_REPEATABLE_READ;
                case "serializable" -> TRANSACTION_SERIALIZABLE;
                default -> TRANSACTION_READ_COMMITTED;
            };
        }
        return isolation;
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        ensureOpen();
        if (readOnly == this.readOnly) {
            return;
        }
        outsideTransaction("read-only");
        simple("SET SESSION CHARACTERISTICS AS TRANSACTION " + (readOnly ? "READ ONLY" : "READ WRITE"));
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        ensureOpen();
        return readOnly;
    }

    // ---------------------------------------------------------------- session

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        ensureOpen();
        return new LoomwireDatabaseMetaData(this);
    }

    /** The database name: PostgreSQL cannot switch databases on a session, so only the current one is accepted. */
    @Override
    public void setCatalog(String catalog) throws SQLException {
        ensureOpen();
        if (catalog != null && !catalog.equals(getCatalog())) {
            throw new SQLException("cannot switch a PostgreSQL session to database \"" + catalog + "\" (connected to \""
                    + getCatalog() + "\"; open a connection to it instead)", "3D000");
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        ensureOpen();
        return pg.config().database();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        ensureOpen();
        if (schema == null) {
            throw JdbcErrors.invalid("schema is null");
        }
        call(p -> p.query("SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident($1), false)", schema));
    }

    @Override
    public String getSchema() throws SQLException {
        ensureOpen();
        return internalQuery("SELECT pg_catalog.current_schema()").get(0).getString(0);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        ensureOpen();
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw JdbcErrors.unsupported("HOLD_CURSORS_OVER_COMMIT");
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        ensureOpen();
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        ensureOpen();
        return warnings;
    }

    @Override
    public void clearWarnings() {
        warnings = null;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        ensureOpen();
        return Map.of();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (map != null && !map.isEmpty()) {
            throw JdbcErrors.unsupported("Connection.setTypeMap (user-defined type mappings)");
        }
    }

    // ---------------------------------------------------------------- liveness, timeouts, closing

    /**
     * Runs an empty query; false if it fails or does not answer within {@code timeout} seconds
     * (the connection is then closed, as it cannot be trusted). 0 means no limit.
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw JdbcErrors.invalid("isValid timeout must be >= 0, got " + timeout);
        }
        if (closed || pg.isClosed()) {
            return false;
        }
        lock.lock();
        try {
            return pg.isValid(Duration.ofSeconds(timeout));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Bounds each wait for the server (socket read timeout): when the server sends nothing for
     * {@code milliseconds}, the connection is closed and the call fails with SQLSTATE 08006 (its
     * outcome unknown). 0 means no limit. The executor is not needed (the socket's timeout does it).
     */
    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        ensureOpen();
        if (milliseconds < 0) {
            throw JdbcErrors.invalid("network timeout must be >= 0, got " + milliseconds);
        }
        try {
            pg.setNetworkTimeout(Duration.ofMillis(milliseconds));
        } catch (RuntimeException e) {
            throw JdbcErrors.of(e);
        }
        networkTimeoutMillis = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        ensureOpen();
        return networkTimeoutMillis;
    }

    /** Closes the connection now, from any thread, without waiting for a running call. */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw JdbcErrors.invalid("abort: executor is null");
        }
        if (closed) {
            return;
        }
        closed = true;
        executor.execute(pg::abort);
    }

    @Override
    public void close() throws SQLException {
        if (closed && pg.isClosed()) {
            return;
        }
        closed = true;
        pg.close(); // while another thread is inside a call, PgConnection.close() aborts (no Terminate)
    }

    @Override
    public boolean isClosed() {
        return closed || pg.isClosed();
    }

    // ---------------------------------------------------------------- client info

    /** {@code ApplicationName} sets {@code application_name}; other names are refused (SQLClientInfoException). */
    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (!"ApplicationName".equals(name)) {
            throw new SQLClientInfoException("client info \"" + name + "\" is not supported (only ApplicationName)",
                    Map.of());
        }
        try {
            call(p -> p.query("SELECT pg_catalog.set_config('application_name', $1, false)", value == null ? "" : value));
        } catch (SQLException | RuntimeException e) {
            throw new SQLClientInfoException("setting ApplicationName failed: " + e.getMessage(), Map.of(), e);
        }
        clientInfo.setProperty(name, value == null ? "" : value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        for (String name : properties.stringPropertyNames()) {
            setClientInfo(name, properties.getProperty(name));
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        ensureOpen();
        if ("ApplicationName".equals(name)) {
            return pg.parameter("application_name").orElse("");
        }
        return null;
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", getClientInfo("ApplicationName"));
        return p;
    }

    // ---------------------------------------------------------------- not supported

    @Override
    public Clob createClob() throws SQLException {
        throw JdbcErrors.unsupported("Connection.createClob (use setString)");
    }

    @Override
    public Blob createBlob() throws SQLException {
        throw JdbcErrors.unsupported("Connection.createBlob (use setBytes or setBinaryStream for bytea)");
    }

    @Override
    public NClob createNClob() throws SQLException {
        throw JdbcErrors.unsupported("Connection.createNClob (use setString)");
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        throw JdbcErrors.unsupported("Connection.createSQLXML (use setString)");
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        throw JdbcErrors.unsupported("Connection.createArrayOf (pass a Java array or List to setObject)");
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        throw JdbcErrors.unsupported("Connection.createStruct");
    }

    // ---------------------------------------------------------------- Wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(pg)) {
            return iface.cast(pg);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), JdbcErrors.GENERAL_ERROR);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this) || iface.isInstance(pg);
    }

    @Override
    public String toString() {
        return "LoomwireConnection{" + url + (closed ? ", closed" : "") + "}";
    }

}
