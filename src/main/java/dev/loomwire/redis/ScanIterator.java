package dev.loomwire.redis;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Walks the keyspace with SCAN, one batch per server call, as the caller iterates. */
final class ScanIterator<T> implements Iterator<T> {
    private final RedisCommands redis;
    private final byte[] match;
    private final int count;
    private final Function<RedisReply, T> convert;
    private final ArrayDeque<T> batch = new ArrayDeque<>();
    private String cursor = "0";
    private boolean started;

    ScanIterator(RedisCommands redis, byte[] match, int count, Function<RedisReply, T> convert) {
        this.redis = redis;
        this.match = match;
        this.count = count;
        this.convert = convert;
    }

    @Override
    public boolean hasNext() {
        while (batch.isEmpty() && (!started || !cursor.equals("0"))) {
            fetch();
        }
        return !batch.isEmpty();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("SCAN is complete");
        }
        return batch.poll();
    }

    private void fetch() {
        List<RedisReply> reply = redis.execute(RedisCommandFactory.scan(cursor, match, count)).asList();
        started = true;
        cursor = reply.get(0).asString();
        for (RedisReply key : reply.get(1).asList()) {
            batch.add(convert.apply(key));
        }
    }
}
