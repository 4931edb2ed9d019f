package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/** Free loopback ports for test servers, never the same one twice in this JVM. */
final class FreePorts {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Set<Integer> handedOut = new HashSet<>();

    private FreePorts() {}

    static int next() {
        LOCK.lock();
        try {
            for (int attempt = 0; attempt < 50; attempt++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
                    int port = s.getLocalPort();
                    if (handedOut.add(port)) {
                        return port;
                    }
                }
            }
            throw new IllegalStateException("no free loopback port found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        } finally {
            LOCK.unlock();
        }
    }
}
