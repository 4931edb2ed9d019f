package dev.loomwire.testcontainers;

import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis container serving TLS only: at start a throw-away CA signs a server certificate for
 * the host the test connects to, and Redis runs with {@code --port 0 --tls-port}; {@link #redisConfig()}
 * and {@link #redisUri()} connect with full verification against that CA, presenting the client
 * certificate ({@link #withTlsAuthClients} decides whether Redis asks for one).
 *
 * <pre>{@code
 * @Container static TlsRedisContainer redis = new TlsRedisContainer();
 * try (RedisConnection c = RedisConnection.connect(redis.redisConfig())) { ... }
 * }</pre>
 *
 * <p>The image defaults to the official {@value #DEFAULT_IMAGE} (built with TLS); any image with a
 * TLS-enabled {@code redis-server} on PATH can be substituted:
 * {@code new TlsRedisContainer(DockerImageName.parse("my/redis:7").asCompatibleSubstituteFor("redis"))}.
 * Persistence is off ({@code --save "" --appendonly no}).
 */
public final class TlsRedisContainer extends TlsContainer<TlsRedisContainer> {
    /** The official image used by {@link #TlsRedisContainer()}. */
    public static final String DEFAULT_IMAGE = "redis:7";
    /** The TLS port inside the container when ports are mapped. */
    public static final int REDIS_TLS_PORT = 6379;

    private static final String ENTRYPOINT = """
            #!/bin/sh
            # entrypoint wrapper of dev.loomwire.testcontainers.TlsRedisContainer: the image's own entrypoint
            # (docker-entrypoint.sh, if it has one) runs redis-server.
            if ! command -v redis-server >/dev/null 2>&1; then
              echo "loomwire: this image has no redis-server on PATH: TlsRedisContainer needs a Redis image like the official redis image" >&2
              exit 64
            fi
            if command -v docker-entrypoint.sh >/dev/null 2>&1; then exec docker-entrypoint.sh "$@"; fi
            exec "$@"
            """;

    /** Redis' {@code tls-auth-clients}: whether a client must present a certificate from the CA. */
    public enum TlsAuthClients {
        /** Redis does not ask for a client certificate. */
        NO,
        /** Redis asks; a client without a certificate is accepted, one with a bad certificate is not. */
        OPTIONAL,
        /** Redis' default: a client certificate from the CA is required (mutual TLS). */
        YES
    }

    private TlsAuthClients tlsAuthClients = TlsAuthClients.YES;
    private String password;

    /** The official {@value #DEFAULT_IMAGE} image. */
    public TlsRedisContainer() {
        this(DockerImageName.parse(DEFAULT_IMAGE));
    }

    /** {@code image}: {@code redis:<tag>} or an image declared compatible with {@code redis}. */
    public TlsRedisContainer(String image) {
        this(DockerImageName.parse(image));
    }

    /** {@code image}: {@code redis:<tag>} or one declared compatible with it ({@code asCompatibleSubstituteFor("redis")}). */
    public TlsRedisContainer(DockerImageName image) {
        super(image, "redis", "Redis", REDIS_TLS_PORT, ENTRYPOINT);
    }

    /** Whether Redis demands client certificates; default {@link TlsAuthClients#YES}, as Redis itself. */
    public TlsRedisContainer withTlsAuthClients(TlsAuthClients value) {
        tlsAuthClients = value;
        return self();
    }

    /** Sets {@code requirepass}: clients authenticate as the default user with this password. */
    public TlsRedisContainer withPassword(String password) {
        this.password = password;
        return self();
    }

    public TlsAuthClients tlsAuthClients() {
        return tlsAuthClients;
    }

    /** Settings for loomwire's driver: TLS with full verification against the CA, client certificate in memory. */
    public RedisConfig redisConfig() {
        RedisConfig.Builder b = RedisConfig.builder().host(host()).port(port()).tls(clientTlsConfig());
        if (password != null) {
            b.password(password);
        }
        return b.build();
    }

    /**
     * A {@code rediss://} URI with full verification ({@code sslverify=full}, the default) against
     * the CA file, with the client certificate and key files.
     */
    public String redisUri() {
        String user = password == null ? "" : ":" + percentEncode(password) + "@";
        String h = host().indexOf(':') >= 0 ? "[" + host() + "]" : host();
        return "rediss://" + user + h + ":" + port() + "?sslrootcert=" + percentEncode(caCertificateFile())
                + "&sslcert=" + percentEncode(clientCertificateFile()) + "&sslkey=" + percentEncode(clientKeyFile());
    }

    @Override
    void configureServer(boolean hostNetwork, int port) {
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--port", "0",
                "--tls-port", Integer.toString(port),
                "--tls-cert-file", TLS_DIR + "/server.crt",
                "--tls-key-file", TLS_DIR + "/server.key",
                "--tls-ca-cert-file", TLS_DIR + "/ca.crt",
                "--tls-auth-clients", tlsAuthClients.name().toLowerCase(Locale.ROOT),
                "--protected-mode", "no",
                "--save", "",
                "--appendonly", "no"));
        if (hostNetwork) {
            command.addAll(List.of("--bind", "127.0.0.1", "-::1"));
        }
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        setCommand(command.toArray(String[]::new));
    }

    @Override
    String clientCommonName() {
        return "loomwire-test-client";
    }

    @Override
    void probe() {
        RedisConfig probe = RedisConfig.fromUri(redisUri()).toBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (RedisConnection c = RedisConnection.connect(probe)) {
            c.ping();
        }
    }
}
