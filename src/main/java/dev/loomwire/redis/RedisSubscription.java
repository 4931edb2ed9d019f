package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.redis.RedisReply.SimpleString;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An active pub/sub subscription on a {@link RedisConnection}, for RESP2 (subscribe mode) and
 * RESP3 (push messages). Subscribing waits for the server's confirmation, so a message published
 * after {@code subscribe(...)} returns is delivered. Receive with {@link #receive(Duration)} in a
 * loop, or hand them to a callback on its own virtual thread with {@link #listen}; {@link #close()} unsubscribes from everything and hands the connection back for normal
 * commands. Not thread-safe, like the connection.
 */
public final class RedisSubscription implements AutoCloseable {
    private static final Duration LISTEN_POLL = Duration.ofMillis(200);
    private final RedisConnection connection;
    private final RespChannel channel;
    private final Set<String> channels = new LinkedHashSet<>();
    private final Set<String> patterns = new LinkedHashSet<>();
    private final Set<String> shardChannels = new LinkedHashSet<>();
    private final ArrayDeque<PubSubMessage> pending = new ArrayDeque<>();
    private boolean closed;
    private volatile boolean stopListening;
    private volatile RuntimeException listenerFailure;
    private Thread listener;

    RedisSubscription(RedisConnection connection) {
        this.connection = connection;
        this.channel = connection.channel();
    }

    /** SUBSCRIBE to more channels; returns when the server confirmed them. */
    public RedisSubscription subscribe(String... names) {
        return request("SUBSCRIBE", "subscribe", names);
    }

    /** PSUBSCRIBE to more glob patterns; returns when the server confirmed them. */
    public RedisSubscription psubscribe(String... globs) {
        return request("PSUBSCRIBE", "psubscribe", globs);
    }

    /** SSUBSCRIBE to shard channels (Redis 7+; in a cluster, all in one slot, on the node owning it). */
    public RedisSubscription ssubscribe(String... names) {
        return request("SSUBSCRIBE", "ssubscribe", names);
    }

    /** SUNSUBSCRIBE from these shard channels (none: from all of them). */
    public RedisSubscription sunsubscribe(String... names) {
        return request("SUNSUBSCRIBE", "sunsubscribe", names);
    }

    /** The shard channels currently subscribed, as confirmed by the server. */
    public Set<String> shardChannels() {
        return Collections.unmodifiableSet(shardChannels);
    }

    /** UNSUBSCRIBE from these channels (none: from all channels). */
    public RedisSubscription unsubscribe(String... names) {
        return request("UNSUBSCRIBE", "unsubscribe", names);
    }

    /** PUNSUBSCRIBE from these patterns (none: from all patterns). */
    public RedisSubscription punsubscribe(String... globs) {
        return request("PUNSUBSCRIBE", "punsubscribe", globs);
    }

    /** The channels currently subscribed, as confirmed by the server. */
    public Set<String> channels() {
        return Collections.unmodifiableSet(channels);
    }

    /** The patterns currently subscribed, as confirmed by the server. */
    public Set<String> patterns() {
        return Collections.unmodifiableSet(patterns);
    }

    /**
     * Waits up to {@code timeout} ({@link Duration#ZERO}: forever) for the next message; empty
     * when none arrived in time. A timeout leaves the subscription usable.
     */
    public Optional<PubSubMessage> receive(Duration timeout) {
        ensureOpen();
        return receiveNow(timeout);
    }

    private Optional<PubSubMessage> receiveNow(Duration timeout) {
        if (!pending.isEmpty()) {
            return Optional.of(pending.poll());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration wait = Duration.ZERO;
            if (!timeout.isZero()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                wait = Duration.ofNanos(Math.max(left, 1_000_000));
            }
            RedisReply r = channel.read(wait, true);
            if (r == null) {
                return Optional.empty();
            }
            PubSubMessage m = handle(r);
            if (m != null) {
                return Optional.of(m);
            }
        }
    }

    /**
     * Delivers messages to {@code handler} on a new virtual thread until {@link #close()}. While
     * it runs, only {@code close()} may be called (from any thread); other methods throw
     * {@link IllegalStateException}. A failure of the connection or of the handler ends the
     * listener and is available from {@link #listenerFailure()}.
     */
    public void listen(java.util.function.Consumer<PubSubMessage> handler) {
        ensureOpen();
        if (listener != null) {
            throw new IllegalStateException("already listening");
        }
        listener = Thread.ofVirtual().name("loomwire-redis-subscription").start(() -> {
            try {
                while (!stopListening) {
                    receiveNow(LISTEN_POLL).ifPresent(handler);
                }
            } catch (RuntimeException e) {
                listenerFailure = e;
            }
        });
    }

    /** Why the {@link #listen} thread stopped early, or null. */
    public RuntimeException listenerFailure() {
        return listenerFailure;
    }

    /** Unsubscribes from all channels and patterns and returns the connection to normal use. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (listener != null) {
            stopListening = true;
            try {
                listener.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.fail("interrupted while stopping the subscription listener", e);
            }
        }
        closed = true;
        try {
            if (!channel.isOpen()) {
                return;
            }
            channel.encoder().command("UNSUBSCRIBE").command("PUNSUBSCRIBE");
            if (!shardChannels.isEmpty()) {
                channel.encoder().command("SUNSUBSCRIBE");
            }
            channel.encoder().command("PING");
            channel.flush();
            // PING is answered with a plain +PONG only once the connection has left subscribe mode
            while (!(channel.read(connection.timeout()) instanceof SimpleString s && s.value().equals("PONG"))) {
                // drain confirmations and late messages
            }
            channels.clear();
            patterns.clear();
            shardChannels.clear();
            pending.clear();
        } finally {
            connection.subscriptionEnded();
        }
    }

    private RedisSubscription request(String command, String confirmation, String... names) {
        ensureOpen();
        String[] args = new String[names.length + 1];
        args[0] = command;
        System.arraycopy(names, 0, args, 1, names.length);
        channel.encoder().command(args);
        channel.flush();
        int expected = names.length;
        if (expected == 0) {
            expected = Math.max(1, (command.startsWith("P") ? patterns : command.startsWith("S") ? shardChannels : channels).size());
        }
        for (int confirmed = 0; confirmed < expected; ) {
            RedisReply r = channel.read(connection.timeout());
            PubSubMessage m = handle(r);
            if (m != null) {
                pending.add(m);
            } else if (isKind(r, confirmation)) {
                confirmed++;
            }
        }
        return this;
    }

    /** Updates state from a confirmation, or returns the message; error replies are thrown. */
    private PubSubMessage handle(RedisReply r) {
        if (r instanceof ErrorReply e) {
            throw e.toException();
        }
        List<RedisReply> items = r instanceof RedisReply.ArrayReply || r instanceof RedisReply.PushReply ? r.asList() : null;
        if (items == null || items.isEmpty()) {
            throw channel.fail("unexpected reply in subscribe mode from " + channel.peer() + ": " + r, null);
        }
        String kind = items.get(0).asString();
        int needed = switch (kind) {
            case "message", "smessage", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe" -> 3;
            case "pmessage" -> 4;
            default -> 1;
        };
        if (items.size() < needed) {
            throw channel.fail("malformed \"" + kind + "\" notice in subscribe mode from " + channel.peer() + ": " + r, null);
        }
        switch (kind) {
            case "message", "smessage" -> {
                return new PubSubMessage(items.get(1).asString(), null, items.get(2).asBytes());
            }
            case "pmessage" -> {
                return new PubSubMessage(items.get(2).asString(), items.get(1).asString(), items.get(3).asBytes());
            }
            case "subscribe" -> add(channels, items);
            case "psubscribe" -> add(patterns, items);
            case "unsubscribe" -> remove(channels, items);
            case "punsubscribe" -> remove(patterns, items);
            case "ssubscribe" -> add(shardChannels, items);
            case "sunsubscribe" -> remove(shardChannels, items);
            default -> { } // pong and other notices carry nothing for the caller
        }
        return null;
    }

    private static void add(Set<String> set, List<RedisReply> items) {
        if (!items.get(1).isNull()) {
            set.add(items.get(1).asString());
        }
    }

    private static void remove(Set<String> set, List<RedisReply> items) {
        if (!items.get(1).isNull()) {
            set.remove(items.get(1).asString());
        }
    }

    private static boolean isKind(RedisReply r, String kind) {
        List<RedisReply> items = r.asList(); // handle() has checked that r is an array or push
        return items != null && !items.isEmpty() && kind.equals(items.get(0).asString());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("subscription is closed");
        }
        if (listener != null) {
            throw new IllegalStateException("a listener thread is receiving on this subscription: only close() is allowed");
        }
    }
}
