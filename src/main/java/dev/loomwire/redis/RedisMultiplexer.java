package dev.loomwire.redis;

import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.redis.RedisReply.PushReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many callers over one Redis connection: each caller encodes its command and writes it under
 * one writer lock, queueing a reply slot in the same critical section; one reader virtual thread
 * reads replies and fills the slots in FIFO order, which is the order Redis answers in. Only for
 * commands that answer at once (never BLPOP, MULTI, SUBSCRIBE or anything that changes the
 * connection's state). A transport failure or a reply timeout fails every waiting caller and
 * closes the connection; the next call opens a new one.
 */
final class RedisMultiplexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisMultiplexer.class);

    private final RedisConfig config;
    private final String name;
    private final ReentrantLock openLock = new ReentrantLock();
    private volatile Pipe current;
    private CompletableFuture<Pipe> opening;
    private volatile boolean closed;

    RedisMultiplexer(RedisConfig config, String name) {
        this.config = config;
        this.name = name;
    }

    /** Sends one command and returns its reply; an error reply throws {@link RedisServerException}. */
    RedisReply call(Object... args) {
        return pipe().call(args).throwIfError();
    }

    /**
     * The live shared connection, or a new one. Only one caller opens; callers arriving meanwhile
     * share its outcome, so an outage costs one connect attempt per burst, not one per caller.
     */
    private Pipe pipe() {
        Pipe p = current;
        if (p != null && p.failure.get() == null) {
            return p;
        }
        CompletableFuture<Pipe> attempt;
        boolean mine = false;
        openLock.lock();
        try {
            if (closed) {
                throw new PoolClosedException("pool " + name + " is closed");
            }
            p = current;
            if (p != null && p.failure.get() == null) {
                return p;
            }
            if (opening == null) {
                opening = new CompletableFuture<>();
                mine = true;
            }
            attempt = opening;
        } finally {
            openLock.unlock();
        }
        return mine ? open(attempt) : awaitOpening(attempt);
    }

    private Pipe open(CompletableFuture<Pipe> attempt) {
        Pipe p = null;
        RuntimeException failure = null;
        try {
            p = new Pipe(RedisConnection.connect(config), config.timeout());
        } catch (RuntimeException e) {
            failure = e;
        }
        openLock.lock();
        try {
            opening = null;
            if (p != null && closed) {
                p.fail(new RedisConnectionException("the RedisClient was closed"));
                failure = new PoolClosedException("pool " + name + " is closed");
            } else if (p != null) {
                current = p;
            }
        } finally {
            openLock.unlock();
        }
        if (failure != null) {
            attempt.completeExceptionally(failure);
            throw failure;
        }
        attempt.complete(p);
        return p;
    }

    /** Waits for another caller's connect, which its connect_timeout bounds. */
    private static Pipe awaitOpening(CompletableFuture<Pipe> attempt) {
        try {
            return attempt.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PoolClosedException closed) {
                throw new PoolClosedException(closed.getMessage());
            }
            throw new RedisConnectionException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisConnectionException("interrupted while waiting for the shared connection to open", e);
        }
    }

    @Override
    public void close() {
        openLock.lock();
        try {
            closed = true;
            Pipe p = current;
            if (p != null) {
                p.fail(new RedisConnectionException("the RedisClient was closed"));
            }
        } finally {
            openLock.unlock();
        }
    }

    /** One shared connection with its reader thread. */
    private static final class Pipe {
        private final RedisConnection connection;
        private final RespChannel channel;
        private final Duration timeout;
        private final ReentrantLock writeLock = new ReentrantLock();
        private final ArrayDeque<CompletableFuture<RedisReply>> waiting = new ArrayDeque<>();
        private final AtomicReference<RedisConnectionException> failure = new AtomicReference<>();

        Pipe(RedisConnection connection, Duration timeout) {
            this.connection = connection;
            this.channel = connection.channel();
            this.timeout = timeout;
            Thread.ofVirtual().name("loomwire-redis-reader-" + channel.peer()).start(this::readLoop);
        }

        RedisReply call(Object... args) {
            CompletableFuture<RedisReply> slot = new CompletableFuture<>();
            lockForWriting();
            try {
                RedisConnectionException f = failure.get();
                if (f != null) {
                    throw new RedisConnectionException(f.getMessage(), f);
                }
                channel.encoder().commandOf(args);
                waiting.addLast(slot);
                channel.flush();
            } catch (RedisConnectionException e) {
                fail(e);
                throw e;
            } finally {
                writeLock.unlock();
            }
            return await(slot);
        }

        /** Waits for the writer lock at most the timeout: a write stuck on a full socket must not hang everyone. */
        private void lockForWriting() {
            try {
                if (timeout.isZero()) {
                    writeLock.lockInterruptibly();
                    return;
                }
                if (writeLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisConnectionException("interrupted while waiting to write to " + channel.peer(), e);
            }
            RedisConnectionException t = new RedisConnectionException("timed out after " + RespChannel.describe(timeout)
                    + " waiting to write to " + channel.peer() + " (shared connection closed)");
            fail(t);
            throw t;
        }

        private RedisReply await(CompletableFuture<RedisReply> slot) {
            try {
                return timeout.isZero() ? slot.get() : slot.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                RedisConnectionException cause = (RedisConnectionException) e.getCause();
                throw new RedisConnectionException(cause.getMessage(), cause);
            } catch (TimeoutException e) {
                RedisConnectionException t = new RedisConnectionException("timed out after " + RespChannel.describe(timeout)
                        + " waiting for a reply from " + channel.peer() + " (shared connection closed)", e);
                fail(t);
                throw t;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                RedisConnectionException i = new RedisConnectionException("interrupted while waiting for a reply from "
                        + channel.peer() + " (shared connection closed: its replies can no longer be matched)", e);
                fail(i);
                throw i;
            }
        }

        private void readLoop() {
            try {
                while (failure.get() == null) {
                    RedisReply r = channel.read(Duration.ZERO);
                    if (r instanceof PushReply) {
                        continue;
                    }
                    CompletableFuture<RedisReply> slot;
                    writeLock.lock();
                    try {
                        slot = waiting.pollFirst();
                    } finally {
                        writeLock.unlock();
                    }
                    if (slot == null) {
                        fail(new RedisConnectionException("protocol error from " + channel.peer() + ": a reply nobody asked for"));
                        return;
                    }
                    slot.complete(r);
                }
            } catch (RedisConnectionException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new RedisConnectionException("reader of the shared connection to " + channel.peer() + " failed: " + e, e));
            }
        }

        /** Records the first failure, closes the connection (unblocking a stuck writer) and fails every waiting caller. */
        void fail(RedisConnectionException e) {
            if (failure.compareAndSet(null, e)) {
                log.debug("shared connection to {} failed: {}", channel.peer(), e.getMessage());
            }
            connection.close();
            writeLock.lock();
            try {
                CompletableFuture<RedisReply> slot;
                while ((slot = waiting.pollFirst()) != null) {
                    slot.completeExceptionally(failure.get());
                }
            } finally {
                writeLock.unlock();
            }
        }
    }
}
