package dev.loomwire.pg;

import dev.loomwire.net.ConnectListener;
import dev.loomwire.pg.protocol.Backend;
import dev.loomwire.pg.protocol.BackendMessage;
import dev.loomwire.pg.protocol.BackendMessage.*;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TRACE protocol log (logger {@code dev.loomwire.pg.protocol}) as a listener on one
 * {@link PgStream}: it observes the same sent and received events as connect logging and
 * {@code probe} do while connecting, and keeps observing them for the life of the stream. Each
 * message is one line: type, length and fields that cannot hold a secret. Password, SASL and
 * CopyData payloads, bind values, row values, cancel keys and SQL text beyond its first word are
 * never included.
 */
final class PgTrace implements ConnectListener<BackendMessage> {
    private static final Logger TRACE = LoggerFactory.getLogger("dev.loomwire.pg.protocol");

    private final PgStream stream;

    /** Traces the messages of {@code stream}, whose frame header it reads for each received message. */
    PgTrace(PgStream stream) {
        this.stream = stream;
    }

    /** True when the trace log is on, so callers can skip describing what would not be logged. */
    static boolean enabled() {
        return TRACE.isTraceEnabled();
    }

    @Override
    public void sent(String description) {
        TRACE.trace("-> {}", description);
    }

    @Override
    public void received(BackendMessage message) {
        if (TRACE.isTraceEnabled()) {
            TRACE.trace("<- {}", backend(stream.lastType(), stream.lastLength(), message));
        }
    }

    /** Describes the frontend messages in {@code buf[0, size)}; the first is untyped when {@code startup}. */
    static String frontend(byte[] buf, int size, boolean startup) {
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        if (startup && size >= 8) {
            int length = int32(buf, 0);
            sb.append("StartupMessage length=").append(length).append(startupParameters(buf, 8, Math.min(length, size)));
            pos = length;
        }
        while (pos + 5 <= size) {
            char type = (char) buf[pos];
            int length = int32(buf, pos + 1);
            int body = pos + 5;
            int end = Math.min(size, pos + 1 + length);
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(frontendName(type)).append(" length=").append(length);
            switch (type) {
                case 'Q' -> sb.append(" sql=").append(firstWord(buf, body, end));
                case 'P' -> {
                    int afterName = cStringEnd(buf, body, end);
                    sb.append(" statement=\"").append(text(buf, body, afterName)).append('"')
                            .append(" sql=").append(firstWord(buf, afterName + 1, end));
                }
                case 'B' -> {
                    int afterPortal = cStringEnd(buf, body, end);
                    int afterStatement = cStringEnd(buf, afterPortal + 1, end);
                    sb.append(" portal=\"").append(text(buf, body, afterPortal)).append("\" statement=\"")
                            .append(text(buf, afterPortal + 1, afterStatement)).append('"');
                }
                case 'D', 'C' -> {
                    if (body < end) {
                        sb.append(' ').append((char) buf[body]).append(" \"")
                                .append(text(buf, body + 1, cStringEnd(buf, body + 1, end))).append('"');
                    }
                }
                case 'E' -> {
                    int afterPortal = cStringEnd(buf, body, end);
                    sb.append(" portal=\"").append(text(buf, body, afterPortal)).append('"');
                    if (afterPortal + 5 <= end) {
                        sb.append(" maxRows=").append(int32(buf, afterPortal + 1));
                    }
                }
                default -> { } // 'p' (password, SASL), 'd' (CopyData), 'f', 'S', 'H', 'c', 'X': type and length only
            }
            pos += 1 + Math.max(length, 4);
        }
        return sb.toString();
    }

    private static String frontendName(char type) {
        return switch (type) {
            case 'Q' -> "Query";
            case 'P' -> "Parse";
            case 'B' -> "Bind";
            case 'D' -> "Describe";
            case 'E' -> "Execute";
            case 'C' -> "Close";
            case 'S' -> "Sync";
            case 'H' -> "Flush";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'f' -> "CopyFail";
            case 'X' -> "Terminate";
            case 'p' -> "PasswordMessage/SASLResponse";
            default -> String.format("message 0x%02x", (int) type & 0xFF);
        };
    }

    /** Parameter names with the values of user, database and application_name. */
    private static String startupParameters(byte[] buf, int pos, int end) {
        StringBuilder sb = new StringBuilder();
        while (pos < end && buf[pos] != 0) {
            int nameEnd = cStringEnd(buf, pos, end);
            int valueEnd = cStringEnd(buf, nameEnd + 1, end);
            String name = text(buf, pos, nameEnd);
            sb.append(' ').append(name);
            if (name.equals("user") || name.equals("database") || name.equals("application_name")) {
                sb.append("=\"").append(text(buf, nameEnd + 1, valueEnd)).append('"');
            }
            pos = valueEnd + 1;
        }
        return sb.toString();
    }

    /** Describes a backend message: type, length and its safe fields. */
    static String backend(byte type, int length, BackendMessage m) {
        String base = Backend.name(type) + " length=" + length;
        return switch (m) {
            case AuthenticationOk a -> base + " AuthenticationOk";
            case AuthenticationCleartextPassword a -> base + " AuthenticationCleartextPassword";
            case AuthenticationMD5Password a -> base + " AuthenticationMD5Password";
            case AuthenticationSASL a -> base + " AuthenticationSASL mechanisms=" + a.mechanisms();
            case AuthenticationSASLContinue a -> base + " AuthenticationSASLContinue";
            case AuthenticationSASLFinal a -> base + " AuthenticationSASLFinal";
            case AuthenticationUnsupported a -> base + " " + a.methodName();
            case BackendKeyData k -> base + " pid=" + k.processId();
            case ParameterStatus p -> base + " " + p.name() + "=\"" + p.value() + '"';
            case ReadyForQuery r -> base + " status=" + r.transactionStatus();
            case RowDescription r -> base + " columns=" + r.fields().size();
            case DataRow d -> base + " columns=" + d.columnCount();
            case CommandComplete c -> base + " tag=\"" + c.tag() + '"';
            case ErrorResponse e -> base + " " + e.fields().get('S') + " " + e.fields().get('C');
            case NoticeResponse n -> base + " " + n.fields().get('S') + " " + n.fields().get('C');
            case ParameterDescription p -> base + " parameters=" + p.typeOids().length;
            case NotificationResponse n -> base + " pid=" + n.processId() + " channel=\"" + n.channel() + '"';
            case NegotiateProtocolVersion v -> base + " minor=" + v.newestMinorVersion();
            default -> base;
        };
    }

    private static String firstWord(byte[] buf, int pos, int end) {
        while (pos < end && buf[pos] != 0 && Character.isWhitespace(buf[pos])) {
            pos++;
        }
        int start = pos;
        while (pos < end && buf[pos] != 0 && !Character.isWhitespace(buf[pos]) && pos - start < 32) {
            pos++;
        }
        return start == pos ? "(empty)" : text(buf, start, pos) + "...";
    }

    private static int cStringEnd(byte[] buf, int pos, int end) {
        while (pos < end && buf[pos] != 0) {
            pos++;
        }
        return pos;
    }

    private static String text(byte[] buf, int from, int to) {
        return from >= to ? "" : new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
