package dev.loomwire.redis;

import dev.loomwire.error.TimeoutKind;
import dev.loomwire.pool.PoolClosedException;
import dev.loomwire.redis.RedisReply.PushReply;
import dev.loomwire.redis.resp.RespEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many callers over one Redis connection with automatic batching: each caller queues its command
 * with a reply slot; if no one is writing it takes the writer lock, takes everything queued so
 * far, registers the reply slots in queue order and sends the commands in one socket write (one
 * TLS record and one syscall for a whole burst), until the queue is empty. A lone caller sends at
 * once; there are no timers and nobody waits for the lock. One reader
 * virtual thread reads replies and fills the slots in FIFO order, which is the order Redis
 * answers in. Only for
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
    private final LongAdder socketWrites = new LongAdder();
    private final LongAdder commandsSent = new LongAdder();

    RedisMultiplexer(RedisConfig config, String name) {
        this.config = config;
        this.name = name;
    }

    /**
     * Sends one command that answers at once (never flagged BLOCKING or CONNECTION_STATE: the
     * caller checks) and returns its decoded reply; an error reply throws {@link RedisServerException}.
     */
    <T> T execute(RedisCommand<T> command) {
        return command.decode(pipe().call(new Request(command)).throwIfError());
    }

    /**
     * {@code ASKING} and the command, adjacent in one write (a cluster's ASK redirect: the flag
     * holds for the next command on the connection only); the command's decoded reply.
     */
    <T> T executeAsking(RedisCommand<T> command) {
        return command.decode(pipe().call(new AskingRequest(command)).throwIfError());
    }

    /** Socket writes so far, over every shared connection this multiplexer opened. */
    long socketWrites() {
        return socketWrites.sum();
    }

    /** Commands sent so far; more than {@link #socketWrites()} when concurrent callers were batched. */
    long commandsSent() {
        return commandsSent.sum();
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
            p = new Pipe(RedisConnection.connect(config), config.timeout(), socketWrites, commandsSent);
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

    /** One command waiting to be sent, and the slot its reply goes to (itself). */
    private static class Request extends CompletableFuture<RedisReply> {
        final RedisCommand<?> command;
        /** Set by the writer that took this request off the queue. */
        volatile boolean taken;

        Request(RedisCommand<?> command) {
            this.command = command;
        }
    }

    /** A command preceded by ASKING, whose +OK goes nowhere. */
    private static final class AskingRequest extends Request {
        AskingRequest(RedisCommand<?> command) {
            super(command);
        }
    }

    /** One shared connection with its reader thread. */
    private static final class Pipe {
        /** A writer stops taking requests once its batch is this large; the rest go in the next write. */
        private static final int MAX_BATCH_BYTES = 1024 * 1024;

        private final RedisConnection connection;
        private final RespChannel channel;
        private final Duration timeout;
        private final LongAdder socketWrites;
        private final LongAdder commandsSent;
        private final ConcurrentLinkedQueue<Request> queued = new ConcurrentLinkedQueue<>();
        /** Held while taking requests off the queue and writing them: the bytes go out in queue order. */
        private final ReentrantLock writeLock = new ReentrantLock();
        /** Guards {@link #waiting}, briefly: the reader never waits for a write in progress. */
        private final ReentrantLock slotsLock = new ReentrantLock();
        private final ArrayDeque<CompletableFuture<RedisReply>> waiting = new ArrayDeque<>();
        private final AtomicReference<RedisConnectionException> failure = new AtomicReference<>();

        Pipe(RedisConnection connection, Duration timeout, LongAdder socketWrites, LongAdder commandsSent) {
            this.connection = connection;
            this.channel = connection.channel();
            this.timeout = timeout;
            this.socketWrites = socketWrites;
            this.commandsSent = commandsSent;
            Thread.ofVirtual().name("loomwire-redis-reader-" + channel.peer()).start(this::readLoop);
        }

        /**
         * Queues the command and, if no one is writing, becomes the writer: it sends everything
         * queued, batch after batch, until the queue is empty. A caller that finds a writer at work
         * only waits for its reply; the writer checks the queue again after letting go of the lock,
         * so a command queued just before that is never left behind.
         */
        RedisReply call(Request request) {
            RedisConnectionException f = failure.get();
            if (f != null) {
                throw new RedisConnectionException(f.getMessage(), f);
            }
            queued.add(request);
            while (!queued.isEmpty() && writeLock.tryLock()) {
                try {
                    writeQueued();
                } finally {
                    writeLock.unlock();
                }
            }
            return await(request);
        }

        /**
         * Takes the queued requests (up to {@link #MAX_BATCH_BYTES}), registers their reply slots
         * in that order and sends them with one socket write. Only with the writer lock held.
         */
        private void writeQueued() {
            List<Request> batch = new ArrayList<>();
            RespEncoder encoder = channel.encoder();
            try {
                Request r;
                while (encoder.size() < MAX_BATCH_BYTES && (r = queued.poll()) != null) {
                    r.taken = true;
                    batch.add(r);
                    if (failure.get() == null) {
                        if (r instanceof AskingRequest) {
                            encoder.command("ASKING");
                        }
                        r.command.encodeTo(encoder);
                    }
                }
                if (batch.isEmpty()) {
                    return;
                }
                if (!register(batch)) {
                    encoder.reset();
                    return;
                }
                channel.flush();
                socketWrites.increment();
                commandsSent.add(batch.size());
            } catch (RedisConnectionException e) {
                failBatch(batch, e);
            } catch (RuntimeException e) {
                failBatch(batch, new RedisConnectionException("cannot send to " + channel.peer() + ": " + e.getMessage(), e));
            }
        }

        /** Fails the connection and every request of the batch, registered or not: their owners may be awaiting them already. */
        private void failBatch(List<Request> batch, RedisConnectionException e) {
            fail(e);
            for (Request r : batch) {
                r.completeExceptionally(failure.get());
            }
        }

        /** Queues the batch's reply slots before its bytes go out; false (the batch failed) after a failure. */
        private boolean register(List<Request> batch) {
            slotsLock.lock();
            try {
                RedisConnectionException f = failure.get();
                for (Request r : batch) {
                    if (f == null) {
                        if (r instanceof AskingRequest) {
                            waiting.addLast(new CompletableFuture<>()); // ASKING's +OK
                        }
                        waiting.addLast(r);
                    } else {
                        r.completeExceptionally(f);
                    }
                }
                return f == null;
            } finally {
                slotsLock.unlock();
            }
        }

        /**
         * Waits at most the timeout for the reply, including the wait for a writer to send the
         * command: a write stuck on a full socket must not hang everyone, so either wait ending
         * closes the shared connection (which also unblocks the stuck writer).
         */
        private RedisReply await(Request request) {
            CompletableFuture<RedisReply> slot = request;
            try {
                return timeout.isZero() ? slot.get() : slot.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                RedisConnectionException cause = (RedisConnectionException) e.getCause();
                throw new RedisConnectionException(cause.getMessage(), cause);
            } catch (TimeoutException e) {
                String what = request.taken ? " waiting for a reply from " : " waiting to write to ";
                RedisConnectionException t = new RedisTimeoutException(TimeoutKind.COMMAND, "timed out after " + RespChannel.describe(timeout)
                        + what + channel.peer() + " (shared connection closed)", e);
                fail(t);
                throw t;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (queued.remove(request)) {
                    throw new RedisConnectionException("interrupted while waiting to write to " + channel.peer(), e);
                }
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
                    slotsLock.lock();
                    try {
                        slot = waiting.pollFirst();
                    } finally {
                        slotsLock.unlock();
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

        /**
         * Records the first failure, closes the connection (unblocking a stuck writer) and fails
         * every caller whose command was sent. Commands still queued fail when the writer, which
         * empties the queue before it stops, takes them: {@link #register} sees the failure.
         */
        void fail(RedisConnectionException e) {
            if (failure.compareAndSet(null, e)) {
                log.debug("shared connection to {} failed: {}", channel.peer(), e.getMessage());
            }
            connection.close();
            slotsLock.lock();
            try {
                CompletableFuture<RedisReply> slot;
                while ((slot = waiting.pollFirst()) != null) {
                    slot.completeExceptionally(failure.get());
                }
            } finally {
                slotsLock.unlock();
            }
        }
    }
}
