package dev.loomwire.redis;

import dev.loomwire.redis.resp.RespEncoder;

import java.util.List;

/**
 * Commands queued locally and sent to the server in one socket write by {@link #execute()},
 * which then reads every reply. Error replies come back as {@link RedisReply.ErrorReply} in
 * their slot instead of being thrown, so one failing command does not hide the others' results.
 * Reusable: after {@code execute()} the pipeline is empty.
 */
public final class RedisPipeline {
    private final RedisConnection connection;
    private final RespEncoder buffer = new RespEncoder();
    private int count;

    RedisPipeline(RedisConnection connection) {
        this.connection = connection;
    }

    /** Queues a command with UTF-8 arguments. */
    public RedisPipeline command(String... args) {
        buffer.command(args);
        count++;
        return this;
    }

    /** Queues a command with binary arguments. */
    public RedisPipeline command(byte[]... args) {
        buffer.command(args);
        count++;
        return this;
    }

    /** How many commands are queued. */
    public int size() {
        return count;
    }

    /** Sends all queued commands in one write and returns their replies in order. */
    public List<RedisReply> execute() {
        if (count == 0) {
            return List.of();
        }
        try {
            return connection.sendBatch(buffer, count);
        } finally {
            buffer.reset();
            count = 0;
        }
    }
}
