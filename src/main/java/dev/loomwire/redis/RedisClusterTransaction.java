package dev.loomwire.redis;

import java.util.ArrayList;
import java.util.List;

/** Commands queued for {@link RedisClusterClient#transaction}: all their keys must hash to one slot; MULTI, the commands and EXEC go in one write to that slot's primary. */
public final class RedisClusterTransaction {
    private final List<Object[]> commands = new ArrayList<>();

    RedisClusterTransaction() {}

    /** Queues a command with UTF-8 arguments. */
    public RedisClusterTransaction command(String... args) {
        return queue(args);
    }

    /** Queues a command with binary arguments. */
    public RedisClusterTransaction command(byte[]... args) {
        return queue(args);
    }

    private RedisClusterTransaction queue(Object[] args) {
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
