package dev.loomwire.jdbc;

import static dev.loomwire.pg.Oid.BOOL;
import static dev.loomwire.pg.Oid.INT2;
import static dev.loomwire.pg.Oid.INT4;
import static dev.loomwire.pg.Oid.INT8;
import static dev.loomwire.pg.Oid.TEXT;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What tools ask a JDBC driver about the database (Flyway, Liquibase, Hibernate, Spring's
 * {@code JdbcTemplate}, HikariCP): product and version facts from the session's
 * {@code server_version}, PostgreSQL's identifier rules, and the catalog ({@code getTables},
 * {@code getColumns}, {@code getPrimaryKeys}, {@code getImportedKeys}, {@code getIndexInfo},
 * {@code getTypeInfo} ...) read from {@code pg_catalog} with result columns labelled exactly as
 * {@link DatabaseMetaData} names them.
 *
 * <p>Catalog queries run on the connection itself, like any statement: inside a transaction they
 * see its state, and in a failed transaction they fail. Methods PostgreSQL or this driver cannot
 * answer truthfully throw {@link java.sql.SQLFeatureNotSupportedException} rather than return an
 * empty or made-up answer. Obtained from {@link LoomwireConnection#getMetaData()}.
 */
public final class LoomwireDatabaseMetaData implements DatabaseMetaData {

    /** The leading major[.minor] of server_version. */
    private static final Pattern VERSION = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

    /** The reserved words of SQL:2003, which getSQLKeywords leaves out (lower case, as pg_get_keywords lists words). */
    private static final Set<String> SQL_2003 = Set.of(
            "abs", "all", "allocate", "alter", "and", "any", "are", "array", "as", "asensitive", "asymmetric", "at",
            "atomic", "authorization", "avg", "begin", "between", "bigint", "binary", "blob", "boolean", "both",
            "by", "call", "called", "cardinality", "cascaded", "case", "cast", "ceil", "ceiling", "char",
            "char_length", "character", "character_length", "check", "clob", "close", "coalesce", "collate",
            "collect", "column", "commit", "condition", "connect", "constraint", "convert", "corr", "corresponding",
            "count", "covar_pop", "covar_samp", "create", "cross", "cube", "cume_dist", "current", "current_date",
            "current_default_transform_group", "current_path", "current_role", "current_time", "current_timestamp",
            "current_transform_group_for_type", "current_user", "cursor", "cycle", "date", "day", "deallocate",
            "dec", "decimal", "declare", "default", "delete", "dense_rank", "deref", "describe", "deterministic",
            "disconnect", "distinct", "double", "drop", "dynamic", "each", "element", "else", "end", "end-exec",
            "escape", "every", "except", "exec", "execute", "exists", "exp", "external", "extract", "false", "fetch",
            "filter", "float", "floor", "for", "foreign", "free", "from", "full", "function", "fusion", "get",
            "global", "grant", "group", "grouping", "having", "hold", "hour", "identity", "in", "indicator", "inner",
            "inout", "insensitive", "insert", "int", "integer", "intersect", "intersection", "interval", "into",
            "is", "join", "language", "large", "lateral", "leading", "left", "like", "ln", "local", "localtime",
            "localtimestamp", "lower", "match", "max", "member", "merge", "method", "min", "minute", "mod",
            "modifies", "module", "month", "multiset", "national", "natural", "nchar", "nclob", "new", "no", "none",
            "normalize", "not", "null", "nullif", "numeric", "octet_length", "of", "old", "on", "only", "open", "or",
            "order", "out", "outer", "over", "overlaps", "overlay", "parameter", "partition", "percent_rank",
            "percentile_cont", "percentile_disc", "position", "power", "precision", "prepare", "primary",
            "procedure", "range", "rank", "reads", "real", "recursive", "ref", "references", "referencing",
            "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx",
            "regr_sxy", "regr_syy", "release", "result", "return", "returns", "revoke", "right", "rollback",
            "rollup", "row", "row_number", "rows", "savepoint", "scope", "scroll", "search", "second", "select",
            "sensitive", "session_user", "set", "similar", "smallint", "some", "specific", "specifictype", "sql",
            "sqlexception", "sqlstate", "sqlwarning", "sqrt", "start", "static", "stddev_pop", "stddev_samp",
            "submultiset", "substring", "sum", "symmetric", "system", "system_user", "table", "tablesample", "then",
            "time", "timestamp", "timezone_hour", "timezone_minute", "to", "trailing", "translate", "translation",
            "treat", "trigger", "trim", "true", "uescape", "union", "unique", "unknown", "unnest", "update", "upper",
            "user", "using", "value", "values", "var_pop", "var_samp", "varchar", "varying", "when", "whenever",
            "where", "width_bucket", "window", "with", "within", "without", "year");

    private final LoomwireConnection connection;
    private Integer maxIdentifierLength;

    /** The metadata of {@code connection}; cheap: nothing is asked of the server until a method needs it. */
    public LoomwireDatabaseMetaData(LoomwireConnection connection) {
        this.connection = connection;
    }

    // ---------------------------------------------------------------- product, driver, session

    @Override
    public String getDatabaseProductName() {
        return "PostgreSQL";
    }

    /** The server's {@code server_version} as it reports it, e.g. {@code 15.8 (Debian 15.8-1.pgdg120+1)}. */
    @Override
    public String getDatabaseProductVersion() {
        return serverVersion();
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        return versionPart(1);
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        return versionPart(2);
    }

    private String serverVersion() {
        return connection.pgConnection().serverVersion();
    }

    /** Major (1) or minor (2) from {@code 18.1}, {@code 15.8 (Debian ...)}, {@code 9.6.24}, {@code 19beta1}. */
    private int versionPart(int group) throws SQLException {
        String version = serverVersion();
        Matcher m = VERSION.matcher(version == null ? "" : version.strip());
        if (!m.find()) {
            throw new SQLException("cannot read a version number from the server's server_version \"" + version + "\"", "XX000");
        }
        String part = m.group(group);
        return part == null ? 0 : Integer.parseInt(part);
    }

    @Override
    public String getDriverName() {
        return LoomwireDriver.NAME;
    }

    @Override
    public String getDriverVersion() {
        return LoomwireDriver.MAJOR_VERSION + "." + LoomwireDriver.MINOR_VERSION;
    }

    @Override
    public int getDriverMajorVersion() {
        return LoomwireDriver.MAJOR_VERSION;
    }

    @Override
    public int getDriverMinorVersion() {
        return LoomwireDriver.MINOR_VERSION;
    }

    @Override
    public int getJDBCMajorVersion() {
        return 4;
    }

    @Override
    public int getJDBCMinorVersion() {
        return 3;
    }

    /** The connection's URL with the password removed (from the user info and from {@code password=}). */
    @Override
    public String getURL() {
        return connection.url();
    }

    @Override
    public String getUserName() {
        return connection.userName();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return connection.isReadOnly();
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    // ---------------------------------------------------------------- identifiers and SQL dialect

    @Override
    public boolean supportsMixedCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean storesUpperCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean storesLowerCaseIdentifiers() {
        return true;
    }

    @Override
    public boolean storesMixedCaseIdentifiers() {
        return false;
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() {
        return true;
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() {
        return false;
    }

    @Override
    public String getIdentifierQuoteString() {
        return "\"";
    }

    /** PostgreSQL's reserved words ({@code pg_get_keywords()}) that are not SQL:2003 keywords. */
    @Override
    public String getSQLKeywords() throws SQLException {
        StringBuilder words = new StringBuilder();
        try (ResultSet rs = statement("SELECT word FROM pg_catalog.pg_get_keywords()"
                + " WHERE catcode IN ('R', 'T') ORDER BY word").executeQuery()) {
            while (rs.next()) {
                String word = rs.getString(1);
                if (!SQL_2003.contains(word)) {
                    words.append(words.isEmpty() ? "" : ",").append(word);
                }
            }
        }
        return words.toString();
    }

    /** Empty: {@code {fn ...}} bodies reach the server untranslated, so no JDBC function name is promised. */
    @Override
    public String getNumericFunctions() {
        return "";
    }

    /** Empty: {@code {fn ...}} bodies reach the server untranslated, so no JDBC function name is promised. */
    @Override
    public String getStringFunctions() {
        return "";
    }

    /** Empty: {@code {fn ...}} bodies reach the server untranslated, so no JDBC function name is promised. */
    @Override
    public String getSystemFunctions() {
        return "";
    }

    /** Empty: {@code {fn ...}} bodies reach the server untranslated, so no JDBC function name is promised. */
    @Override
    public String getTimeDateFunctions() {
        return "";
    }

    @Override
    public String getSearchStringEscape() {
        return "\\";
    }

    @Override
    public String getExtraNameCharacters() {
        return "";
    }

    @Override
    public String getSchemaTerm() {
        return "schema";
    }

    @Override
    public String getProcedureTerm() {
        return "procedure";
    }

    @Override
    public String getCatalogTerm() {
        return "database";
    }

    @Override
    public boolean isCatalogAtStart() {
        return true;
    }

    @Override
    public String getCatalogSeparator() {
        return ".";
    }

    @Override
    public boolean allProceduresAreCallable() {
        return true;
    }

    @Override
    public boolean allTablesAreSelectable() {
        return true;
    }

    @Override
    public boolean nullsAreSortedHigh() {
        return true;
    }

    @Override
    public boolean nullsAreSortedLow() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtStart() {
        return false;
    }

    @Override
    public boolean nullsAreSortedAtEnd() {
        return false;
    }

    @Override
    public boolean usesLocalFiles() {
        return false;
    }

    @Override
    public boolean usesLocalFilePerTable() {
        return false;
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() {
        return true;
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() {
        return true;
    }

    @Override
    public boolean supportsColumnAliasing() {
        return true;
    }

    @Override
    public boolean nullPlusNonNullIsNull() {
        return true;
    }

    /** False: the JDBC {@code {fn CONVERT(...)}} escape is not translated. */
    @Override
    public boolean supportsConvert() {
        return false;
    }

    @Override
    public boolean supportsConvert(int fromType, int toType) {
        return false;
    }

    @Override
    public boolean supportsTableCorrelationNames() {
        return true;
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() {
        return false;
    }

    @Override
    public boolean supportsExpressionsInOrderBy() {
        return true;
    }

    @Override
    public boolean supportsOrderByUnrelated() {
        return true;
    }

    @Override
    public boolean supportsGroupBy() {
        return true;
    }

    @Override
    public boolean supportsGroupByUnrelated() {
        return true;
    }

    @Override
    public boolean supportsGroupByBeyondSelect() {
        return true;
    }

    @Override
    public boolean supportsLikeEscapeClause() {
        return true;
    }

    @Override
    public boolean supportsMultipleResultSets() {
        return true;
    }

    @Override
    public boolean supportsMultipleTransactions() {
        return true;
    }

    @Override
    public boolean supportsNonNullableColumns() {
        return true;
    }

    @Override
    public boolean supportsMinimumSQLGrammar() {
        return true;
    }

    @Override
    public boolean supportsCoreSQLGrammar() {
        return false;
    }

    @Override
    public boolean supportsExtendedSQLGrammar() {
        return false;
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() {
        return true;
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() {
        return false;
    }

    @Override
    public boolean supportsANSI92FullSQL() {
        return false;
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() {
        return true;
    }

    @Override
    public boolean supportsOuterJoins() {
        return true;
    }

    @Override
    public boolean supportsFullOuterJoins() {
        return true;
    }

    @Override
    public boolean supportsLimitedOuterJoins() {
        return true;
    }

    @Override
    public boolean supportsSchemasInDataManipulation() {
        return true;
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() {
        return true;
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() {
        return true;
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() {
        return true;
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() {
        return true;
    }

    /** False: a PostgreSQL session sees one database; names cannot be qualified by another. */
    @Override
    public boolean supportsCatalogsInDataManipulation() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() {
        return false;
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() {
        return false;
    }

    @Override
    public boolean supportsPositionedDelete() {
        return false;
    }

    @Override
    public boolean supportsPositionedUpdate() {
        return false;
    }

    @Override
    public boolean supportsSelectForUpdate() {
        return true;
    }

    @Override
    public boolean supportsStoredProcedures() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInComparisons() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInExists() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInIns() {
        return true;
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() {
        return true;
    }

    @Override
    public boolean supportsCorrelatedSubqueries() {
        return true;
    }

    @Override
    public boolean supportsUnion() {
        return true;
    }

    @Override
    public boolean supportsUnionAll() {
        return true;
    }

    /** False: a result set read through a cursor ({@code setFetchSize}) ends with its transaction. */
    @Override
    public boolean supportsOpenCursorsAcrossCommit() {
        return false;
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() {
        return false;
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() {
        return true;
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() {
        return true;
    }

    // ---------------------------------------------------------------- limits (0 = no limit or unknown)

    @Override
    public int getMaxBinaryLiteralLength() {
        return 0;
    }

    @Override
    public int getMaxCharLiteralLength() {
        return 0;
    }

    @Override
    public int getMaxColumnNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public int getMaxColumnsInGroupBy() {
        return 0;
    }

    /** INDEX_MAX_KEYS of a default build. */
    @Override
    public int getMaxColumnsInIndex() {
        return 32;
    }

    @Override
    public int getMaxColumnsInOrderBy() {
        return 0;
    }

    @Override
    public int getMaxColumnsInSelect() {
        return 0;
    }

    /** MaxHeapAttributeNumber. */
    @Override
    public int getMaxColumnsInTable() {
        return 1600;
    }

    /** The server's {@code max_connections}. */
    @Override
    public int getMaxConnections() throws SQLException {
        return intSetting("max_connections");
    }

    @Override
    public int getMaxCursorNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public int getMaxIndexLength() {
        return 0;
    }

    @Override
    public int getMaxSchemaNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public int getMaxProcedureNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public int getMaxCatalogNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    /** A field is at most 1 GB. */
    @Override
    public int getMaxRowSize() {
        return 1 << 30;
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() {
        return false;
    }

    @Override
    public int getMaxStatementLength() {
        return 0;
    }

    @Override
    public int getMaxStatements() {
        return 0;
    }

    @Override
    public int getMaxTableNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public int getMaxTablesInSelect() {
        return 0;
    }

    @Override
    public int getMaxUserNameLength() throws SQLException {
        return maxIdentifierLength();
    }

    @Override
    public long getMaxLogicalLobSize() {
        return 0;
    }

    private int maxIdentifierLength() throws SQLException {
        if (maxIdentifierLength == null) {
            maxIdentifierLength = intSetting("max_identifier_length");
        }
        return maxIdentifierLength;
    }

    private int intSetting(String name) throws SQLException {
        PreparedStatement ps = statement("SELECT pg_catalog.current_setting(?)::int4");
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ---------------------------------------------------------------- transactions and features

    @Override
    public int getDefaultTransactionIsolation() {
        return Connection.TRANSACTION_READ_COMMITTED;
    }

    @Override
    public boolean supportsTransactions() {
        return true;
    }

    /** All four levels (PostgreSQL runs READ UNCOMMITTED as READ COMMITTED, which the standard allows). */
    @Override
    public boolean supportsTransactionIsolationLevel(int level) {
        return level == Connection.TRANSACTION_READ_UNCOMMITTED || level == Connection.TRANSACTION_READ_COMMITTED
                || level == Connection.TRANSACTION_REPEATABLE_READ || level == Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() {
        return true;
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() {
        return false;
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() {
        return false;
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() {
        return false;
    }

    /** Forward-only result sets only. */
    @Override
    public boolean supportsResultSetType(int type) {
        return type == ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public boolean supportsResultSetConcurrency(int type, int concurrency) {
        return type == ResultSet.TYPE_FORWARD_ONLY && concurrency == ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public boolean ownUpdatesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean ownDeletesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean ownInsertsAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersUpdatesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersDeletesAreVisible(int type) {
        return false;
    }

    @Override
    public boolean othersInsertsAreVisible(int type) {
        return false;
    }

    @Override
    public boolean updatesAreDetected(int type) {
        return false;
    }

    @Override
    public boolean deletesAreDetected(int type) {
        return false;
    }

    @Override
    public boolean insertsAreDetected(int type) {
        return false;
    }

    /** True: {@code executeBatch} is sent as one pipelined round trip (Spring's batchUpdate relies on this answer). */
    @Override
    public boolean supportsBatchUpdates() {
        return true;
    }

    @Override
    public boolean supportsSavepoints() {
        return true;
    }

    @Override
    public boolean supportsNamedParameters() {
        return false;
    }

    @Override
    public boolean supportsMultipleOpenResults() {
        return false;
    }

    /** True: through {@code RETURNING}. */
    @Override
    public boolean supportsGetGeneratedKeys() {
        return true;
    }

    @Override
    public boolean generatedKeyAlwaysReturned() {
        return true;
    }

    @Override
    public boolean supportsResultSetHoldability(int holdability) throws SQLException {
        return holdability == connection.getHoldability();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return connection.getHoldability();
    }

    @Override
    public int getSQLStateType() {
        return sqlStateSQL;
    }

    @Override
    public boolean locatorsUpdateCopy() {
        return false;
    }

    @Override
    public boolean supportsStatementPooling() {
        return false;
    }

    @Override
    public RowIdLifetime getRowIdLifetime() {
        return RowIdLifetime.ROWID_UNSUPPORTED;
    }

    /** True: {@code {call f(?)}} and {@code {? = call f(?)}} are rewritten to a SELECT of the function. */
    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() {
        return true;
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() {
        return false;
    }

    @Override
    public boolean supportsRefCursors() {
        return false;
    }

    // ---------------------------------------------------------------- catalog: schemas, tables, columns

    private static final List<JdbcColumn> CATALOGS = columns("TABLE_CAT", TEXT);

    /** The databases one may connect to ({@code pg_database.datallowconn}). */
    @Override
    public ResultSet getCatalogs() throws SQLException {
        return rows(CATALOGS, "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY datname");
    }

    private static final List<JdbcColumn> SCHEMAS = columns("TABLE_SCHEM", TEXT, "TABLE_CATALOG", TEXT);

    @Override
    public ResultSet getSchemas() throws SQLException {
        return getSchemas(null, null);
    }

    /** Every schema but TOAST schemas and other sessions' temporary schemas. */
    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        Where where = new Where()
                .add("n.nspname <> 'pg_toast'")
                .add("(n.nspname !~ '^pg_(toast_)?temp_' OR n.oid = pg_catalog.pg_my_temp_schema() OR n.nspname ="
                        + " replace(pg_catalog.pg_my_temp_schema()::regnamespace::text, 'pg_temp_', 'pg_toast_temp_'))")
                .catalog(catalog).like("n.nspname", schemaPattern);
        return rows(SCHEMAS, "SELECT n.nspname, pg_catalog.current_database() FROM pg_catalog.pg_namespace n"
                + where + " ORDER BY 2, 1", where.params());
    }

    /** The values of {@code getTables}' TABLE_TYPE, in the order {@code getTableTypes} lists them. */
    static final List<String> TABLE_TYPES = List.of("FOREIGN TABLE", "INDEX", "MATERIALIZED VIEW", "PARTITIONED INDEX",
            "PARTITIONED TABLE", "SEQUENCE", "SYSTEM INDEX", "SYSTEM TABLE", "SYSTEM TOAST INDEX", "SYSTEM TOAST TABLE",
            "SYSTEM VIEW", "TABLE", "TEMPORARY INDEX", "TEMPORARY SEQUENCE", "TEMPORARY TABLE", "TEMPORARY VIEW", "TYPE", "VIEW");

    private static final List<JdbcColumn> TABLE_TYPE_COLUMNS = columns("TABLE_TYPE", TEXT);

    @Override
    public ResultSet getTableTypes() {
        List<Object[]> rows = new ArrayList<>();
        for (String type : TABLE_TYPES) {
            rows.add(new Object[] {type});
        }
        return LoomwireResultSet.inMemory(TABLE_TYPE_COLUMNS, rows);
    }

    /** TABLE_TYPE from relkind and schema: system schemas, TOAST, temporary schemas, user schemas. */
    private static final String TABLE_TYPE_SQL = "CASE"
            + " WHEN n.nspname = 'pg_toast' THEN CASE c.relkind WHEN 'r' THEN 'SYSTEM TOAST TABLE' WHEN 'i' THEN 'SYSTEM TOAST INDEX' END"
            + " WHEN n.nspname ~ '^pg_(toast_)?temp_' THEN CASE c.relkind WHEN 'r' THEN 'TEMPORARY TABLE' WHEN 'p' THEN 'TEMPORARY TABLE'"
            + "  WHEN 'v' THEN 'TEMPORARY VIEW' WHEN 'i' THEN 'TEMPORARY INDEX' WHEN 'S' THEN 'TEMPORARY SEQUENCE' END"
            + " WHEN n.nspname ~ '^pg_' OR n.nspname = 'information_schema' THEN CASE c.relkind WHEN 'r' THEN 'SYSTEM TABLE'"
            + "  WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'i' THEN 'SYSTEM INDEX' END"
            + " ELSE CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'"
            + "  WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'PARTITIONED INDEX' WHEN 'S' THEN 'SEQUENCE'"
            + "  WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' END END";

    private static final List<JdbcColumn> TABLES = columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
            "TABLE_TYPE", TEXT, "REMARKS", TEXT, "TYPE_CAT", TEXT, "TYPE_SCHEM", TEXT, "TYPE_NAME", TEXT,
            "SELF_REFERENCING_COL_NAME", TEXT, "REF_GENERATION", TEXT);

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        Where where = new Where().catalog(catalog).like("n.nspname", schemaPattern).like("c.relname", tableNamePattern);
        String sql = "SELECT pg_catalog.current_database(), n.nspname, c.relname, " + TABLE_TYPE_SQL + " AS table_type,"
                + " pg_catalog.obj_description(c.oid, 'pg_class'), NULL, NULL, NULL, NULL, NULL"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" + where;
        List<Object> params = new ArrayList<>(where.params());
        if (types != null) {
            if (types.length == 0) {
                return LoomwireResultSet.inMemory(TABLES, List.of());
            }
            StringBuilder in = new StringBuilder();
            for (String type : types) {
                in.append(in.isEmpty() ? "" : ", ").append('?');
                params.add(type == null ? null : type.toUpperCase(Locale.ROOT));
            }
            sql = "SELECT * FROM (" + sql + ") t WHERE table_type IN (" + in + ")";
        } else {
            sql = "SELECT * FROM (" + sql + ") t WHERE table_type IS NOT NULL";
        }
        return rows(TABLES, sql + " ORDER BY 4, 1, 2, 3", params);
    }

    private static final List<JdbcColumn> COLUMNS = columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
            "COLUMN_NAME", TEXT, "DATA_TYPE", INT4, "TYPE_NAME", TEXT, "COLUMN_SIZE", INT4, "BUFFER_LENGTH", INT4,
            "DECIMAL_DIGITS", INT4, "NUM_PREC_RADIX", INT4, "NULLABLE", INT4, "REMARKS", TEXT, "COLUMN_DEF", TEXT,
            "SQL_DATA_TYPE", INT4, "SQL_DATETIME_SUB", INT4, "CHAR_OCTET_LENGTH", INT4, "ORDINAL_POSITION", INT4,
            "IS_NULLABLE", TEXT, "SCOPE_CATALOG", TEXT, "SCOPE_SCHEMA", TEXT, "SCOPE_TABLE", TEXT,
            "SOURCE_DATA_TYPE", INT2, "IS_AUTOINCREMENT", TEXT, "IS_GENERATEDCOLUMN", TEXT);

    /**
     * Columns of tables, views, materialized views, foreign and partitioned tables. A domain's
     * column reports the domain's name as TYPE_NAME and its base type's DATA_TYPE and size;
     * IS_AUTOINCREMENT is YES for identity columns and {@code nextval(...)} defaults (serial).
     */
    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
            throws SQLException {
        Where where = new Where().add("c.relkind IN ('r', 'p', 'v', 'm', 'f')").add("a.attnum > 0")
                .add("NOT a.attisdropped").catalog(catalog).like("n.nspname", schemaPattern)
                .like("c.relname", tableNamePattern).like("a.attname", columnNamePattern);
        String sql = "SELECT pg_catalog.current_database(), n.nspname, c.relname, a.attname,"
                + " CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::int8 AS typid,"
                + " t.typname,"
                + " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,"
                + " a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS notnull,"
                + " pg_catalog.col_description(c.oid, a.attnum),"
                + " pg_catalog.pg_get_expr(d.adbin, d.adrelid),"
                + " a.attnum::int4,"
                + " a.attidentity <> '' OR coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%' AS autoinc,"
                + " a.attgenerated <> '' AS generated,"
                + " CASE WHEN t.typtype = 'd' THEN b.typtype ELSE t.typtype END::text AS typtype,"
                + " CASE WHEN t.typtype = 'd' THEN b.typcategory ELSE t.typcategory END::text AS typcategory"
                + " FROM pg_catalog.pg_attribute a"
                + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype"
                + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + where + " ORDER BY 2, 3, 11";
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = query(sql, where.params())) {
            while (rs.next()) {
                int oid = (int) rs.getLong(5);
                int typmod = rs.getInt(7);
                boolean notNull = rs.getBoolean(8);
                boolean autoIncrement = rs.getBoolean(12);
                boolean generated = rs.getBoolean(13);
                int jdbcType = jdbcType(oid, rs.getString(15));
                Integer size = columnSize(oid, typmod);
                rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        jdbcType, rs.getString(6), size, null, decimalDigits(oid, typmod), radix(oid),
                        notNull ? columnNoNulls : columnNullable, rs.getString(9), generated ? null : rs.getString(10),
                        null, null, isCharacter(oid) ? size : null, rs.getInt(11), notNull ? "NO" : "YES",
                        null, null, null, null, autoIncrement ? "YES" : "NO", generated ? "YES" : "NO"});
            }
        }
        return LoomwireResultSet.inMemory(COLUMNS, rows);
    }

    // ---------------------------------------------------------------- catalog: keys and indexes

    private static final List<JdbcColumn> PRIMARY_KEYS = columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT,
            "TABLE_NAME", TEXT, "COLUMN_NAME", TEXT, "KEY_SEQ", INT2, "PK_NAME", TEXT);

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        Where where = new Where().add("i.indisprimary").add("k.ord <= i.indnkeyatts").catalog(catalog)
                .equal("n.nspname", schema).equal("c.relname", table);
        return rows(PRIMARY_KEYS, "SELECT pg_catalog.current_database(), n.nspname, c.relname, a.attname,"
                + " k.ord::int2, ci.relname"
                + " FROM pg_catalog.pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
                + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
                + where + " ORDER BY 3, 4", where.params());
    }

    private static final List<JdbcColumn> KEYS = columns("PKTABLE_CAT", TEXT, "PKTABLE_SCHEM", TEXT,
            "PKTABLE_NAME", TEXT, "PKCOLUMN_NAME", TEXT, "FKTABLE_CAT", TEXT, "FKTABLE_SCHEM", TEXT,
            "FKTABLE_NAME", TEXT, "FKCOLUMN_NAME", TEXT, "KEY_SEQ", INT2, "UPDATE_RULE", INT2, "DELETE_RULE", INT2,
            "FK_NAME", TEXT, "PK_NAME", TEXT, "DEFERRABILITY", INT2);

    /** The foreign keys of {@code table}, by the primary-key side (catalog, schema, table, KEY_SEQ). */
    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        Where where = new Where().catalog(catalog).equal("fn.nspname", schema).equal("fc.relname", table);
        return foreignKeys(where, "2, 3, 9");
    }

    /** The foreign keys that reference {@code table}, by the foreign-key side. */
    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        Where where = new Where().catalog(catalog).equal("pn.nspname", schema).equal("pc.relname", table);
        return foreignKeys(where, "6, 7, 12, 9");
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
                                       String foreignCatalog, String foreignSchema, String foreignTable) throws SQLException {
        Where where = new Where().catalog(parentCatalog).equal("pn.nspname", parentSchema).equal("pc.relname", parentTable)
                .catalog(foreignCatalog).equal("fn.nspname", foreignSchema).equal("fc.relname", foreignTable);
        return foreignKeys(where, "6, 7, 12, 9");
    }

    private static String rule(String column) {
        return "CASE " + column + " WHEN 'c' THEN " + importedKeyCascade + " WHEN 'n' THEN " + importedKeySetNull
                + " WHEN 'd' THEN " + importedKeySetDefault + " WHEN 'r' THEN " + importedKeyRestrict
                + " ELSE " + importedKeyNoAction + " END::int2";
    }

    private ResultSet foreignKeys(Where where, String orderBy) throws SQLException {
        return rows(KEYS, "SELECT pg_catalog.current_database(), pn.nspname, pc.relname, pa.attname,"
                + " pg_catalog.current_database(), fn.nspname, fc.relname, fa.attname, k.seq::int2,"
                + " " + rule("con.confupdtype") + ", " + rule("con.confdeltype") + ", con.conname, pi.relname,"
                + " CASE WHEN con.condeferrable AND con.condeferred THEN " + importedKeyInitiallyDeferred
                + " WHEN con.condeferrable THEN " + importedKeyInitiallyImmediate
                + " ELSE " + importedKeyNotDeferrable + " END::int2"
                + " FROM pg_catalog.pg_constraint con"
                + " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY k(fkattnum, pkattnum, seq)"
                + " JOIN pg_catalog.pg_class fc ON fc.oid = con.conrelid"
                + " JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace"
                + " JOIN pg_catalog.pg_attribute fa ON fa.attrelid = fc.oid AND fa.attnum = k.fkattnum"
                + " JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid"
                + " JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace"
                + " JOIN pg_catalog.pg_attribute pa ON pa.attrelid = pc.oid AND pa.attnum = k.pkattnum"
                + " LEFT JOIN pg_catalog.pg_class pi ON pi.oid = con.conindid"
                + where.add("con.contype = 'f'") + " ORDER BY " + orderBy, where.params());
    }

    private static final List<JdbcColumn> INDEXES = columns("TABLE_CAT", TEXT, "TABLE_SCHEM", TEXT, "TABLE_NAME", TEXT,
            "NON_UNIQUE", BOOL, "INDEX_QUALIFIER", TEXT, "INDEX_NAME", TEXT, "TYPE", INT2, "ORDINAL_POSITION", INT2,
            "COLUMN_NAME", TEXT, "ASC_OR_DESC", TEXT, "CARDINALITY", INT8, "PAGES", INT8, "FILTER_CONDITION", TEXT);

    /**
     * The key columns of {@code table}'s indexes; an expression appears as its text in COLUMN_NAME.
     * {@code approximate} makes no difference: CARDINALITY and PAGES are the statistics of the last
     * {@code ANALYZE}/{@code VACUUM} ({@code pg_class.reltuples}/{@code relpages}), never counted.
     */
    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
            throws SQLException {
        Where where = new Where().add("k.ord <= i.indnkeyatts").catalog(catalog).equal("n.nspname", schema)
                .equal("c.relname", table);
        if (unique) {
            where.add("i.indisunique");
        }
        return rows(INDEXES, "SELECT pg_catalog.current_database(), n.nspname, c.relname, NOT i.indisunique,"
                + " pg_catalog.current_database(), ci.relname,"
                + " CASE WHEN i.indisclustered THEN " + tableIndexClustered + " WHEN am.amname = 'hash' THEN "
                + tableIndexHashed + " ELSE " + tableIndexOther + " END::int2,"
                + " k.ord::int2, pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int4, false),"
                + " CASE WHEN am.amname <> 'btree' THEN NULL WHEN i.indoption[k.ord - 1] & 1 = 1 THEN 'D' ELSE 'A' END,"
                + " greatest(ci.reltuples, 0)::int8, ci.relpages::int8, pg_catalog.pg_get_expr(i.indpred, i.indrelid)"
                + " FROM pg_catalog.pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
                + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_am am ON am.oid = ci.relam"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + where + " ORDER BY 4, 7, 6, 8", where.params());
    }

    private static final List<JdbcColumn> BEST_ROW = columns("SCOPE", INT2, "COLUMN_NAME", TEXT, "DATA_TYPE", INT4,
            "TYPE_NAME", TEXT, "COLUMN_SIZE", INT4, "BUFFER_LENGTH", INT4, "DECIMAL_DIGITS", INT2, "PSEUDO_COLUMN", INT2);

    /**
     * The primary key's columns (or, without one, the columns of the unique index with the fewest
     * columns all NOT NULL), valid for the session ({@code bestRowSession}); none if the table has neither.
     */
    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
            throws SQLException {
        Where where = new Where().add("i.indisunique").add("k.ord <= i.indnkeyatts").catalog(catalog)
                .equal("n.nspname", schema).equal("c.relname", table);
        String sql = "SELECT i.indexrelid, i.indisprimary, a.attname, a.atttypid::int8, a.atttypmod, t.typname, a.attnotnull,"
                + " t.typtype::text, t.typcategory::text, i.indnkeyatts"
                + " FROM pg_catalog.pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
                + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
                + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                + where + " ORDER BY i.indisprimary DESC, i.indnkeyatts, i.indexrelid, k.ord";
        List<Object[]> best = new ArrayList<>();
        long chosen = -1;
        long skipped = -1;
        try (ResultSet rs = query(sql, where.params())) {
            while (rs.next()) {
                long index = rs.getLong(1);
                if (chosen != -1 && index != chosen) {
                    break;
                }
                if (index == skipped) {
                    continue;
                }
                if (!rs.getBoolean(2) && !rs.getBoolean(7) && !nullable) {
                    skipped = index;
                    best.clear();
                    continue;
                }
                chosen = index;
                int oid = (int) rs.getLong(4);
                int typmod = rs.getInt(5);
                Integer digits = decimalDigits(oid, typmod);
                best.add(new Object[] {(short) bestRowSession, rs.getString(3), jdbcType(oid, rs.getString(9)),
                        rs.getString(6), columnSize(oid, typmod), null, digits == null ? null : (short) (int) digits,
                        (short) bestRowNotPseudo});
            }
        }
        return LoomwireResultSet.inMemory(BEST_ROW, best);
    }

    private static final List<JdbcColumn> VERSION_COLUMNS = columns("SCOPE", INT2, "COLUMN_NAME", TEXT, "DATA_TYPE", INT4,
            "TYPE_NAME", TEXT, "COLUMN_SIZE", INT4, "BUFFER_LENGTH", INT4, "DECIMAL_DIGITS", INT2, "PSEUDO_COLUMN", INT2);

    /** The system column {@code ctid}, which changes whenever a row is updated, for each matching table. */
    @Override
    public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
        Where where = new Where().add("c.relkind IN ('r', 'p', 'm')").catalog(catalog).equal("n.nspname", schema)
                .equal("c.relname", table);
        return rows(VERSION_COLUMNS, "SELECT NULL::int2, 'ctid', " + Types.OTHER + ", 'tid', NULL::int4, NULL::int4,"
                + " NULL::int2, " + versionColumnPseudo + "::int2"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" + where,
                where.params());
    }

    // ---------------------------------------------------------------- catalog: types, routines

    private static final List<JdbcColumn> TYPE_INFO = columns("TYPE_NAME", TEXT, "DATA_TYPE", INT4, "PRECISION", INT4,
            "LITERAL_PREFIX", TEXT, "LITERAL_SUFFIX", TEXT, "CREATE_PARAMS", TEXT, "NULLABLE", INT2,
            "CASE_SENSITIVE", BOOL, "SEARCHABLE", INT2, "UNSIGNED_ATTRIBUTE", BOOL, "FIXED_PREC_SCALE", BOOL,
            "AUTO_INCREMENT", BOOL, "LOCAL_TYPE_NAME", TEXT, "MINIMUM_SCALE", INT2, "MAXIMUM_SCALE", INT2,
            "SQL_DATA_TYPE", INT4, "SQL_DATETIME_SUB", INT4, "NUM_PREC_RADIX", INT4);

    /** The base, enum and range types visible in {@code pg_type} (no arrays, composites or pseudo-types), by DATA_TYPE. */
    @Override
    public ResultSet getTypeInfo() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = query("SELECT t.typname, t.oid::int8, t.typtype::text, t.typcategory::text"
                + " FROM pg_catalog.pg_type t"
                + " WHERE t.typtype IN ('b', 'e', 'r') AND t.typelem = 0 AND t.typisdefined AND t.typname !~ '^_'"
                + " ORDER BY t.oid", List.of())) {
            while (rs.next()) {
                String name = rs.getString(1);
                int oid = (int) rs.getLong(2);
                int jdbcType = jdbcType(oid, rs.getString(4));
                boolean quoted = !(radix(oid) != null || oid == 16);
                JdbcTypes.Info info = JdbcTypes.info(oid);
                Integer precision = info == null || info.precision() == 0 ? null : info.precision();
                Integer digits = decimalDigits(oid, -1);
                rows.add(new Object[] {name, jdbcType, precision, quoted ? "'" : null, quoted ? "'" : null,
                        createParams(oid), (short) typeNullable, isCharacter(oid) || oid == TEXT, (short) typeSearchable,
                        false, oid == 790, false, name, (short) 0, (short) (oid == 1700 ? 1000 : digits == null ? 0 : digits),
                        null, null, radix(oid)});
            }
        }
        rows.sort(Comparator.comparingInt((Object[] r) -> (Integer) r[1]));
        return LoomwireResultSet.inMemory(TYPE_INFO, rows);
    }

    private static String createParams(int oid) {
        return switch (oid) {
            case 1043, 1042, 1560, 1562 -> "length";
            case 1700 -> "precision,scale";
            case 1083, 1114, 1184, 1266, 1186 -> "precision";
            default -> null;
        };
    }

    private static final List<JdbcColumn> PROCEDURES = columns("PROCEDURE_CAT", TEXT, "PROCEDURE_SCHEM", TEXT,
            "PROCEDURE_NAME", TEXT, "RESERVED1", TEXT, "RESERVED2", TEXT, "RESERVED3", TEXT, "REMARKS", TEXT,
            "PROCEDURE_TYPE", INT2, "SPECIFIC_NAME", TEXT);

    /** Procedures ({@code CREATE PROCEDURE}; functions are listed by {@link #getFunctions}). */
    @Override
    public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern) throws SQLException {
        Where where = new Where().add("p.prokind = 'p'").catalog(catalog).like("n.nspname", schemaPattern)
                .like("p.proname", procedureNamePattern);
        return rows(PROCEDURES, "SELECT pg_catalog.current_database(), n.nspname, p.proname, NULL, NULL, NULL,"
                + " pg_catalog.obj_description(p.oid, 'pg_proc'), " + procedureNoResult + "::int2, p.proname || '_' || p.oid"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + where + " ORDER BY 1, 2, 3, 9", where.params());
    }

    private static final List<JdbcColumn> FUNCTIONS = columns("FUNCTION_CAT", TEXT, "FUNCTION_SCHEM", TEXT,
            "FUNCTION_NAME", TEXT, "REMARKS", TEXT, "FUNCTION_TYPE", INT2, "SPECIFIC_NAME", TEXT);

    /** Functions, aggregates and window functions; a set-returning function is {@code functionReturnsTable}. */
    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern) throws SQLException {
        Where where = new Where().add("p.prokind <> 'p'").catalog(catalog).like("n.nspname", schemaPattern)
                .like("p.proname", functionNamePattern);
        return rows(FUNCTIONS, "SELECT pg_catalog.current_database(), n.nspname, p.proname,"
                + " pg_catalog.obj_description(p.oid, 'pg_proc'),"
                + " CASE WHEN p.proretset THEN " + functionReturnsTable + " ELSE " + functionNoTable + " END::int2,"
                + " p.proname || '_' || p.oid"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + where + " ORDER BY 1, 2, 3, 6", where.params());
    }

    /** Empty: PostgreSQL has no type hierarchies (the documented answer when a database has none). */
    @Override
    public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern) {
        return LoomwireResultSet.inMemory(columns("TYPE_CAT", TEXT, "TYPE_SCHEM", TEXT, "TYPE_NAME", TEXT,
                "SUPERTYPE_CAT", TEXT, "SUPERTYPE_SCHEM", TEXT, "SUPERTYPE_NAME", TEXT), List.of());
    }

    private static final List<JdbcColumn> CLIENT_INFO = columns("NAME", TEXT, "MAX_LEN", INT4, "DEFAULT_VALUE", TEXT,
            "DESCRIPTION", TEXT);

    /** {@code ApplicationName}, sent to the server as {@code application_name}. */
    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"ApplicationName", maxIdentifierLength(), "",
                "the server's application_name: shown in pg_stat_activity and the server log"});
        return LoomwireResultSet.inMemory(CLIENT_INFO, rows);
    }

    // ---------------------------------------------------------------- not supported

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
                                         String columnNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getProcedureColumns");
    }

    @Override
    public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
                                        String columnNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getFunctionColumns");
    }

    @Override
    public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern)
            throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getColumnPrivileges");
    }

    @Override
    public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getTablePrivileges");
    }

    @Override
    public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getUDTs");
    }

    /** Not supported: table inheritance ({@code pg_inherits}) is not reported. */
    @Override
    public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getSuperTables");
    }

    @Override
    public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
                                   String attributeNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getAttributes");
    }

    @Override
    public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern,
                                      String columnNamePattern) throws SQLException {
        throw JdbcErrors.unsupported("DatabaseMetaData.getPseudoColumns");
    }

    // ---------------------------------------------------------------- wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("LoomwireDatabaseMetaData is not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    // ---------------------------------------------------------------- PostgreSQL types as JDBC types

    /**
     * DATA_TYPE: {@link JdbcTypes#jdbcType} (what ResultSetMetaData reports for the same column),
     * and {@link Types#ARRAY} for arrays of types that are not built in.
     */
    private static int jdbcType(int oid, String typcategory) {
        int type = JdbcTypes.jdbcType(oid);
        return type == Types.OTHER && "A".equals(typcategory) ? Types.ARRAY : type;
    }

    private static boolean isCharacter(int oid) {
        return oid == 18 || oid == 19 || oid == 25 || oid == 1042 || oid == 1043;
    }

    private static boolean isDateTime(int oid) {
        return oid == 1083 || oid == 1114 || oid == 1184 || oid == 1266;
    }

    /** COLUMN_SIZE: {@link JdbcTypes#precision}; null where it has none (0). */
    private static Integer columnSize(int oid, int typmod) {
        int precision = JdbcTypes.precision(oid, typmod);
        return precision == 0 ? null : precision;
    }

    /** DECIMAL_DIGITS: {@link JdbcTypes#scale} for numbers and times; null for types without digits. */
    private static Integer decimalDigits(int oid, int typmod) {
        return radix(oid) != null || isDateTime(oid) ? JdbcTypes.scale(oid, typmod) : null;
    }

    private static Integer radix(int oid) {
        return switch (oid) {
            case 20, 21, 23, 26, 700, 701, 790, 1700 -> 10;
            default -> null;
        };
    }

    // ---------------------------------------------------------------- query plumbing

    private static List<JdbcColumn> columns(Object... labelsAndOids) {
        List<JdbcColumn> list = new ArrayList<>();
        for (int i = 0; i < labelsAndOids.length; i += 2) {
            list.add(new JdbcColumn((String) labelsAndOids[i], (Integer) labelsAndOids[i + 1]));
        }
        return List.copyOf(list);
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        ps.closeOnCompletion();
        return ps;
    }

    private ResultSet query(String sql, List<Object> params) throws SQLException {
        PreparedStatement ps = statement(sql);
        for (int i = 0; i < params.size(); i++) {
            ps.setString(i + 1, (String) params.get(i));
        }
        return ps.executeQuery();
    }

    private ResultSet rows(List<JdbcColumn> columns, String sql, Object... params) throws SQLException {
        return rows(columns, sql, Arrays.asList(params));
    }

    /** Runs {@code sql}, whose select list matches {@code columns} one for one, and returns its rows labelled by {@code columns}. */
    private ResultSet rows(List<JdbcColumn> columns, String sql, List<Object> params) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = query(sql, params)) {
            while (rs.next()) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    Object value = switch (columns.get(i).typeOid()) {
                        case BOOL -> rs.getBoolean(i + 1);
                        case INT2 -> rs.getShort(i + 1);
                        case INT4 -> rs.getInt(i + 1);
                        case INT8 -> rs.getLong(i + 1);
                        default -> rs.getString(i + 1);
                    };
                    row[i] = rs.wasNull() ? null : value;
                }
                rows.add(row);
            }
        }
        return LoomwireResultSet.inMemory(columns, rows);
    }

    /**
     * A WHERE clause of {@code AND}ed conditions with their string parameters; a null pattern or
     * name means "any" and adds nothing. Patterns use LIKE with backslash as the escape, as
     * {@link #getSearchStringEscape()} says.
     */
    private static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> params = new ArrayList<>();

        Where add(String condition) {
            conditions.add(condition);
            return this;
        }

        /** A catalog other than the session's database (or "", "without a catalog") matches nothing. */
        Where catalog(String catalog) {
            if (catalog != null) {
                conditions.add("pg_catalog.current_database() = ?");
                params.add(catalog);
            }
            return this;
        }

        Where like(String column, String pattern) {
            if (pattern != null) {
                conditions.add(column + " LIKE ?");
                params.add(pattern);
            }
            return this;
        }

        Where equal(String column, String value) {
            if (value != null) {
                conditions.add(column + " = ?");
                params.add(value);
            }
            return this;
        }

        List<Object> params() {
            return params;
        }

        @Override
        public String toString() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }
}
