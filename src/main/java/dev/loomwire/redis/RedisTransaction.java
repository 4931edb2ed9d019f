package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.redis.resp.RespEncoder;

import java.util.List;
import java.util.Optional;

/**
 * A MULTI/EXEC transaction. Commands queue locally; {@link #exec()} sends MULTI, the commands and
 * EXEC in one socket write. Pair with {@link RedisConnection#watch(String...)} for optimistic
 * locking: {@code exec()} then returns empty when a watched key changed.
 */
public final class RedisTransaction {
    private final RedisConnection connection;
    private final RespEncoder buffer = new RespEncoder();
    private int count;
    private boolean done;

    RedisTransaction(RedisConnection connection) {
        this.connection = connection;
        buffer.command("MULTI");
    }

    /** Queues a command with UTF-8 arguments. */
    public RedisTransaction command(String... args) {
        ensureOpen();
        buffer.command(args);
        count++;
        return this;
    }

    /** Queues a command with binary arguments. */
    public RedisTransaction command(byte[]... args) {
        ensureOpen();
        buffer.command(args);
        count++;
        return this;
    }

    /**
     * Runs the transaction: the replies of the queued commands in order (a command that failed at
     * run time has an {@link ErrorReply} in its slot), or empty when WATCH aborted it. If the
     * server refused to queue a command (EXECABORT), throws {@link RedisServerException} naming
     * the first refusal; nothing was executed.
     */
    public Optional<List<RedisReply>> exec() {
        ensureOpen();
        done = true;
        buffer.command("EXEC");
        List<RedisReply> replies = connection.sendBatch(buffer, count + 2);
        buffer.reset();
        replies.get(0).throwIfError();
        ErrorReply firstRefusal = null;
        for (int i = 1; i <= count; i++) {
            if (replies.get(i) instanceof ErrorReply e && firstRefusal == null) {
                firstRefusal = e;
            }
        }
        RedisReply exec = replies.get(count + 1);
        if (exec instanceof ErrorReply e) {
            throw new RedisServerException(e.code(), e.message(),
                    firstRefusal == null ? "EXEC failed" : "EXEC failed, command " + indexOf(replies, firstRefusal)
                            + " was refused with \"" + firstRefusal.message() + "\"");
        }
        if (exec.isNull()) {
            return Optional.empty();
        }
        return Optional.of(exec.asList());
    }

    /** Drops the queued commands (nothing was sent) and UNWATCHes any watched keys. */
    public void discard() {
        ensureOpen();
        done = true;
        buffer.reset();
        connection.unwatch();
    }

    private static int indexOf(List<RedisReply> replies, RedisReply r) {
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) == r) {
                return i;
            }
        }
        return -1;
    }

    private void ensureOpen() {
        if (done) {
            throw new IllegalStateException("transaction already executed or discarded");
        }
    }
}
