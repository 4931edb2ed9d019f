package dev.loomwire.pg;

import dev.loomwire.error.ErrorCategory;

import java.util.Map;
import java.util.Optional;

/**
 * The server answered with an ErrorResponse. Carries the SQLSTATE and every field the server
 * sent. {@link #of(Map)} is the one place where SQLSTATE classes map to subtypes. Category
 * {@link ErrorCategory#SERVER} (57014 is {@link ErrorCategory#TIMEOUT}: {@link PgQueryCanceledException}).
 * A FATAL or PANIC error ({@link #terminatesSession()}, e.g. 57P01 from {@code pg_terminate_backend})
 * stays a server error, but the server closed the session: the connection is closed too.
 */
public class PgServerException extends PgException {
    private static final long serialVersionUID = 1L;

    private final Map<Character, String> fields;

    protected PgServerException(Map<Character, String> fields) {
        super(ErrorCategory.SERVER, format(fields), null);
        this.fields = Map.copyOf(fields);
    }

    /** The exception type for an ErrorResponse's fields, chosen by SQLSTATE. */
    public static PgServerException of(Map<Character, String> fields) {
        String state = fields.getOrDefault('C', "");
        if (state.equals("57014")) {
            return new PgQueryCanceledException(fields);
        }
        String cls = state.length() >= 2 ? state.substring(0, 2) : "";
        return switch (cls) {
            case "23" -> new PgIntegrityConstraintException(fields);
            case "28" -> new PgAuthenticationException(fields);
            case "40" -> new PgTransactionRollbackException(fields);
            case "42" -> new PgSyntaxErrorOrAccessRuleException(fields);
            default -> new PgServerException(fields);
        };
    }

    private static String format(Map<Character, String> f) {
        StringBuilder s = new StringBuilder();
        s.append(f.getOrDefault('S', "ERROR")).append(": ").append(f.getOrDefault('M', "(no message)"));
        if (f.containsKey('C')) {
            s.append(" (SQLSTATE ").append(f.get('C')).append(')');
        }
        if (f.containsKey('D')) {
            s.append("\n  Detail: ").append(f.get('D'));
        }
        if (f.containsKey('H')) {
            s.append("\n  Hint: ").append(f.get('H'));
        }
        return s.toString();
    }

    /** All ErrorResponse fields by their protocol code ('C', 'M', 'D', ...). */
    public Map<Character, String> fields() {
        return fields;
    }

    private Optional<String> field(char c) {
        return Optional.ofNullable(fields.get(c));
    }

    public String sqlState() {
        return fields.getOrDefault('C', "");
    }

    /** Non-localized severity (V), falling back to S: ERROR, FATAL, PANIC. */
    public String severity() {
        return fields.getOrDefault('V', fields.getOrDefault('S', "ERROR"));
    }

    /**
     * True when the server ended the session with this error (severity FATAL or PANIC, e.g. 57P01
     * admin_shutdown): the connection is closed and must be discarded; the command's outcome is
     * known only from the SQLSTATE.
     */
    public boolean terminatesSession() {
        String s = severity();
        return s.equals("FATAL") || s.equals("PANIC");
    }

    public String serverMessage() {
        return fields.getOrDefault('M', "");
    }

    public Optional<String> detail() {
        return field('D');
    }

    public Optional<String> hint() {
        return field('H');
    }

    public Optional<Integer> position() {
        return field('P').map(Integer::valueOf);
    }

    public Optional<String> internalQuery() {
        return field('q');
    }

    public Optional<String> where() {
        return field('W');
    }

    public Optional<String> schema() {
        return field('s');
    }

    public Optional<String> table() {
        return field('t');
    }

    public Optional<String> column() {
        return field('c');
    }

    public Optional<String> dataType() {
        return field('d');
    }

    public Optional<String> constraint() {
        return field('n');
    }

    public Optional<String> file() {
        return field('F');
    }

    public Optional<String> line() {
        return field('L');
    }

    public Optional<String> routine() {
        return field('R');
    }
}
