package dev.loomwire.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary started like every test server, and a standby made from its base backup: with
 * {@code pg_basebackup -R} where the binaries have it (Debian's 15), otherwise with the low-level
 * backup API ({@code pg_backup_start}, a file copy, {@code pg_backup_stop}, {@code backup_label},
 * {@code standby.signal}, {@code primary_conninfo}) - zonky's 18 ships no pg_basebackup.
 */
final class LocalPgPair implements PgPair {
    private static final Logger log = LoggerFactory.getLogger(LocalPgPair.class);
    static final String STANDBY_READY = "database system is ready to accept read-only connections";
    private static final String PRIMARY_READY = "database system is ready to accept connections";

    private final LocalPgServer primary;
    private final LocalPgServer standby;
    private final List<Long> frozen = new ArrayList<>();

    private LocalPgPair(LocalPgServer primary, LocalPgServer standby) {
        this.primary = primary;
        this.standby = standby;
    }

    static LocalPgPair start(String name, int major, Path binDir, Path dir) {
        long t0 = System.nanoTime();
        LocalPgServer primary = LocalPgServer.start(name + "-primary", major, binDir, dir.resolve("primary"),
                List.of("loomwire", "trustdb"));
        try {
            Path standbyData = dir.resolve("standby").resolve("data");
            Files.createDirectories(standbyData.getParent());
            LocalMachine.giveToPgUser(standbyData.getParent());
            long t1 = System.nanoTime();
            baseBackup(primary, binDir, standbyData);
            long t2 = System.nanoTime();
            LocalPgServer standby = startStandby(name + "-standby", major, binDir, standbyData);
            LocalPgPair pair = new LocalPgPair(primary, standby);
            pair.awaitStreaming();
            log.info("{}: primary {} ms, base backup {} ms, standby streaming {} ms", name, (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            return pair;
        } catch (IOException e) {
            primary.stop();
            throw new UncheckedIOException("cannot prepare the standby of " + name, e);
        } catch (RuntimeException e) {
            primary.stop();
            throw e;
        }
    }

    private static LocalPgServer startStandby(String name, int major, Path binDir, Path data) {
        for (int attempt = 1; ; attempt++) {
            try {
                return LocalPgServer.startExisting(name, major, binDir, data, FreePorts.next(), STANDBY_READY);
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** The replication connection the standby uses: TLS, verify-full against the test CA, as the superuser. */
    private static String primaryConninfo(PgServer primary, Path standbyData) {
        return "host=localhost hostaddr=" + primary.host() + " port=" + primary.port() + " user=" + PgServer.SUPERUSER
                + " password=" + PgServer.SUPERUSER_PASSWORD + " sslmode=verify-full sslrootcert="
                + standbyData.resolve("ca.crt") + " application_name=standby";
    }

    private static void baseBackup(LocalPgServer primary, Path binDir, Path standbyData) throws IOException {
        Path pgBasebackup = binDir.resolve("pg_basebackup");
        if (Files.isExecutable(pgBasebackup)) {
            String conninfo = primaryConninfo(primary, primary.dataDir()).replace(" application_name=standby", "");
            Exec.run(LocalMachine.asPgUser(List.of(pgBasebackup.toString(), "-D", standbyData.toString(), "-R",
                    "-X", "stream", "-c", "fast", "--no-sync", "-d", conninfo)), Map.of(), null, Duration.ofMinutes(2))
                    .check("pg_basebackup");
            // -R wrote primary_conninfo with pg_basebackup's own settings; the copied ca.crt path is the primary's
            Files.writeString(standbyData.resolve("postgresql.auto.conf"), "primary_conninfo = '"
                    + primaryConninfo(primary, standbyData) + "'\n", StandardOpenOption.APPEND);
            return;
        }
        Path labelFile = standbyData.resolve("backup_label");
        String copy = "mkdir -p " + standbyData + " && chmod 700 " + standbyData + " && tar -C " + primary.dataDir()
                + " --exclude=./postmaster.pid --exclude=./postmaster.opts --exclude='./pg_wal/*' --exclude=./server.log"
                + " --exclude=./server.pid --exclude='./.s.PGSQL.*' -cf - . | tar -C " + standbyData + " -xf -";
        String script = String.join("\n",
                "SELECT pg_backup_start('loomwire-standby', true);",
                "\\! " + copy,
                "\\o " + labelFile,
                "SELECT labelfile FROM pg_backup_stop(false);",
                "\\o",
                "");
        // one session: pg_backup_stop must run in the session that started the backup
        Exec.run(LocalMachine.asPgUser(List.of(PgBinaries.psql().toString(), "-X", "-q", "-A", "-t",
                        "-v", "ON_ERROR_STOP=1", "-h", primary.host(), "-p", Integer.toString(primary.port()),
                        "-U", PgServer.SUPERUSER, "-d", "postgres", "-f", "-")),
                Map.of("PGPASSWORD", PgServer.SUPERUSER_PASSWORD, "PGSSLMODE", "disable"),
                script.getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofMinutes(2))
                .check("base backup of " + primary + " with pg_backup_start/pg_backup_stop");
        Files.createDirectories(standbyData.resolve("pg_wal/archive_status"));
        Files.writeString(standbyData.resolve("standby.signal"), "");
        Files.writeString(standbyData.resolve("postgresql.auto.conf"), "primary_conninfo = '"
                + primaryConninfo(primary, standbyData) + "'\n", StandardOpenOption.APPEND);
        chownTree(standbyData);
    }

    private static void chownTree(Path dir) {
        if (LocalMachine.isRoot()) {
            Exec.run(List.of("chown", "-R", LocalMachine.PG_USER + ":" + LocalMachine.PG_USER, dir.toString()),
                    Duration.ofMinutes(1)).check("chown of " + dir);
        }
    }

    private void awaitStreaming() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<String> out = standby.psql("postgres", "SELECT status FROM pg_stat_wal_receiver");
            if (out.contains("streaming")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(standby + " is not streaming from " + primary + " after 60 s; last lines"
                        + " of its log:\n" + ServerProcess.tail(standby.logFile(), 0, 30));
            }
            ServerProcess.sleep(20);
        }
    }

    @Override
    public PgServer primary() {
        return primary;
    }

    @Override
    public PgServer standby() {
        return standby;
    }

    @Override
    public void promoteStandby() {
        standby.psql("postgres", "SELECT pg_promote(true, 30)");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!standby.psql("postgres", "SELECT pg_is_in_recovery()").equals(List.of("f"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(standby + " still in recovery 30 s after pg_promote()");
            }
            ServerProcess.sleep(20);
        }
    }

    @Override
    public void stopPrimary() {
        thawPrimary();
        primary.stop();
    }

    @Override
    public void freezePrimary() {
        List<Long> pids = new ArrayList<>();
        pids.add(primary.pid());
        ProcessHandle.of(primary.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        signal("STOP", pids);
        frozen.addAll(pids);
    }

    @Override
    public void thawPrimary() {
        if (!frozen.isEmpty()) {
            signal("CONT", frozen);
            frozen.clear();
        }
    }

    private static void signal(String signal, List<Long> pids) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        Exec.run(cmd, Duration.ofSeconds(10)).check("kill -" + signal);
    }

    @Override
    public void restartPrimary() {
        thawPrimary();
        primary.restart(PRIMARY_READY);
    }

    @Override
    public void close() {
        thawPrimary();
        Thread a = Thread.ofVirtual().start(standby::stop);
        primary.stop();
        try {
            a.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "pair " + primary + " -> " + standby;
    }
}
