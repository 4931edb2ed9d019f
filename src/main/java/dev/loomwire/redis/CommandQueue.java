package dev.loomwire.redis;

import dev.loomwire.redis.resp.RespEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Commands encoded into one buffer to be sent in one socket write, each with its
 * {@link RedisResponse}: the common part of {@link RedisPipeline} and {@link RedisTransaction}.
 *
 * @param <S> the concrete queue, returned by {@code command(...)} for chaining
 */
abstract sealed class CommandQueue<S extends CommandQueue<S>> permits RedisPipeline, RedisTransaction {
    final RedisConnection connection;
    final RespEncoder buffer = new RespEncoder();
    /** One per queued command in order; null for a raw command, whose reply only the returned list holds. */
    final List<RedisResponse<?>> responses = new ArrayList<>();

    CommandQueue(RedisConnection connection) {
        this.connection = connection;
    }

    /** Queues a command built by {@link RedisCommandFactory}; its result is in the returned handle once sent. */
    public <T> RedisResponse<T> add(RedisCommand<T> command) {
        ensureOpen();
        command.encodeTo(buffer);
        RedisResponse<T> r = new RedisResponse<>(command, notYet());
        responses.add(r);
        return r;
    }

    /**
     * Queues any command with UTF-8 arguments; its reply is in the list the queue returns. Encoded
     * as is: on one connection a raw command needs no key positions or flags.
     */
    public S command(String... args) {
        ensureOpen();
        buffer.command(args);
        responses.add(null);
        return self();
    }

    /** Queues any command with binary arguments; see {@link #command(String...)}. */
    public S command(byte[]... args) {
        ensureOpen();
        buffer.command(args);
        responses.add(null);
        return self();
    }

    /** How many commands are queued. */
    public int size() {
        return responses.size();
    }

    /** Fills the queued commands' handles from their replies, in order, and empties the queue. */
    void complete(List<RedisReply> replies, int from) {
        for (int i = 0; i < responses.size(); i++) {
            RedisResponse<?> r = responses.get(i);
            if (r != null) {
                r.complete(replies.get(from + i));
            }
        }
        responses.clear();
    }

    /** Marks the queued commands' handles as never answered, and empties the queue. */
    void abandon(String why) {
        for (RedisResponse<?> r : responses) {
            if (r != null) {
                r.unavailable(why);
            }
        }
        responses.clear();
        buffer.reset();
    }

    abstract S self();

    abstract String notYet();

    abstract void ensureOpen();
}
