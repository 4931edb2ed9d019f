package dev.loomwire.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Commands queued for {@link RedisClusterClient#pipeline} (grouped by node at the end, one write
 * per node, replies in queue order) or {@link RedisClusterClient#transaction} (all keys in one
 * slot; MULTI, the commands and EXEC in one write to that slot's primary). Typed commands from
 * {@link RedisCommandFactory} get a {@link RedisResponse} handle, filled when the batch has run.
 */
public final class RedisClusterBatch {
    private final List<RedisCommand<?>> commands = new ArrayList<>();
    private final List<RedisResponse<?>> responses = new ArrayList<>();

    RedisClusterBatch() {}

    /** Queues a command built by {@link RedisCommandFactory}; its result is in the returned handle once the batch ran. */
    public <T> RedisResponse<T> add(RedisCommand<T> command) {
        RedisResponse<T> r = new RedisResponse<>(command, "the cluster pipeline or transaction has not run yet");
        commands.add(command);
        responses.add(r);
        return r;
    }

    /** Queues any command with UTF-8 arguments; its reply is in the list the batch returns. */
    public RedisClusterBatch command(String... args) {
        commands.add(RedisCommandFactory.raw((Object[]) args.clone()));
        responses.add(null);
        return this;
    }

    /** Queues any command with binary arguments. */
    public RedisClusterBatch command(byte[]... args) {
        commands.add(RedisCommandFactory.raw((Object[]) args.clone()));
        responses.add(null);
        return this;
    }

    /** How many commands are queued. */
    public int size() {
        return commands.size();
    }

    List<RedisCommand<?>> commands() {
        return commands;
    }

    /** Fills the typed handles from the replies, in queue order. */
    void complete(List<RedisReply> replies) {
        for (int i = 0; i < responses.size() && i < replies.size(); i++) {
            RedisResponse<?> r = responses.get(i);
            if (r != null) {
                r.complete(replies.get(i));
            }
        }
    }
}
