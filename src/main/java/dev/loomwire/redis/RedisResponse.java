package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ErrorReply;

/**
 * The handle to one command queued in a {@link RedisPipeline} or {@link RedisTransaction}: its
 * decoded result is available from {@link #get()} once the pipeline was executed or the
 * transaction committed. Decoded with the command's own decoder, so a pipelined {@code incr}
 * gives the same {@code Long} as {@link RedisCommands#incr}.
 *
 * @param <T> the command's result
 */
public final class RedisResponse<T> {
    private final RedisCommand<T> command;
    private RedisReply reply;
    private String unavailable;
    private boolean decoded;
    private T value;

    RedisResponse(RedisCommand<T> command, String unavailable) {
        this.command = command;
        this.unavailable = unavailable;
    }

    void complete(RedisReply reply) {
        this.reply = reply;
        this.unavailable = null;
    }

    void unavailable(String why) {
        this.unavailable = why;
    }

    /** The command this handle belongs to. */
    public RedisCommand<T> command() {
        return command;
    }

    /** True once the reply arrived. */
    public boolean isDone() {
        return reply != null;
    }

    /**
     * The decoded result. Throws {@link RedisServerException} if the server answered this command
     * with an error, {@link IllegalStateException} before the reply arrived (or when the
     * transaction was discarded or aborted).
     */
    public T get() {
        if (reply == null) {
            throw new IllegalStateException(command.name() + ": " + unavailable);
        }
        if (reply instanceof ErrorReply e) {
            throw e.toException();
        }
        if (!decoded) {
            value = command.decode(reply);
            decoded = true;
        }
        return value;
    }

    /** The undecoded reply (an {@link ErrorReply} stays a value here); null before it arrived. */
    public RedisReply reply() {
        return reply;
    }

    @Override
    public String toString() {
        return "RedisResponse[" + command.name() + (reply == null ? " pending" : " " + reply) + "]";
    }
}
