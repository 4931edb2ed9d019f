package dev.loomwire.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Where the keys of a raw command are, as the server itself says in {@code COMMAND INFO}
 * (first/last/step and flags, sub-commands included), asked once per command name and cached;
 * commands with {@code movablekeys} ask {@code COMMAND GETKEYS} each time, except the
 * EVAL/FCALL family whose {@code numkeys} argument is read here.
 */
final class ClusterCommandKeys {
    /** What routing needs to know about one command. */
    record Spec(String name, int first, int last, int step, Set<String> flags, Map<String, Spec> subcommands) {
        static final Spec UNKNOWN = new Spec("", 0, 0, 0, Set.of(), Map.of());

        boolean readOnly() {
            return flags.contains("readonly");
        }

        boolean movable() {
            return flags.contains("movablekeys");
        }
    }

    private static final Set<String> NUMKEYS_AT_2 = Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro");

    private final ConcurrentHashMap<String, CompletableFuture<Spec>> specs = new ConcurrentHashMap<>();

    /** The spec of {@code args[0]} (and sub-command); {@code server} runs a keyless command on some node. */
    Spec spec(Object[] args, Function<Object[], RedisReply> server) {
        String name = text(args[0]).toLowerCase(Locale.ROOT);
        CompletableFuture<Spec> f = specs.get(name);
        if (f == null) {
            CompletableFuture<Spec> mine = new CompletableFuture<>();
            f = specs.putIfAbsent(name, mine);
            if (f == null) {
                f = mine;
                try {
                    mine.complete(parse(server.apply(new Object[] {"COMMAND", "INFO", name})));
                } catch (RuntimeException e) {
                    specs.remove(name, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }
        Spec spec;
        try {
            spec = f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause().toString(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while asking the cluster about command " + name, e);
        }
        if (!spec.subcommands().isEmpty() && args.length > 1) {
            Spec sub = spec.subcommands().get(name + "|" + text(args[1]).toLowerCase(Locale.ROOT));
            if (sub != null) {
                return sub;
            }
        }
        return spec;
    }

    /** Indexes of the key arguments of {@code args}. */
    List<Integer> keyIndexes(Spec spec, Object[] args, Function<Object[], RedisReply> server) {
        List<Integer> out = new ArrayList<>();
        if (spec.movable()) {
            if (NUMKEYS_AT_2.contains(spec.name()) && args.length > 2) {
                int n = (int) Long.parseLong(text(args[2]));
                for (int i = 3; i < 3 + n && i < args.length; i++) {
                    out.add(i);
                }
                return out;
            }
            return getKeys(args, server);
        }
        if (spec.first() <= 0) {
            return out;
        }
        int last = spec.last() < 0 ? args.length + spec.last() : spec.last();
        int step = Math.max(1, spec.step());
        for (int i = spec.first(); i <= last && i < args.length; i += step) {
            out.add(i);
        }
        return out;
    }

    /** COMMAND GETKEYS, mapped back to argument indexes (the first occurrence of each key, in order). */
    private static List<Integer> getKeys(Object[] args, Function<Object[], RedisReply> server) {
        Object[] ask = new Object[args.length + 2];
        ask[0] = "COMMAND";
        ask[1] = "GETKEYS";
        System.arraycopy(args, 0, ask, 2, args.length);
        List<Integer> out = new ArrayList<>();
        RedisReply reply;
        try {
            reply = server.apply(ask);
        } catch (RedisServerException e) {
            return out; // "The command has no key arguments"
        }
        int from = 1;
        for (RedisReply key : reply.asList()) {
            byte[] k = key.asBytes();
            for (int i = from; i < args.length; i++) {
                if (java.util.Arrays.equals(k, bytes(args[i]))) {
                    out.add(i);
                    from = i + 1;
                    break;
                }
            }
        }
        return out;
    }

    static Spec parse(RedisReply info) {
        List<RedisReply> all = info.asList();
        if (all == null || all.isEmpty() || all.get(0).isNull()) {
            return Spec.UNKNOWN;
        }
        return parseOne(all.get(0));
    }

    private static Spec parseOne(RedisReply r) {
        List<RedisReply> f = r.asList();
        Set<String> flags = new java.util.HashSet<>();
        for (RedisReply flag : f.get(2).asList()) {
            flags.add(flag.asString().toLowerCase(Locale.ROOT));
        }
        Map<String, Spec> subs = new HashMap<>();
        if (f.size() > 9 && !f.get(9).isNull()) {
            for (RedisReply sub : f.get(9).asList()) {
                Spec s = parseOne(sub);
                subs.put(s.name(), s);
            }
        }
        return new Spec(f.get(0).asString().toLowerCase(Locale.ROOT), (int) f.get(3).asLong(), (int) f.get(4).asLong(),
                (int) f.get(5).asLong(), Set.copyOf(flags), Map.copyOf(subs));
    }

    static String text(Object arg) {
        return arg instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(arg);
    }

    /** Arguments as byte arrays (text as UTF-8, numbers as decimal text). */
    static byte[][] asBytes(Object[] args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            out[i] = bytes(args[i]);
        }
        return out;
    }

    static byte[] bytes(Object arg) {
        return arg instanceof byte[] b ? b : String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
    }
}
