package dev.loomwire.concurrency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that misbehaves on demand: cut every
 * connection with a reset, reset a connection after N bytes from the server (mid TLS record),
 * swallow bytes after N (a silent peer), or accept new connections without forwarding anything
 * (a stalled handshake). Each pair of sockets is pumped by two virtual threads; {@link #close()}
 * stops everything.
 */
final class FaultProxy implements AutoCloseable {
    /** What to do with the bytes flowing from the server to the client. */
    enum Mode { FORWARD, STALL_NEW, RESET_AFTER, DROP_AFTER }

    private final ServerSocket listener;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile long limitBytes;
    private volatile boolean closed;

    private final class Pair {
        final Socket client;
        final Socket server;
        final AtomicLong fromServer = new AtomicLong();

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void reset() {
            try {
                client.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
            closeQuietly(client);
            closeQuietly(server);
            pairs.remove(this);
        }
    }

    FaultProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fault-proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    /** Forward everything (the default). */
    FaultProxy forward() {
        mode = Mode.FORWARD;
        return this;
    }

    /** New connections are accepted but nothing is forwarded either way: the client's handshake stalls. */
    FaultProxy stallNewConnections() {
        mode = Mode.STALL_NEW;
        return this;
    }

    /** After {@code n} more bytes from the server on a connection (counted from now), reset it (RST to the client). */
    FaultProxy resetAfterServerBytes(long n) {
        restartCounts();
        limitBytes = n;
        mode = Mode.RESET_AFTER;
        return this;
    }

    /** After {@code n} more bytes from the server on a connection (counted from now), swallow the rest silently. */
    FaultProxy dropAfterServerBytes(long n) {
        restartCounts();
        limitBytes = n;
        mode = Mode.DROP_AFTER;
        return this;
    }

    private void restartCounts() {
        for (Pair p : pairs) {
            p.fromServer.set(0);
        }
    }

    /** Resets every current connection, like a server restart or a network cut; new ones go through. */
    void cutAll() {
        for (Pair p : List.copyOf(pairs)) {
            p.reset();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (mode == Mode.STALL_NEW) {
                pairs.add(new Pair(client, new Socket())); // held open, never pumped
                continue;
            }
            Thread.ofVirtual().start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        Pair p = new Pair(client, server);
        pairs.add(p);
        Thread.ofVirtual().start(() -> pump(p, client, server, false));
        Thread.ofVirtual().start(() -> pump(p, server, client, true));
    }

    private void pump(Pair p, Socket from, Socket to, boolean serverToClient) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                int forward = n;
                if (serverToClient && mode != Mode.FORWARD && mode != Mode.STALL_NEW) {
                    long before = p.fromServer.getAndAdd(n);
                    long room = Math.max(0, limitBytes - before);
                    forward = (int) Math.min(n, room);
                    if (forward > 0) {
                        out.write(buf, 0, forward);
                        out.flush();
                    }
                    if (forward < n) {
                        if (mode == Mode.RESET_AFTER) {
                            p.reset();
                            return;
                        }
                        continue; // DROP_AFTER: swallow
                    }
                    continue;
                }
                out.write(buf, 0, forward);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away
        }
        p.reset();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cutAll();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
