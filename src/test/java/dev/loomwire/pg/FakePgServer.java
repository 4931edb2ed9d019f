package dev.loomwire.pg;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for a PostgreSQL server on 127.0.0.1: accepts one connection and runs the
 * test's script against it on a virtual thread, to produce answers a real server never gives.
 */
final class FakePgServer implements AutoCloseable {
    interface Script {
        void run(Conn c) throws Exception;
    }

    private final ServerSocket server;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Accepts one connection per script, in order. */
    FakePgServer(Script... scripts) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                for (Script script : scripts) {
                    try (Socket s = server.accept()) {
                        s.setSoTimeout(20_000);
                        script.run(new Conn(s));
                    }
                }
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    String conninfo(String extra) {
        return "host=127.0.0.1 port=" + port() + " user=u dbname=d password=pw connect_timeout=10 " + extra;
    }

    /** Waits for the script to end and rethrows its failure. */
    void awaitScript() throws Exception {
        done.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** One accepted client connection with helpers for the frames a server reads and writes. */
    static final class Conn {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Conn(Socket s) throws IOException {
            socket = s;
            in = new DataInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        /** Reads an untyped startup-phase packet (SSLRequest, StartupMessage, CancelRequest); returns its code. */
        int readStartupPacket() throws IOException {
            int len = in.readInt();
            int code = in.readInt();
            in.readNBytes(len - 8);
            return code;
        }

        /** Reads one typed frontend message; returns its type byte, body in {@link #lastBody}. */
        byte[] lastBody;

        char readMessage() throws IOException {
            int type = in.read();
            if (type < 0) {
                return 0;
            }
            int len = in.readInt();
            lastBody = in.readNBytes(len - 4);
            return (char) type;
        }

        void raw(byte... bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void send(char type, byte[] body) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(5 + body.length);
            b.put((byte) type).putInt(4 + body.length).put(body);
            raw(b.array());
        }

        static byte[] body(Object... parts) {
            java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            for (Object p : parts) {
                if (p instanceof Integer i) {
                    o.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
                } else if (p instanceof Short sh) {
                    o.writeBytes(ByteBuffer.allocate(2).putShort(sh).array());
                } else if (p instanceof String s) {
                    o.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    o.write(0);
                } else if (p instanceof byte[] b) {
                    o.writeBytes(b);
                } else if (p instanceof Byte b) {
                    o.write(b);
                } else if (p instanceof Character c) {
                    o.write(c);
                }
            }
            return o.toByteArray();
        }

        void authOk() throws IOException {
            send('R', body(0));
        }

        void readyForQuery() throws IOException {
            send('K', body(4242, 777));
            send('S', body("server_version", "99.0"));
            send('Z', new byte[] {'I'});
        }

        /** Accepts StartupMessage, trust auth, ReadyForQuery. */
        void trustStartup() throws IOException {
            readStartupPacket();
            authOk();
            readyForQuery();
        }
    }
}
