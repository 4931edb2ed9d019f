package dev.loomwire.redis;

import java.util.List;

/**
 * Commands queued locally and sent to the server in one socket write by {@link #execute()},
 * which then reads every reply. Queue typed commands with {@link #add} and a
 * {@link RedisCommandFactory} command ({@code p.add(RedisCommandFactory.incr("n"))}): the returned
 * {@link RedisResponse} gives the decoded result after {@code execute()}. Error replies come back
 * as {@link RedisReply.ErrorReply} in their slot (and are thrown by that command's
 * {@link RedisResponse#get()}) instead of being thrown by {@code execute()}, so one failing command
 * does not hide the others' results. Reusable: after {@code execute()} the pipeline is empty.
 */
public final class RedisPipeline extends CommandQueue<RedisPipeline> {

    RedisPipeline(RedisConnection connection) {
        super(connection);
    }

    /** Sends all queued commands in one write and returns their replies in order. */
    public List<RedisReply> execute() {
        int count = size();
        if (count == 0) {
            return List.of();
        }
        List<RedisReply> replies;
        try {
            replies = connection.sendBatch(buffer, count);
        } catch (RuntimeException e) {
            abandon("the pipeline failed: " + e.getMessage());
            throw e;
        }
        buffer.reset();
        complete(replies, 0);
        return replies;
    }

    @Override
    RedisPipeline self() {
        return this;
    }

    @Override
    String notYet() {
        return "no reply yet: call RedisPipeline.execute() first";
    }

    @Override
    void ensureOpen() {
        // a pipeline is reusable
    }
}
