package dev.loomwire.concurrency;

import dev.loomwire.pg.PgPool;
import dev.loomwire.pool.PoolSettings;
import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.testing.PgServer;
import dev.loomwire.testing.RedisServer;
import dev.loomwire.testing.TestServers;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs the concurrency suite's workloads (Redis pooled and multiplexed, and PostgreSQL, over TLS
 * with 1,000 virtual threads each) and its Redis and PostgreSQL fault scenarios under a JFR recording of
 * {@code jdk.VirtualThreadPinned} with threshold 0, and fails on any pinning event whose stack
 * has a frame of the library's main code. The source rules ({@code synchronized}, wait/notify,
 * ThreadLocal) are checked by {@code HouseRulesTest}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NoPinningTest {
    private static final Logger log = LoggerFactory.getLogger(NoPinningTest.class);

    @Test
    void concurrencyWorkloadsNeverPinACarrierInLibraryCode() throws Exception {
        RedisServer redis = TestServers.redis();
        PgServer pg = TestServers.pg18();
        String table = "pin_test_" + UUID.randomUUID().toString().replace("-", "");
        try (RedisClient client = RedisClient.createPooled(RedisWorkload.tlsUri(redis), PoolSettings.builder().maxSize(32).build());
             PgPool pool = PgPool.create(PgWorkload.config(pg, pg.port(), ""),
                     PoolSettings.builder().maxSize(20).acquireTimeout(Duration.ofSeconds(60)).build(), Duration.ofSeconds(30));
             RedisClient shared = RedisClient.create(RedisConfig.fromUri(RedisWorkload.tlsUri(redis)),
                     PoolSettings.builder().maxSize(8).acquireTimeout(Duration.ofSeconds(30)).build())) {
            PgWorkload.createTable(pool, table);
            // warm up: class loading and initialization are not what this test is about
            RedisWorkload.run(client, 20, "pin-warmup");
            RedisWorkload.run(shared, 20, "pin-warmup");
            PgWorkload.run(pool, table, 20, "pin-warmup");

            Path jfr = Path.of(System.getProperty("loomwire.target", "target"), "no-pinning.jfr");
            try (Recording recording = new Recording()) {
                recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
                recording.start();
                RedisWorkload.Result r = RedisWorkload.run(client, 1000, "pin-" + UUID.randomUUID());
                assertTrue(r.mismatches().isEmpty() && r.failures().isEmpty(), r.summary());
                RedisWorkload.Result m = RedisWorkload.run(shared, 1000, "pin-mux-" + UUID.randomUUID());
                assertTrue(m.mismatches().isEmpty() && m.failures().isEmpty(), m.summary());
                PgWorkload.Result p = PgWorkload.run(pool, table, 1000, "pin-" + UUID.randomUUID());
                assertTrue(p.mismatches().isEmpty() && p.failures().isEmpty(), p.summary());
                runFaultScenarios();
                Thread.ofVirtual().start(PinsInItsInitializer::touch).join(); // proves the recording sees pinning
                recording.stop();
                recording.dump(jfr);
            }

            List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
            List<String> ours = new ArrayList<>();
            for (RecordedEvent e : events) {
                if (e.getStackTrace() != null && e.getStackTrace().getFrames().stream().anyMatch(NoPinningTest::isLibraryFrame)) {
                    if (isClassLoading(e)) {
                        log.info("pinned by the JDK's class loading, not by library code: {}", describe(e));
                    } else if (isJdkMonitor(e)) {
                        log.info("pinned on a monitor inside the JDK, not in library code: {}", describe(e));
                    } else {
                        ours.add(describe(e));
                    }
                }
            }
            log.info("{} jdk.VirtualThreadPinned events in total (one deliberate), {} in library code ({} kB recording)",
                    events.size(), ours.size(), Files.size(jfr) / 1024);
            assertTrue(events.stream().anyMatch(e -> e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                    .anyMatch(f -> f.getMethod().getType().getName().endsWith("PinsInItsInitializer"))),
                    "the recording missed the deliberate pin in a class initializer: is the event enabled?");
            assertEquals(List.of(), ours, "virtual threads pinned in library code");
        } finally {
            try (PgPool cleanup = PgPool.create(PgWorkload.config(pg, pg.port(), ""), PoolSettings.builder().maxSize(1).build(), Duration.ZERO)) {
                cleanup.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** One test method of a fault test class, run with that class's set-up and tear-down. */
    private interface Scenario<T> {
        void run(T test) throws Exception;
    }

    /** The Redis and PostgreSQL fault tests (kills, resets mid TLS record, stalls, silent peers, cuts under load). */
    private static void runFaultScenarios() throws Exception {
        List<Scenario<RedisFaultTest>> redis = List.of(RedisFaultTest::serverKilledInTheMiddleOfABlockingCommand,
                RedisFaultTest::connectionResetInTheMiddleOfATlsRecord, RedisFaultTest::stalledTlsHandshakeEndsAtTheConnectTimeout,
                RedisFaultTest::silentServerAfterTcpConnectEndsAtTheConnectTimeoutNotTheReadTimeout,
                RedisFaultTest::peerThatStopsAnsweringEndsAtTheReadTimeout, RedisFaultTest::connectionCutsWhileThousandVirtualThreadsAreBusy);
        for (Scenario<RedisFaultTest> scenario : redis) {
            RedisFaultTest test = new RedisFaultTest();
            test.startProxy();
            try {
                scenario.run(test);
            } finally {
                test.stopProxy();
            }
        }
        RedisMultiplexedClientTest multiplexed = new RedisMultiplexedClientTest();
        multiplexed.killedSharedConnectionFailsItsCallersAndIsReplaced();
        multiplexed.silentServerFailsEveryWaitingCallerAtTheReadTimeout();
        PgFaultTest.createTable();
        try {
            List<Scenario<PgFaultTest>> pg = List.of(PgFaultTest::backendKilledInTheMiddleOfAQuery,
                    PgFaultTest::connectionCutInTheMiddleOfAQuery, PgFaultTest::connectionResetInTheMiddleOfATlsRecord,
                    PgFaultTest::stalledTlsHandshakeEndsAtTheConnectTimeout,
                    PgFaultTest::peerThatStopsAnsweringIsCancelledThenClosedByTheCommandTimeout,
                    PgFaultTest::connectionCutsWhileThousandVirtualThreadsAreBusy);
            for (Scenario<PgFaultTest> scenario : pg) {
                PgFaultTest test = new PgFaultTest();
                test.startProxy();
                try {
                    scenario.run(test);
                } finally {
                    test.stopProxy();
                }
            }
        } finally {
            PgFaultTest.dropTable();
        }
    }

    /** Blocking in a class initializer pins a virtual thread on every JDK so far: the recording's self-check. */
    static final class PinsInItsInitializer {
        static {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
            // loading the class runs the initializer
        }
    }

    /** Where the main classes were loaded from (target/classes, or a jar). */
    private static final Path MAIN_CLASSES = mainClasses();

    private static Path mainClasses() {
        try {
            return Path.of(dev.loomwire.pool.ConnectionPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A frame of a class compiled from src/main/java (lambdas and nested classes count as their outer class). */
    private static boolean isLibraryFrame(RecordedFrame f) {
        String name = f.getMethod() == null ? "" : f.getMethod().getType().getName();
        if (!name.startsWith("dev.loomwire.")) {
            return false;
        }
        int nested = name.indexOf('$');
        String outer = nested < 0 ? name : name.substring(0, nested);
        return Files.isRegularFile(MAIN_CLASSES.resolve(outer.replace('.', '/') + ".class"));
    }

    /** First-time class loading and initialization pin on every JDK so far; the warm-up avoids most of it. */
    private static boolean isClassLoading(RecordedEvent e) {
        if (e.hasField("pinnedReason") && String.valueOf((Object) e.getValue("pinnedReason")).contains("initialization")) {
            return true; // JDK 24+: "Waited for initialization of <class> by another thread"
        }
        return e.getStackTrace().getFrames().stream().anyMatch(f -> f.getMethod() != null
                && (f.getMethod().getName().equals("<clinit>") || f.getMethod().getType().getName().equals("java.lang.ClassLoader")
                        && f.getMethod().getName().equals("loadClass")));
    }

    /**
     * A monitor entered by JDK code itself (the topmost frame is the JDK's): on JDK 25 a contended
     * monitor enter unmounts unless a native frame is on the stack ("Freeze or preempt failed"),
     * e.g. while CompletableFuture builds an ExecutionException. Library code has no monitors
     * (HouseRulesTest bans synchronized), so a monitor pin always starts in the JDK; what counts
     * is whether the JDK was asked to block there by library code, which the frames below show
     * only as a caller. Seen once in a full run; logged, not counted.
     */
    private static boolean isJdkMonitor(RecordedEvent e) {
        if (!e.hasField("blockingOperation") || !String.valueOf((Object) e.getValue("blockingOperation")).contains("monitor")) {
            return false;
        }
        var frames = e.getStackTrace().getFrames();
        if (frames.isEmpty() || frames.get(0).getMethod() == null) {
            return false;
        }
        String top = frames.get(0).getMethod().getType().getName();
        return top.startsWith("java.") || top.startsWith("jdk.") || top.startsWith("sun.");
    }

    private static String describe(RecordedEvent e) {
        StringBuilder s = new StringBuilder("pinned for " + e.getDuration().toNanos() / 1000 + " us");
        for (var field : e.getFields()) {
            if (!List.of("startTime", "duration", "eventThread", "stackTrace").contains(field.getName())) {
                s.append(", ").append(field.getName()).append('=').append(e.getValue(field.getName()) instanceof Object v ? v : "null");
            }
        }
        s.append(':');
        e.getStackTrace().getFrames().stream().limit(25).forEach(f ->
                s.append("\n    at ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                        .append(':').append(f.getLineNumber()));
        return s.toString();
    }
}
