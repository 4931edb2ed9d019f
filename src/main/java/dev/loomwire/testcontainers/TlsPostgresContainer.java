package dev.loomwire.testcontainers;

import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgConnection;
import dev.loomwire.pg.SslMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL container with TLS: at start a throw-away CA signs a server certificate for the
 * host the test connects to, the key is handed to the {@code postgres} user with mode 0600, and the
 * server runs with {@code ssl=on}; {@link #pgConfig()} and {@link #conninfo()} connect with
 * {@code sslmode=verify-full} against that CA.
 *
 * <pre>{@code
 * @Container static TlsPostgresContainer pg = new TlsPostgresContainer();
 * try (PgConnection c = PgConnection.connect(pg.pgConfig())) { ... }
 * }</pre>
 *
 * <p>pg_hba.conf (TCP, password authentication with scram-sha-256): TLS or plaintext by default;
 * {@link #withHostSslOnly()} refuses plaintext; {@link #withClientCertVerifyFull()} also demands a
 * client certificate whose CN is the user name ({@link #clientCertificate()} is one);
 * {@link #withPgHba} sets the TCP lines yourself.
 *
 * <p>The image defaults to the official {@value #DEFAULT_IMAGE}; any image following its contract
 * (a {@code docker-entrypoint.sh} on PATH honouring POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB
 * and PGPORT, then running {@code postgres} as the {@code postgres} user) can be substituted:
 * {@code new TlsPostgresContainer(DockerImageName.parse("my/pg:16").asCompatibleSubstituteFor("postgres"))}.
 */
public final class TlsPostgresContainer extends TlsContainer<TlsPostgresContainer> {
    /** The official image used by {@link #TlsPostgresContainer()}. */
    public static final String DEFAULT_IMAGE = "postgres:18";
    /** The port PostgreSQL listens on inside the container when ports are mapped. */
    public static final int POSTGRESQL_PORT = 5432;

    private static final String ENTRYPOINT = """
            #!/bin/sh
            # entrypoint wrapper of dev.loomwire.testcontainers.TlsPostgresContainer: PostgreSQL reads its key only
            # when the database user owns it with mode 0600; then the image's own entrypoint runs.
            for c in postgres docker-entrypoint.sh; do
              if ! command -v "$c" >/dev/null 2>&1; then
                echo "loomwire: this image has no $c on PATH: TlsPostgresContainer needs a PostgreSQL image like the official postgres image" >&2
                exit 64
              fi
            done
            if [ "$(id -u)" = 0 ] && ! chown postgres /loomwire-tls/server.key; then
              echo "loomwire: this image has no postgres user: TlsPostgresContainer needs a PostgreSQL image like the official postgres image" >&2
              exit 64
            fi
            chmod 0600 /loomwire-tls/server.key 2>/dev/null
            exec docker-entrypoint.sh "$@"
            """;

    private enum Hba { TLS_OR_PLAIN, HOSTSSL, CLIENTCERT_VERIFY_FULL }

    private String username = "test";
    private String password = "test";
    private String databaseName = "test";
    private Hba hba = Hba.TLS_OR_PLAIN;
    private List<String> customHba;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private int initScripts;

    /** The official {@value #DEFAULT_IMAGE} image. */
    public TlsPostgresContainer() {
        this(DockerImageName.parse(DEFAULT_IMAGE));
    }

    /** {@code image}: {@code postgres:<tag>} or an image declared compatible with {@code postgres}. */
    public TlsPostgresContainer(String image) {
        this(DockerImageName.parse(image));
    }

    /** {@code image}: {@code postgres:<tag>} or one declared compatible with it ({@code asCompatibleSubstituteFor("postgres")}). */
    public TlsPostgresContainer(DockerImageName image) {
        super(image, "postgres", "PostgreSQL", POSTGRESQL_PORT, ENTRYPOINT);
    }

    public TlsPostgresContainer withUsername(String username) {
        this.username = username;
        return self();
    }

    public TlsPostgresContainer withPassword(String password) {
        this.password = password;
        return self();
    }

    public TlsPostgresContainer withDatabaseName(String databaseName) {
        this.databaseName = databaseName;
        return self();
    }

    /** pg_hba.conf accepts TCP connections with TLS only ({@code hostssl}): plaintext ones are refused. */
    public TlsPostgresContainer withHostSslOnly() {
        hba = Hba.HOSTSSL;
        return self();
    }

    /**
     * TLS only, and the client must present a certificate from the container's CA whose CN is the
     * user name ({@code hostssl all all all scram-sha-256 clientcert=verify-full}).
     */
    public TlsPostgresContainer withClientCertVerifyFull() {
        hba = Hba.CLIENTCERT_VERIFY_FULL;
        return self();
    }

    /**
     * Your own pg_hba.conf lines for TCP connections, e.g. {@code "hostssl ssldb all all scram-sha-256"};
     * a {@code local all all trust} line for the image's entrypoint always comes first.
     */
    public TlsPostgresContainer withPgHba(String... lines) {
        customHba = List.of(lines);
        return self();
    }

    /**
     * SQL the image's entrypoint runs once, as the superuser in the database, before the server
     * accepts TCP connections (copied to {@code /docker-entrypoint-initdb.d/}).
     */
    public TlsPostgresContainer withInitSql(String sql) {
        withCopyToContainer(Transferable.of(sql.getBytes(StandardCharsets.UTF_8), 0644),
                "/docker-entrypoint-initdb.d/" + (++initScripts) + "-loomwire-init.sql");
        return self();
    }

    /** A server setting passed as {@code -c name=value}, e.g. {@code ("ssl_min_protocol_version", "TLSv1.3")}. */
    public TlsPostgresContainer withServerSetting(String name, String value) {
        settings.put(name, value);
        return self();
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String databaseName() {
        return databaseName;
    }

    /** Settings for loomwire's driver: sslmode=verify-full against the CA, client certificate in memory. */
    public PgConfig pgConfig() {
        TlsMaterial m = requireStarted();
        return PgConfig.builder()
                .environment(Map.of())
                .host(host())
                .port(port())
                .user(username)
                .password(password)
                .database(databaseName)
                .sslMode(SslMode.VERIFY_FULL)
                .sslRootCertificates(List.of(m.ca().certificate()))
                .sslClientKey(m.client().privateKey(), m.client().chain())
                .build();
    }

    /**
     * A libpq connection string with {@code sslmode=verify-full} and the CA, client certificate
     * and key files, for loomwire, psql or any libpq-based client.
     */
    public String conninfo() {
        return "host=" + quote(host()) + " port=" + port() + " dbname=" + quote(databaseName) + " user=" + quote(username)
                + " password=" + quote(password) + " sslmode=verify-full sslrootcert=" + quote(caCertificateFile().toString())
                + " sslcert=" + quote(clientCertificateFile().toString()) + " sslkey=" + quote(clientKeyFile().toString());
    }

    @Override
    void configureServer(boolean hostNetwork, int port) {
        List<String> lines = new ArrayList<>(List.of("local all all trust"));
        lines.addAll(customHba != null ? customHba : List.of(switch (hba) {
            case TLS_OR_PLAIN -> "host all all all scram-sha-256";
            case HOSTSSL -> "hostssl all all all scram-sha-256";
            case CLIENTCERT_VERIFY_FULL -> "hostssl all all all scram-sha-256 clientcert=verify-full";
        }));
        copy("pg_hba.conf", String.join("\n", lines) + "\n", 0644);
        withEnv("POSTGRES_USER", username);
        withEnv("POSTGRES_PASSWORD", password);
        withEnv("POSTGRES_DB", databaseName);
        withEnv("PGPORT", Integer.toString(port));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("listen_addresses", hostNetwork ? "localhost" : "*");
        all.put("ssl", "on");
        all.put("ssl_cert_file", TLS_DIR + "/server.crt");
        all.put("ssl_key_file", TLS_DIR + "/server.key");
        all.put("ssl_ca_file", TLS_DIR + "/ca.crt");
        all.put("hba_file", TLS_DIR + "/pg_hba.conf");
        all.put("fsync", "off");
        all.putAll(settings);
        List<String> command = new ArrayList<>(List.of("postgres"));
        all.forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
        setCommand(command.toArray(String[]::new));
    }

    @Override
    String clientCommonName() {
        return username;
    }

    @Override
    void probe() {
        PgConfig probe = PgConfig.builder().environment(Map.of()).conninfo(conninfo()).connectTimeout(Duration.ofSeconds(5)).build();
        try (PgConnection c = PgConnection.connect(probe)) {
            c.query("SELECT 1");
        }
    }

    private static String quote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(ch -> ch == ' ' || ch == '\'' || ch == '\\' || Character.isWhitespace(ch))) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
