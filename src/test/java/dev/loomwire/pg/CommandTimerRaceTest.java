package dev.loomwire.pg;

import dev.loomwire.pool.PoolSettings;
import dev.loomwire.pool.PoolStats;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.TestCerts;
import dev.loomwire.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command timer's kill (close the connection one timeout after the cancel) and the end of
 * the call are one decision: the pool never lends a connection that the timer then closes under
 * the next borrower. The timer is driven by hand (a scheduler whose actions the test runs), so
 * every interleaving here is chosen, not slept into.
 */
class CommandTimerRaceTest {
    private static final PgServer SERVER = TestServers.pg18();

    /** Records what the timer arms; the test runs an action when it chooses. */
    private static final class ManualScheduler implements CommandTimer.Scheduler {
        private record Armed(Runnable action, CompletableFuture<Void> future) {}

        private final List<Armed> armed = new CopyOnWriteArrayList<>();

        @Override
        public Future<?> schedule(Runnable action, long delayNanos) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            armed.add(new Armed(action, f));
            return f;
        }

        /** Runs the {@code i}-th armed action on this thread, as the timer would once its delay passed. */
        void fire(int i) {
            armed.get(i).action().run();
        }

        int count() {
            return armed.size();
        }

        boolean disarmed(int i) {
            return armed.get(i).future().isCancelled();
        }

        @Override
        public void shutdown() {
        }
    }

    private static PgConfig config() throws Exception {
        Path home = Files.createTempDirectory("loomwire-home");
        return PgConfig.builder().environment(Map.of("HOME", home.toString(), "USER", "nobody"))
                .conninfo("host=localhost port=" + SERVER.port() + " user=" + PgServer.USER + " password=" + PgServer.PASSWORD
                        + " dbname=loomwire connect_timeout=10 sslmode=verify-full sslrootcert=" + TestCerts.file("ca.crt"))
                .build();
    }

    private static int pid(PgConnection c) {
        return c.query("SELECT pg_backend_pid()").single().getInt(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCallEndingWhileTheKillIsDecidedWaitsAndItsConnectionIsNeverLentAgain() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        CountDownLatch killDecided = new CountDownLatch(1);
        CountDownLatch killMayClose = new CountDownLatch(1);
        CommandTimer timer = new CommandTimer(Duration.ofSeconds(1), "test", scheduler, () -> {
            killDecided.countDown();
            await(killMayClose);
        });
        try (PgPool pool = PgPool.create(config(), PoolSettings.builder().maxSize(1).build(), timer)) {
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch callMayEnd = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    outcome.set(pool.withConnection(c -> {
                        int pid = pid(c);
                        inCall.countDown();
                        await(callMayEnd);
                        return pid;
                    }));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            inCall.await();
            scheduler.fire(0); // the timeout: CancelRequest (the session is idle in our code: nothing to cancel)
            assertEquals(2, scheduler.count(), "the cancel armed the kill");
            Thread killer = Thread.ofVirtual().start(() -> scheduler.fire(1));
            killDecided.await();
            callMayEnd.countDown(); // the call ends right between the kill's decision and its close
            while (caller.getState() != Thread.State.WAITING && caller.isAlive()) {
                Thread.onSpinWait();
            }
            assertTrue(caller.isAlive(), "the call must not hand its connection back while the kill is in flight");
            assertEquals(new PoolStats(1, 0, 1, 0, 0), pool.stats(), "still lent: nobody else can get it");
            killMayClose.countDown();
            killer.join();
            caller.join();
            int killedPid = assertInstanceOf(Integer.class, outcome.get(), "the statement itself completed");
            int next = pool.withConnection(CommandTimerRaceTest::pid);
            assertNotEquals(killedPid, next, "the killed session was discarded, not lent");
            assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void aCallThatEndsBeforeTheKillKeepsItsConnectionAndTheKillYields() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        CommandTimer timer = new CommandTimer(Duration.ofSeconds(1), "test", scheduler, () -> { });
        try (PgPool pool = PgPool.create(config(), PoolSettings.builder().maxSize(1).build(), timer)) {
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch callMayEnd = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> outcome.set(pool.withConnection(c -> {
                int pid = pid(c);
                inCall.countDown();
                await(callMayEnd);
                return pid;
            })));
            inCall.await();
            scheduler.fire(0);
            callMayEnd.countDown();
            caller.join();
            assertTrue(scheduler.disarmed(1), "the call's end disarmed the kill");
            scheduler.fire(1); // a kill that fires anyway (already queued) must yield
            int pid = (Integer) outcome.get();
            assertEquals(pid, (int) pool.withConnection(CommandTimerRaceTest::pid), "same session, still open");
        }
    }

    @Test
    void callsEndingExactlyWhenTheKillFiresNeverHandAClosedConnectionToTheNextCaller() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        CommandTimer timer = new CommandTimer(Duration.ofSeconds(1), "test", scheduler, () -> { });
        try (PgPool pool = PgPool.create(config(), PoolSettings.builder().maxSize(1).build(), timer)) {
            for (int round = 0; round < 30; round++) {
                int first = scheduler.count();
                CountDownLatch inCall = new CountDownLatch(1);
                CountDownLatch go = new CountDownLatch(1);
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread caller = Thread.ofVirtual().start(() -> {
                    try {
                        pool.withConnection(c -> {
                            pid(c);
                            inCall.countDown();
                            await(go);
                            return null;
                        });
                    } catch (Throwable t) {
                        failed.set(t);
                    }
                });
                inCall.await();
                scheduler.fire(first);
                Thread killer = Thread.ofVirtual().start(() -> {
                    await(go);
                    scheduler.fire(first + 1);
                });
                go.countDown(); // the call's end and the kill race
                caller.join();
                killer.join();
                assertNull(failed.get(), "the work finished before the kill closed anything");
                assertEquals(1, (int) pool.withConnection(c -> c.query("SELECT 1").single().getInt(0)),
                        "round " + round + ": the next caller got a working connection");
                assertEquals(new PoolStats(1, 1, 0, 0, 0), pool.stats());
            }
        }
    }
}
