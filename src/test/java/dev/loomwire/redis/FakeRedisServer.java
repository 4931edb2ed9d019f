package dev.loomwire.redis;

import dev.loomwire.redis.resp.RespDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted stand-in for a Redis server on a loopback port: decodes each command the client
 * sends and answers with whatever bytes the script returns for it ({@link #CLOSE} hangs up,
 * {@link #SILENT} answers nothing). Records the commands it saw.
 */
final class FakeRedisServer implements AutoCloseable {
    /** Script answer: close the connection. */
    static final String CLOSE = "<close>";
    /** Script answer: send nothing and keep the connection open. */
    static final String SILENT = "<silent>";

    private final ServerSocket server;
    private final Function<List<String>, String> script;
    final List<List<String>> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    FakeRedisServer(Function<List<String>, String> script) throws IOException {
        this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread.ofVirtual().name("fake-redis-accept").start(this::acceptLoop);
    }

    /** A server that answers HELLO like Redis 7 and every other command with {@code reply(command)}. */
    static FakeRedisServer afterHello(Function<List<String>, String> reply) throws IOException {
        return new FakeRedisServer(cmd -> cmd.get(0).equalsIgnoreCase("HELLO")
                ? "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n"
                : reply.apply(cmd));
    }

    int port() {
        return server.getLocalPort();
    }

    String uri(String params) {
        return "redis://127.0.0.1:" + port() + (params.isEmpty() ? "" : "?" + params);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread.ofVirtual().name("fake-redis-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            RespDecoder<RedisReply> decoder = RedisReplies.decoder();
            byte[] buf = new byte[64 * 1024];
            int start = 0;
            int end = 0;
            while (true) {
                var request = decoder.decode(buf, start, end);
                start = decoder.position();
                if (request == null) {
                    if (start == end) {
                        start = 0;
                        end = 0;
                    }
                    int n = in.read(buf, end, buf.length - end);
                    if (n < 0) {
                        s.close();
                        return;
                    }
                    end += n;
                    continue;
                }
                List<String> cmd = request.asList().stream().map(RedisReply::asString).toList();
                commands.add(cmd);
                String answer = script.apply(cmd);
                if (answer.equals(CLOSE)) {
                    s.close();
                    return;
                }
                if (!answer.equals(SILENT)) {
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (dev.loomwire.redis.resp.RespProtocolException notResp) {
            drainSilently(s); // like redis-server reading a TLS ClientHello: waits for a line that never ends
        } catch (IOException e) {
            drainSilently(s); // closes it
        }
    }

    private static void drainSilently(Socket s) {
        try (s) {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : clients) {
            s.close();
        }
    }
}
