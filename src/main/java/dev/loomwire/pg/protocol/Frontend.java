package dev.loomwire.pg.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encoders for every frontend (client to server) message this driver sends. Each method appends
 * one complete message to a {@link ByteSink}; nothing here does I/O.
 */
public final class Frontend {
    /** Protocol 3.0 as sent in StartupMessage. */
    public static final int PROTOCOL_3_0 = 3 << 16;
    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;
    public static final int CANCEL_REQUEST_CODE = 80877102;

    private Frontend() {}

    private static int begin(ByteSink out, char type) {
        out.writeByte(type);
        int lengthAt = out.size();
        out.writeInt32(0);
        return lengthAt;
    }

    private static int beginUntyped(ByteSink out) {
        int lengthAt = out.size();
        out.writeInt32(0);
        return lengthAt;
    }

    private static void end(ByteSink out, int lengthAt) {
        out.putInt32(lengthAt, out.size() - lengthAt);
    }

    /** StartupMessage 3.0 with the given parameters (user is required; database, options...). */
    public static void startup(ByteSink out, Map<String, String> params) {
        int at = beginUntyped(out);
        out.writeInt32(PROTOCOL_3_0);
        for (Map.Entry<String, String> e : params.entrySet()) {
            out.writeCString(e.getKey());
            out.writeCString(e.getValue());
        }
        out.writeByte(0);
        end(out, at);
    }

    /** SSLRequest: {@code 00 00 00 08 04 D2 16 2F}. */
    public static void sslRequest(ByteSink out) {
        out.writeInt32(8).writeInt32(SSL_REQUEST_CODE);
    }

    /** CancelRequest with the process id and the (3.0: 4-byte, 3.2: up to 256-byte) secret key. */
    public static void cancelRequest(ByteSink out, int processId, byte[] secretKey) {
        int at = beginUntyped(out);
        out.writeInt32(CANCEL_REQUEST_CODE).writeInt32(processId).writeBytes(secretKey);
        end(out, at);
    }

    /** PasswordMessage (cleartext or MD5 hash), NUL-terminated. */
    public static void password(ByteSink out, String password) {
        int at = begin(out, 'p');
        out.writeCString(password);
        end(out, at);
    }

    /** SASLInitialResponse: mechanism name and the client-first-message ({@code null} = none). */
    public static void saslInitialResponse(ByteSink out, String mechanism, byte[] data) {
        int at = begin(out, 'p');
        out.writeCString(mechanism);
        if (data == null) {
            out.writeInt32(-1);
        } else {
            out.writeInt32(data.length).writeBytes(data);
        }
        end(out, at);
    }

    /** SASLResponse: the client-final-message. */
    public static void saslResponse(ByteSink out, byte[] data) {
        int at = begin(out, 'p');
        out.writeBytes(data);
        end(out, at);
    }

    /** Simple Query. */
    public static void query(ByteSink out, String sql) {
        int at = begin(out, 'Q');
        out.writeCString(sql);
        end(out, at);
    }

    /** Parse: statement name ("" = unnamed), SQL text and parameter type OIDs (0 = unspecified). */
    public static void parse(ByteSink out, String statement, String sql, int[] paramTypes) {
        int at = begin(out, 'P');
        out.writeCString(statement).writeCString(sql);
        out.writeInt16(paramTypes.length);
        for (int oid : paramTypes) {
            out.writeInt32(oid);
        }
        end(out, at);
    }

    /**
     * Bind: portal and statement names, per-parameter format codes (0 text, 1 binary), parameter
     * values ({@code null} entries are SQL NULL) and result column format codes.
     */
    public static void bind(ByteSink out, String portal, String statement, short[] paramFormats,
                            byte[][] params, short[] resultFormats) {
        int at = begin(out, 'B');
        out.writeCString(portal).writeCString(statement);
        out.writeInt16(paramFormats.length);
        for (short f : paramFormats) {
            out.writeInt16(f);
        }
        out.writeInt16(params.length);
        for (byte[] p : params) {
            if (p == null) {
                out.writeInt32(-1);
            } else {
                out.writeInt32(p.length).writeBytes(p);
            }
        }
        out.writeInt16(resultFormats.length);
        for (short f : resultFormats) {
            out.writeInt16(f);
        }
        end(out, at);
    }

    /** Describe a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public static void describe(ByteSink out, char kind, String name) {
        int at = begin(out, 'D');
        out.writeByte(kind).writeCString(name);
        end(out, at);
    }

    /** Execute a portal, returning at most {@code maxRows} rows (0 = all). */
    public static void execute(ByteSink out, String portal, int maxRows) {
        int at = begin(out, 'E');
        out.writeCString(portal).writeInt32(maxRows);
        end(out, at);
    }

    /** Close a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public static void close(ByteSink out, char kind, String name) {
        int at = begin(out, 'C');
        out.writeByte(kind).writeCString(name);
        end(out, at);
    }

    public static void sync(ByteSink out) {
        out.writeByte('S').writeInt32(4);
    }

    public static void flush(ByteSink out) {
        out.writeByte('H').writeInt32(4);
    }

    public static void copyData(ByteSink out, byte[] data, int off, int len) {
        int at = begin(out, 'd');
        out.writeBytes(data, off, len);
        end(out, at);
    }

    public static void copyDone(ByteSink out) {
        out.writeByte('c').writeInt32(4);
    }

    public static void copyFail(ByteSink out, String reason) {
        int at = begin(out, 'f');
        out.writeCString(reason);
        end(out, at);
    }

    public static void terminate(ByteSink out) {
        out.writeByte('X').writeInt32(4);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
