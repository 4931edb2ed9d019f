package dev.loomwire.pg.protocol;

import dev.loomwire.pg.protocol.BackendMessage.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes backend message bodies. The caller has already split the stream into frames (type
 * byte, length, body); this class checks that the body is consistent with the message type and
 * throws {@link ProtocolException} for anything malformed. No I/O.
 */
public final class Backend {
    /** Longest secret key in BackendKeyData allowed by protocol 3.2. */
    public static final int MAX_CANCEL_KEY_LENGTH = 256;

    private static final AuthenticationOk AUTH_OK = new AuthenticationOk();
    private static final ParseComplete PARSE_COMPLETE = new ParseComplete();
    private static final BindComplete BIND_COMPLETE = new BindComplete();
    private static final CloseComplete CLOSE_COMPLETE = new CloseComplete();
    private static final NoData NO_DATA = new NoData();
    private static final PortalSuspended PORTAL_SUSPENDED = new PortalSuspended();
    private static final EmptyQueryResponse EMPTY_QUERY = new EmptyQueryResponse();
    private static final CopyDone COPY_DONE = new CopyDone();
    private static final ReadyForQuery READY_IDLE = new ReadyForQuery('I');
    private static final ReadyForQuery READY_IN_TRANSACTION = new ReadyForQuery('T');
    private static final ReadyForQuery READY_FAILED = new ReadyForQuery('E');

    private Backend() {}

    /** Human-readable message name for a type byte, for error messages. */
    public static String name(byte type) {
        return switch (type) {
            case 'R' -> "Authentication";
            case 'K' -> "BackendKeyData";
            case 'S' -> "ParameterStatus";
            case 'Z' -> "ReadyForQuery";
            case 'T' -> "RowDescription";
            case 'D' -> "DataRow";
            case 'C' -> "CommandComplete";
            case 'I' -> "EmptyQueryResponse";
            case 'E' -> "ErrorResponse";
            case 'N' -> "NoticeResponse";
            case '1' -> "ParseComplete";
            case '2' -> "BindComplete";
            case '3' -> "CloseComplete";
            case 'n' -> "NoData";
            case 's' -> "PortalSuspended";
            case 't' -> "ParameterDescription";
            case 'A' -> "NotificationResponse";
            case 'G' -> "CopyInResponse";
            case 'H' -> "CopyOutResponse";
            case 'W' -> "CopyBothResponse";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'v' -> "NegotiateProtocolVersion";
            default -> String.format("unknown message type 0x%02x", type & 0xFF);
        };
    }

    /** Decodes one message body of the given type. */
    public static BackendMessage decode(byte type, byte[] body) {
        return decode(type, body, body.length);
    }

    /**
     * Decodes the body in {@code body[0, length)}. Nothing decoded refers to {@code body} (every
     * field is copied out), except a DataRow, which keeps it: pass a DataRow an array of its own.
     */
    public static BackendMessage decode(byte type, byte[] body, int length) {
        BackendMessage empty = bodiless(type);
        if (empty != null && length == 0) { // the bodiless replies of every round trip: no reader needed
            return empty;
        }
        BodyReader r = new BodyReader(body, length, name(type));
        BackendMessage m = switch (type) {
            case 'R' -> authentication(r);
            case 'K' -> backendKeyData(r);
            case 'S' -> new ParameterStatus(r.readCString(), r.readCString());
            case 'Z' -> readyForQuery(r);
            case 'T' -> rowDescription(r);
            case 'D' -> dataRow(r, body, length);
            case 'C' -> new CommandComplete(r.readCString());
            case 'E' -> new ErrorResponse(fields(r));
            case 'N' -> new NoticeResponse(fields(r));
            case 't' -> parameterDescription(r);
            case 'A' -> new NotificationResponse(r.readInt32(), r.readCString(), r.readCString());
            case 'G' -> copyIn(r);
            case 'H' -> copyOut(r);
            case 'W' -> copyBoth(r);
            case 'd' -> new CopyData(r.readRest());
            case 'v' -> negotiate(r);
            case 'I', '1', '2', '3', 'n', 's', 'c' -> empty; // a body where none belongs: expectEnd() names it
            default -> throw new ProtocolException(name(type));
        };
        r.expectEnd();
        return m;
    }

    /** The shared instance of a message type that has no body, or null for the other types. */
    private static BackendMessage bodiless(byte type) {
        return switch (type) {
            case 'I' -> EMPTY_QUERY;
            case '1' -> PARSE_COMPLETE;
            case '2' -> BIND_COMPLETE;
            case '3' -> CLOSE_COMPLETE;
            case 'n' -> NO_DATA;
            case 's' -> PORTAL_SUSPENDED;
            case 'c' -> COPY_DONE;
            default -> null;
        };
    }

    private static BackendMessage authentication(BodyReader r) {
        int code = r.readInt32();
        return switch (code) {
            case 0 -> AUTH_OK;
            case 3 -> new AuthenticationCleartextPassword();
            case 5 -> new AuthenticationMD5Password(r.readBytes(4));
            case 10 -> {
                List<String> mechanisms = new ArrayList<>();
                for (String m = r.readCString(); !m.isEmpty(); m = r.readCString()) {
                    mechanisms.add(m);
                }
                yield new AuthenticationSASL(List.copyOf(mechanisms));
            }
            case 11 -> new AuthenticationSASLContinue(r.readRest());
            case 12 -> new AuthenticationSASLFinal(r.readRest());
            case 2, 6, 7, 9 -> new AuthenticationUnsupported(code);
            case 8 -> {
                r.readRest();
                yield new AuthenticationUnsupported(code);
            }
            default -> throw new ProtocolException("Authentication: unknown request code " + code);
        };
    }

    private static BackendMessage backendKeyData(BodyReader r) {
        int pid = r.readInt32();
        int keyLength = r.remaining();
        if (keyLength < 4 || keyLength > MAX_CANCEL_KEY_LENGTH) {
            throw new ProtocolException("BackendKeyData: secret key length " + keyLength
                    + " is outside 4.." + MAX_CANCEL_KEY_LENGTH);
        }
        return new BackendKeyData(pid, r.readRest());
    }

    private static BackendMessage readyForQuery(BodyReader r) {
        int s = r.readByte();
        if (s != 'I' && s != 'T' && s != 'E') {
            throw new ProtocolException(String.format("ReadyForQuery: unknown transaction status 0x%02x", s));
        }
        return s == 'I' ? READY_IDLE : s == 'T' ? READY_IN_TRANSACTION : READY_FAILED;
    }

    private static BackendMessage rowDescription(BodyReader r) {
        int n = r.readCount16(19, "field");
        List<Field> fields = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fields.add(new Field(r.readCString(), r.readInt32(), r.readInt16(), r.readInt32(),
                    r.readInt16(), r.readInt32(), r.readInt16()));
        }
        return new RowDescription(Collections.unmodifiableList(fields));
    }

    /** Checks the column layout and records where each value starts; the row keeps the body, no copy per column. */
    private static BackendMessage dataRow(BodyReader r, byte[] body, int length) {
        int n = r.readCount16(4, "column");
        int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            int len = r.readInt32();
            if (len < -1) {
                throw new ProtocolException("DataRow: negative column length " + len);
            }
            if (len == -1) {
                offsets[i] = -1;
            } else {
                offsets[i] = r.position();
                r.skip(len);
            }
        }
        return new DataRow(length == body.length ? body : Arrays.copyOf(body, length), offsets);
    }

    private static Map<Character, String> fields(BodyReader r) {
        Map<Character, String> fields = new LinkedHashMap<>();
        for (int code = r.readByte(); code != 0; code = r.readByte()) {
            fields.put((char) code, r.readCString());
        }
        return Collections.unmodifiableMap(fields);
    }

    private static BackendMessage parameterDescription(BodyReader r) {
        int n = r.readCount16(4, "parameter");
        int[] oids = new int[n];
        for (int i = 0; i < n; i++) {
            oids[i] = r.readInt32();
        }
        return new ParameterDescription(oids);
    }

    private static short[] copyFormats(BodyReader r) {
        int overall = r.readByte();
        if (overall > 1) {
            throw new ProtocolException("copy response: unknown format " + overall);
        }
        int n = r.readCount16(2, "column format");
        short[] formats = new short[n + 1];
        formats[0] = (short) overall;
        for (int i = 0; i < n; i++) {
            formats[i + 1] = (short) r.readInt16();
        }
        return formats;
    }

    private static short[] rest(short[] f) {
        short[] out = new short[f.length - 1];
        System.arraycopy(f, 1, out, 0, out.length);
        return out;
    }

    private static BackendMessage copyIn(BodyReader r) {
        short[] f = copyFormats(r);
        return new CopyInResponse(f[0], rest(f));
    }

    private static BackendMessage copyOut(BodyReader r) {
        short[] f = copyFormats(r);
        return new CopyOutResponse(f[0], rest(f));
    }

    private static BackendMessage copyBoth(BodyReader r) {
        short[] f = copyFormats(r);
        return new CopyBothResponse(f[0], rest(f));
    }

    private static BackendMessage negotiate(BodyReader r) {
        int minor = r.readInt32();
        int n = r.readInt32();
        if (n < 0 || n > r.remaining()) {
            throw new ProtocolException("NegotiateProtocolVersion: option count " + n
                    + " does not fit in " + r.remaining() + " remaining bytes");
        }
        List<String> options = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            options.add(r.readCString());
        }
        return new NegotiateProtocolVersion(minor, List.copyOf(options));
    }
}
