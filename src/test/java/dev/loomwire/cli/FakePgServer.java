package dev.loomwire.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A scripted stand-in for PostgreSQL servers the real test servers cannot be (they all have
 * ssl=on): it answers the SSLRequest with fixed bytes, and after 'N' answers a StartupMessage
 * with AuthenticationCleartextPassword. Serves connections until closed.
 */
final class FakePgServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;

    FakePgServer(byte[] sslReply) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    serve(s, sslReply);
                } catch (IOException e) {
                    // client went away or server closed: next connection
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private static void serve(Socket s, byte[] sslReply) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        byte[] request = new byte[8];
        in.readFully(request);
        out.write(sslReply);
        out.flush();
        if (sslReply[0] == 'N') {
            int len = in.readInt();
            in.readFully(new byte[len - 4]);
            out.write(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3});
            out.flush();
        }
        while (in.read() >= 0) {
            // wait for the client to close
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
