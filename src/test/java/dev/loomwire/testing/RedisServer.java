package dev.loomwire.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis server started for the tests (see {@link TestServers}) on 127.0.0.1: TLS with
 * {@code server.crt} and {@code tls-ca-cert-file ca.crt}, ACL user {@value #USER} (password
 * {@value #PASSWORD}, {@code ~* &* +@all}); the default user has no password.
 */
public interface RedisServer extends AutoCloseable {
    String USER = "loomwire";
    String PASSWORD = "loomwire-pw";

    /** Always "127.0.0.1". */
    String host();

    /** The plain-text port, -1 if this server has none. */
    int plainPort();

    int tlsPort();

    /** The server's log file. */
    Path logFile();

    /** This server's log so far. */
    String log();

    /** Stops a server from {@link TestServers#startRedis}; a no-op for the shared ones. */
    @Override
    void close();

    /**
     * How to configure an extra server. Certificate file names are looked up with
     * {@link TestCerts#file}; absolute paths are used as they are (e.g. a copy a test rewrites to
     * test {@code CONFIG SET} reloads).
     *
     * @param tlsAuthClients {@code yes}, {@code optional} or {@code no}
     * @param extraConfig    further redis.conf lines, appended last
     */
    record Options(String certFile, String keyFile, String caFile, String tlsAuthClients, boolean plainPort,
                   List<String> extraConfig) {
        public Options {
            extraConfig = List.copyOf(extraConfig);
        }

        /** server.crt/server.key, ca.crt, tls-auth-clients optional, plain port on: like {@link TestServers#redis()}. */
        public static Options defaults() {
            return new Options("server.crt", "server.key", "ca.crt", "optional", true, List.of());
        }

        /** e.g. {@code withCertificate("server-expired.crt", "server-expired.key")}. */
        public Options withCertificate(String cert, String key) {
            return new Options(cert, key, caFile, tlsAuthClients, plainPort, extraConfig);
        }

        public Options withCaFile(String ca) {
            return new Options(certFile, keyFile, ca, tlsAuthClients, plainPort, extraConfig);
        }

        public Options withTlsAuthClients(String value) {
            return new Options(certFile, keyFile, caFile, value, plainPort, extraConfig);
        }

        public Options withPlainPort(boolean on) {
            return new Options(certFile, keyFile, caFile, tlsAuthClients, on, extraConfig);
        }

        /** Adds redis.conf lines, e.g. {@code "tls-protocols TLSv1.2"}. */
        public Options withConfig(String... lines) {
            List<String> all = new ArrayList<>(extraConfig);
            all.addAll(List.of(lines));
            return new Options(certFile, keyFile, caFile, tlsAuthClients, plainPort, all);
        }
    }
}
