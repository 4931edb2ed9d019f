package dev.loomwire.testing;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The harness's own TLS connection to one Redis node (plain JDK TLS, no loomwire code), for setting
 * servers up and breaking them: RESP2 replies come back as {@link String} (simple and bulk strings),
 * {@link Long}, {@link List}, {@code null} or {@link ErrorReply}. Not thread-safe: callers lock.
 */
final class AdminConnection implements AutoCloseable {
    /** A {@code -ERR ...} reply. */
    record ErrorReply(String message) {}

    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;

    private AdminConnection(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private static final SSLContext ANY_CERTIFICATE = RawTls.trustAnything();

    /** Connects to {@code host:port} accepting whatever certificate the node serves (tests may give it a bad one). */
    static AdminConnection open(String host, int port) throws IOException {
        return new AdminConnection(RawTls.connectUnverified(ANY_CERTIFICATE, host, port));
    }

    Object call(String... args) throws IOException {
        out.write(RawTls.encodeRedisCommand(args));
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("the server closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new ErrorReply(line);
            case ':' -> Long.parseLong(line);
            case '$' -> bulk(Integer.parseInt(line));
            case '*' -> array(Integer.parseInt(line));
            default -> throw new IOException("unexpected RESP2 type byte '" + (char) type + "' followed by " + line);
        };
    }

    private String bulk(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        if (bytes.length < length + 2) {
            throw new EOFException("the server closed the connection inside a bulk string");
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private List<Object> array(int length) throws IOException {
        if (length < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            items.add(read());
        }
        return items;
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection inside a reply");
            }
            if (b == '\n' && !sb.isEmpty() && sb.charAt(sb.length() - 1) == '\r') {
                return sb.substring(0, sb.length() - 1);
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
