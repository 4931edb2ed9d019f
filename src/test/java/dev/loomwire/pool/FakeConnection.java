package dev.loomwire.pool;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in connection for pool tests: an id, a broken flag and a closed flag. */
final class FakeConnection {
    final int id;
    final AtomicBoolean broken = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicBoolean failsValidation = new AtomicBoolean();

    FakeConnection(int id) {
        this.id = id;
    }

    /** Counts opens and closes; can be told to fail opening. */
    static class Factory implements ConnectionFactory<FakeConnection> {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedCount = new AtomicInteger();
        final AtomicInteger validations = new AtomicInteger();
        volatile RuntimeException openFailure;

        @Override
        public FakeConnection open() {
            RuntimeException f = openFailure;
            if (f != null) {
                throw f;
            }
            return new FakeConnection(opened.incrementAndGet());
        }

        @Override
        public boolean isUsable(FakeConnection c) {
            return !c.broken.get() && !c.closed.get();
        }

        @Override
        public boolean validate(FakeConnection c) {
            validations.incrementAndGet();
            return !c.failsValidation.get();
        }

        @Override
        public void close(FakeConnection c) {
            if (c.closed.compareAndSet(false, true)) {
                closedCount.incrementAndGet();
            }
        }
    }
}
