package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.ErrorReply;

import java.util.List;
import java.util.Optional;

/**
 * A MULTI/EXEC transaction. Commands queue locally, typed ones with {@link #add} and a
 * {@link RedisCommandFactory} command (the returned {@link RedisResponse} gives the decoded result
 * after a successful {@link #exec()}); {@code exec()} sends MULTI, the commands and EXEC in one
 * socket write. Pair with {@link RedisConnection#watch(String...)} for optimistic locking:
 * {@code exec()} then returns empty when a watched key changed.
 */
public final class RedisTransaction extends CommandQueue<RedisTransaction> {
    private static final RedisCommand<RedisReply> MULTI = RedisCommandFactory.raw("MULTI");
    private static final RedisCommand<RedisReply> EXEC = RedisCommandFactory.raw("EXEC");
    private boolean done;

    RedisTransaction(RedisConnection connection) {
        super(connection);
        MULTI.encodeTo(buffer);
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
        int count = size();
        EXEC.encodeTo(buffer);
        List<RedisReply> replies;
        try {
            replies = connection.sendBatch(buffer, count + 2);
        } catch (RuntimeException e) {
            abandon("the transaction failed: " + e.getMessage());
            throw e;
        }
        buffer.reset();
        RedisReply multi = replies.get(0);
        ErrorReply firstRefusal = null;
        for (int i = 1; i <= count; i++) {
            if (replies.get(i) instanceof ErrorReply e && firstRefusal == null) {
                firstRefusal = e;
            }
        }
        RedisReply exec = replies.get(count + 1);
        if (multi instanceof ErrorReply || exec instanceof ErrorReply) {
            abandon("the transaction failed: " + (multi instanceof ErrorReply ? multi : exec));
            multi.throwIfError();
            ErrorReply e = (ErrorReply) exec;
            throw new RedisServerException(e.code(), e.message(),
                    firstRefusal == null ? "EXEC failed" : "EXEC failed, command " + indexOf(replies, firstRefusal)
                            + " was refused with \"" + firstRefusal.message() + "\"");
        }
        if (exec.isNull()) {
            abandon("the transaction was aborted: a WATCHed key changed");
            return Optional.empty();
        }
        List<RedisReply> results = exec.asList();
        complete(results, 0);
        return Optional.of(results);
    }

    /** Drops the queued commands (nothing was sent) and UNWATCHes any watched keys. */
    public void discard() {
        ensureOpen();
        done = true;
        abandon("the transaction was discarded");
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

    @Override
    RedisTransaction self() {
        return this;
    }

    @Override
    String notYet() {
        return "no result yet: call RedisTransaction.exec() first";
    }

    @Override
    void ensureOpen() {
        if (done) {
            throw new IllegalStateException("transaction already executed or discarded");
        }
    }
}
