package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A redis-server of ours, configured by a redis.conf written into its own directory. */
final class LocalRedisServer implements RedisServer {
    static final String HOST = "127.0.0.1";

    /** Replication over TLS that starts at once: replicas present the client certificate, no diskless-sync delay. */
    static List<String> tlsReplicationSettings() {
        return List.of(
                "tls-replication yes",
                "tls-client-cert-file " + TestCerts.file("client.crt"),
                "tls-client-key-file " + TestCerts.file("client.key"),
                "repl-diskless-sync yes",
                "repl-diskless-sync-delay 0",
                "repl-ping-replica-period 1");
    }
    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    private static final String READY = "Ready to accept connections";
    /** What a Sentinel logs once it monitors its master (it never logs {@link #READY}). */
    private static final String SENTINEL_READY = "+monitor master";

    private final String name;
    private final ServerProcess process;
    private final int plainPort;
    private final int tlsPort;
    private final boolean shared;
    private final boolean sentinel;

    private LocalRedisServer(String name, ServerProcess process, int plainPort, int tlsPort, boolean shared, boolean sentinel) {
        this.sentinel = sentinel;
        this.name = name;
        this.process = process;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
        this.shared = shared;
    }

    static LocalRedisServer start(String name, Options options, Path dir, boolean shared) {
        return start(name, options, dir, shared, List::of);
    }

    /**
     * Like {@link #start(String, Options, Path, boolean)}; {@code portLines} gives further redis.conf
     * lines for each attempt, e.g. a freshly chosen {@code cluster-port}.
     */
    static LocalRedisServer start(String name, Options options, Path dir, boolean shared, Supplier<List<String>> portLines) {
        return start(name, options, dir, shared, portLines, false);
    }

    /** A Sentinel ({@code redis-server redis.conf --sentinel}); {@code options} carry its {@code sentinel ...} lines. */
    static LocalRedisServer startSentinel(String name, Options options, Path dir) {
        return start(name, options, dir, true, List::of, true);
    }

    private static LocalRedisServer start(String name, Options options, Path dir, boolean shared, Supplier<List<String>> portLines,
                                          boolean sentinel) {
        Path conf = dir.resolve("redis.conf");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        for (int attempt = 1; ; attempt++) {
            int plain = options.plainPort() ? FreePorts.next() : -1;
            int tls = FreePorts.next();
            try {
                Files.writeString(conf, config(options.withConfig(portLines.get().toArray(String[]::new)), dir, plain, tls));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + conf, e);
            }
            try {
                return launch(name, dir, plain, tls, shared, sentinel);
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("Address already in use") || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Starts redis-server on the redis.conf already in {@code dir}; fails with the log's last lines if it exits. */
    private static LocalRedisServer launch(String name, Path dir, int plain, int tls, boolean shared, boolean sentinel) {
        Path binary = redisServer();
        Path conf = dir.resolve("redis.conf");
        Path logFile = dir.resolve("redis.log");
        List<String> command = sentinel ? List.of(binary.toString(), conf.toString(), "--sentinel")
                : List.of(binary.toString(), conf.toString());
        ServerProcess process = ServerProcess.start(name, command, dir, logFile, "TERM");
        if (process.awaitLog(sentinel ? SENTINEL_READY : READY, Duration.ofSeconds(30))) {
            return new LocalRedisServer(name, process, plain, tls, shared, sentinel);
        }
        process.stop(Duration.ofSeconds(5));
        throw new IllegalStateException(name + " (" + binary + " " + conf + ") exited during startup; last lines of "
                + logFile + ":\n" + process.logTail(30));
    }

    /** Sends SIGKILL to the server (not its watchdog) and waits until it is gone: a crash, nothing saved. */
    void kill() {
        process.kill();
    }

    /** The same server started again on the same configuration, ports and directory, after {@link #kill()} or {@link #stop()}. */
    LocalRedisServer restarted() {
        process.stop(Duration.ofSeconds(10));
        return launch(name, process.logFile().getParent(), plainPort, tlsPort, shared, sentinel);
    }

    boolean isRunning() {
        return process.isRunning();
    }

    private static Path redisServer() {
        if (Files.isExecutable(REDIS_SERVER)) {
            return REDIS_SERVER;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("redis-server not found: apt-get install -y redis-server");
    }

    private static String config(Options o, Path dir, int plain, int tls) {
        List<String> lines = new ArrayList<>(List.of(
                "# written by dev.loomwire.testing.LocalRedisServer",
                "bind " + HOST,
                "port " + Math.max(plain, 0),
                "tls-port " + tls,
                "tls-cert-file " + certPath(o.certFile()),
                "tls-key-file " + certPath(o.keyFile()),
                "tls-ca-cert-file " + certPath(o.caFile()),
                "tls-auth-clients " + o.tlsAuthClients(),
                "daemonize no",
                "protected-mode no",
                "dir " + dir,
                "logfile \"\"",
                "loglevel notice",
                "save \"\"",
                "appendonly no",
                "user " + USER + " on >" + PASSWORD + " ~* &* +@all"));
        lines.addAll(o.extraConfig());
        return String.join("\n", lines) + "\n";
    }

    private static String certPath(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        return (p.isAbsolute() ? p : TestCerts.file(nameOrPath)).toString();
    }

    /** Stops the server whatever {@link #close()} does for shared servers. */
    void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (!shared) {
            stop();
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int plainPort() {
        return plainPort;
    }

    @Override
    public int tlsPort() {
        return tlsPort;
    }

    @Override
    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String log() {
        return process.log();
    }

    @Override
    public String toString() {
        return name + " (Redis on " + HOST + (plainPort > 0 ? ", plain port " + plainPort : "") + ", TLS port " + tlsPort + ")";
    }
}
