package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One test Redis server with the harness's own admin connection (opened lazily, dropped when it
 * fails or the server goes away) and the crash faults: the part that {@link RedisCluster} and
 * {@link RedisSentinelSet} nodes share.
 */
final class AdminNode {
    private final ReentrantLock lock = new ReentrantLock();
    private final String label;
    private volatile LocalRedisServer server;
    private AdminConnection admin;

    /** {@code label} names the node in messages. */
    AdminNode(String label, LocalRedisServer server) {
        this.label = label;
        this.server = server;
    }

    LocalRedisServer server() {
        return server;
    }

    /** Sends a command on the admin connection; the RESP2 reply, {@link AdminConnection.ErrorReply} included. */
    Object reply(String... args) {
        lock.lock();
        try {
            if (admin == null) {
                admin = AdminConnection.open(LocalRedisServer.HOST, server.tlsPort());
            }
            return admin.call(args);
        } catch (IOException e) {
            dropAdmin();
            throw new UncheckedIOException(label + ": " + Arrays.toString(Arrays.copyOf(args, Math.min(args.length, 2)))
                    + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The next command opens a new admin connection (e.g. to see a new certificate). */
    void reconnect() {
        lock.lock();
        try {
            dropAdmin();
        } finally {
            lock.unlock();
        }
    }

    private void dropAdmin() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    /** SIGKILL: the node crashes, its clients see their connections reset. */
    void kill() {
        lock.lock();
        try {
            dropAdmin();
            server.kill();
        } finally {
            lock.unlock();
        }
    }

    /** Starts the node again on the same ports and configuration (killing it first if it runs). */
    void restart() {
        lock.lock();
        try {
            dropAdmin();
            if (server.isRunning()) {
                server.kill();
            }
            server = server.restarted();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            dropAdmin();
            server.stop();
        } finally {
            lock.unlock();
        }
    }
}
