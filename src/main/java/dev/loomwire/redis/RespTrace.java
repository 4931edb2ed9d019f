package dev.loomwire.redis;

import dev.loomwire.net.ConnectListener;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TRACE protocol log (logger {@code dev.loomwire.redis.protocol}) as a listener on one
 * connection's {@link RespChannel}, observing the same sent and received events a connect listener
 * does: one line per request (command names with their argument counts) and per reply (its type
 * and size). Argument and reply values are never included, so AUTH and HELLO ... AUTH passwords,
 * keys and stored values stay out of the log.
 */
final class RespTrace implements ConnectListener<RedisReply> {
    private static final Logger TRACE = LoggerFactory.getLogger("dev.loomwire.redis.protocol");
    private static final int MAX_COMMANDS_SHOWN = 20;

    private final String peer;

    /** Traces the traffic with {@code peer}, which starts each line. */
    RespTrace(String peer) {
        this.peer = peer;
    }

    /** True when the trace log is on, so callers can skip describing what would not be logged. */
    static boolean enabled() {
        return TRACE.isTraceEnabled();
    }

    @Override
    public void sent(String description) {
        TRACE.trace("-> {} {}", peer, description);
    }

    @Override
    public void received(RedisReply reply) {
        if (TRACE.isTraceEnabled()) {
            TRACE.trace("<- {} {}", peer, reply(reply));
        }
    }

    /** Describes the RESP commands (arrays of bulk strings) encoded in {@code buf[0, size)}. */
    static String commands(byte[] buf, int size) {
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        int count = 0;
        while (pos < size && buf[pos] == '*') {
            int lineEnd = lineEnd(buf, pos, size);
            int args = (int) Math.min(Integer.MAX_VALUE, number(buf, pos + 1, lineEnd));
            pos = lineEnd + 2;
            String name = null;
            for (int i = 0; i < args && pos < size && buf[pos] == '$'; i++) {
                int headerEnd = lineEnd(buf, pos, size);
                int length = (int) Math.max(0, Math.min(Integer.MAX_VALUE / 2, number(buf, pos + 1, headerEnd)));
                int data = headerEnd + 2;
                if (i == 0) {
                    name = new String(buf, data, Math.max(0, Math.min(length, Math.min(size - data, 64))),
                            StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
                }
                pos = data + length + 2;
            }
            if (count < MAX_COMMANDS_SHOWN) {
                sb.append(count == 0 ? "" : ", ").append(name).append(" (").append(Math.max(0, args - 1))
                        .append(args == 2 ? " arg)" : " args)");
            }
            count++;
        }
        if (count > MAX_COMMANDS_SHOWN) {
            sb.append(", ... ").append(count).append(" commands");
        }
        return sb.toString();
    }

    /** Describes a reply by its type and size; an error reply by its code. */
    static String reply(RedisReply r) {
        return switch (r) {
            case RedisReply.SimpleString s -> "simple string (" + s.value().length() + " chars)";
            case RedisReply.ErrorReply e -> "error " + e.code();
            case RedisReply.IntegerReply i -> "integer";
            case RedisReply.BulkString b -> "bulk string (" + b.bytes().length + " bytes)";
            case RedisReply.NullReply n -> "null";
            case RedisReply.ArrayReply a -> "array (" + a.elements().size() + " elements)";
            case RedisReply.MapReply m -> "map (" + m.entries().size() + " entries)";
            case RedisReply.SetReply s -> "set (" + s.elements().size() + " elements)";
            case RedisReply.DoubleReply d -> "double";
            case RedisReply.BooleanReply b -> "boolean";
            case RedisReply.BigNumberReply b -> "big number";
            case RedisReply.VerbatimString v -> "verbatim string (" + v.text().length() + " chars)";
            case RedisReply.PushReply p -> "push (" + p.elements().size() + " elements)";
            case RedisReply.AttributedReply a -> "attributes + " + reply(a.reply());
        };
    }

    private static int lineEnd(byte[] buf, int pos, int size) {
        while (pos < size - 1 && !(buf[pos] == '\r' && buf[pos + 1] == '\n')) {
            pos++;
        }
        return pos;
    }

    private static long number(byte[] buf, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (buf[i] - '0');
        }
        return n;
    }
}
