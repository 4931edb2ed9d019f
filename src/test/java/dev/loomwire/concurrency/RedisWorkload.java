package dev.loomwire.concurrency;

import dev.loomwire.redis.RedisClient;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.testing.TestCerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The concurrency suite's Redis workload: many virtual threads, each with its own keys and
 * values, running a mix of single commands, pipelines and transactions through one shared
 * {@link RedisClient}, and checking that every reply is its own.
 */
final class RedisWorkload {
    /** Mismatches (a reply that belongs to someone else or is wrong) and failures (exceptions). */
    record Result(int threads, int commands, List<String> mismatches, List<Throwable> failures, Duration took) {
        String summary() {
            return threads + " threads, " + commands + " commands in " + took.toMillis() + " ms, "
                    + mismatches.size() + " mismatches, " + failures.size() + " failures"
                    + (mismatches.isEmpty() ? "" : "; first mismatch: " + mismatches.get(0))
                    + (failures.isEmpty() ? "" : "; first failure: " + failures.get(0));
        }
    }

    private RedisWorkload() {}

    static String tlsUri(dev.loomwire.testing.RedisServer server) {
        return "rediss://" + dev.loomwire.testing.RedisServer.USER + ":" + dev.loomwire.testing.RedisServer.PASSWORD
                + "@localhost:" + server.tlsPort() + "?sslrootcert=" + TestCerts.file("ca.crt");
    }

    static Result run(RedisClient client, int threads, String prefix) throws InterruptedException {
        AtomicInteger commands = new AtomicInteger();
        ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        List<Thread> all = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int n = i;
            all.add(Thread.ofVirtual().name("workload-" + n).start(() -> {
                try {
                    oneCaller(client, prefix + ":" + n, commands, mismatches);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        return new Result(threads, commands.get(), List.copyOf(mismatches), List.copyOf(failures),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void oneCaller(RedisClient client, String me, AtomicInteger commands, ConcurrentLinkedQueue<String> mismatches) {
        String value = "value-of-" + me;
        client.set(me, value);
        check(mismatches, me, "GET", value, client.get(me));
        for (int k = 1; k <= 3; k++) {
            check(mismatches, me, "INCR", (long) k, client.incr(me + ":n"));
        }
        client.hset(me + ":h", Map.of("owner", me));
        check(mismatches, me, "HGET", me, client.hget(me + ":h", "owner"));
        check(mismatches, me, "ECHO", me, client.command("ECHO", me).asString());
        List<RedisReply> piped = client.pipeline(p -> p.command("SET", me + ":p", me).command("GET", me + ":p").command("INCR", me + ":n"));
        check(mismatches, me, "pipelined GET", me, piped.get(1).asString());
        check(mismatches, me, "pipelined INCR", 4L, piped.get(2).asLong());
        Optional<List<RedisReply>> tx = client.transaction(t -> t.command("RPUSH", me + ":l", me).command("LRANGE", me + ":l", "0", "-1"));
        check(mismatches, me, "MULTI LRANGE", List.of(me), tx.orElseThrow().get(1).asList().stream().map(RedisReply::asString).toList());
        check(mismatches, me, "DEL", 4L, client.del(me + ":n", me + ":h", me + ":p", me + ":l"));
        check(mismatches, me, "GET after", value, client.get(me));
        commands.addAndGet(13 + 3 + 4);
    }

    private static void check(ConcurrentLinkedQueue<String> mismatches, String me, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            mismatches.add(me + " " + what + ": expected " + expected + " but got " + actual);
        }
    }
}
