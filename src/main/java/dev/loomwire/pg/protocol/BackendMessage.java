package dev.loomwire.pg.protocol;

import java.util.List;
import java.util.Map;

/** A decoded backend (server to client) message. See {@link Backend#decode(byte, byte[])}. */
public sealed interface BackendMessage {

    /** AuthenticationOk. */
    record AuthenticationOk() implements BackendMessage {}

    /** AuthenticationCleartextPassword. */
    record AuthenticationCleartextPassword() implements BackendMessage {}

    /** AuthenticationMD5Password with its 4-byte salt. */
    record AuthenticationMD5Password(byte[] salt) implements BackendMessage {}

    /** AuthenticationSASL: the mechanisms the server offers, in its order of preference. */
    record AuthenticationSASL(List<String> mechanisms) implements BackendMessage {}

    /** AuthenticationSASLContinue: server-first-message. */
    record AuthenticationSASLContinue(byte[] data) implements BackendMessage {}

    /** AuthenticationSASLFinal: server-final-message. */
    record AuthenticationSASLFinal(byte[] data) implements BackendMessage {}

    /** An authentication request this driver does not implement (Kerberos, GSSAPI, SSPI). */
    record AuthenticationUnsupported(int code) implements BackendMessage {
        public String methodName() {
            return switch (code) {
                case 2 -> "Kerberos V5";
                case 6 -> "SCM credentials";
                case 7, 8 -> "GSSAPI";
                case 9 -> "SSPI";
                default -> "authentication request " + code;
            };
        }
    }

    /** BackendKeyData: process id and secret key (4 bytes in protocol 3.0, up to 256 in 3.2). */
    record BackendKeyData(int processId, byte[] secretKey) implements BackendMessage {}

    /** ParameterStatus. */
    record ParameterStatus(String name, String value) implements BackendMessage {}

    /** ReadyForQuery with the transaction status: 'I' idle, 'T' in transaction, 'E' failed transaction. */
    record ReadyForQuery(char transactionStatus) implements BackendMessage {}

    /** One column of a RowDescription. */
    record Field(String name, int tableOid, int columnNumber, int typeOid, int typeSize,
                 int typeModifier, int format) {}

    /** RowDescription. */
    record RowDescription(List<Field> fields) implements BackendMessage {}

    /**
     * DataRow, kept as the message body it arrived in: column {@code i} is
     * {@code body[offsets[i], offsets[i] + length(i))}, and {@code offsets[i] == -1} is SQL NULL.
     * Nothing is copied per column; {@link #values()} copies them out when a caller wants arrays.
     */
    record DataRow(byte[] body, int[] offsets) implements BackendMessage {
        /** Number of columns. */
        public int columnCount() {
            return offsets.length;
        }

        /** True if column {@code i} is SQL NULL. */
        public boolean isNull(int i) {
            return offsets[i] < 0;
        }

        /** Byte length of column {@code i} (-1 for NULL). */
        public int length(int i) {
            int at = offsets[i];
            return at < 0 ? -1 : ((body[at - 4] & 0xFF) << 24) | ((body[at - 3] & 0xFF) << 16)
                    | ((body[at - 2] & 0xFF) << 8) | (body[at - 1] & 0xFF);
        }

        /** Column {@code i} copied out; {@code null} for SQL NULL. */
        public byte[] value(int i) {
            int at = offsets[i];
            return at < 0 ? null : java.util.Arrays.copyOfRange(body, at, at + length(i));
        }

        /** Every column copied out; a {@code null} entry is SQL NULL. */
        public byte[][] values() {
            byte[][] values = new byte[offsets.length][];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(i);
            }
            return values;
        }
    }

    /** CommandComplete with its tag, e.g. {@code "INSERT 0 3"}. */
    record CommandComplete(String tag) implements BackendMessage {}

    /** EmptyQueryResponse. */
    record EmptyQueryResponse() implements BackendMessage {}

    /** ErrorResponse: field code (e.g. 'C' SQLSTATE, 'M' message) to value. */
    record ErrorResponse(Map<Character, String> fields) implements BackendMessage {}

    /** NoticeResponse: same fields as ErrorResponse. */
    record NoticeResponse(Map<Character, String> fields) implements BackendMessage {}

    /** ParseComplete. */
    record ParseComplete() implements BackendMessage {}

    /** BindComplete. */
    record BindComplete() implements BackendMessage {}

    /** CloseComplete. */
    record CloseComplete() implements BackendMessage {}

    /** NoData. */
    record NoData() implements BackendMessage {}

    /** PortalSuspended: Execute stopped at its row limit. */
    record PortalSuspended() implements BackendMessage {}

    /** ParameterDescription: the type OIDs of a statement's parameters. */
    record ParameterDescription(int[] typeOids) implements BackendMessage {}

    /** NotificationResponse (LISTEN/NOTIFY). */
    record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {}

    /** CopyInResponse: the server waits for CopyData from the client. */
    record CopyInResponse(int overallFormat, short[] columnFormats) implements BackendMessage {}

    /** CopyOutResponse: the server is about to send CopyData. */
    record CopyOutResponse(int overallFormat, short[] columnFormats) implements BackendMessage {}

    /** CopyBothResponse (replication). */
    record CopyBothResponse(int overallFormat, short[] columnFormats) implements BackendMessage {}

    /** CopyData. */
    record CopyData(byte[] data) implements BackendMessage {}

    /** CopyDone. */
    record CopyDone() implements BackendMessage {}

    /** NegotiateProtocolVersion: newest minor version supported and options not recognized. */
    record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
            implements BackendMessage {}
}
