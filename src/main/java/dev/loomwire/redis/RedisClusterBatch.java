package dev.loomwire.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Commands queued for {@link RedisClusterClient#pipeline} (grouped by node at the end, one write
 * per node, replies in queue order) or {@link RedisClusterClient#transaction} (all keys in one
 * slot; MULTI, the commands and EXEC in one write to that slot's primary).
 */
public final class RedisClusterBatch {
    private final List<Object[]> commands = new ArrayList<>();

    RedisClusterBatch() {}

    /** Queues a command with UTF-8 arguments. */
    public RedisClusterBatch command(String... args) {
        return queue(args);
    }

    /** Queues a command with binary arguments. */
    public RedisClusterBatch command(byte[]... args) {
        return queue(args);
    }

    private RedisClusterBatch queue(Object[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("empty command");
        }
        for (Object a : args) {
            if (a == null) {
                throw new IllegalArgumentException("command argument must not be null");
            }
        }
        commands.add(args.clone());
        return this;
    }

    /** How many commands are queued. */
    public int size() {
        return commands.size();
    }

    List<Object[]> commands() {
        return commands;
    }
}
