package dev.loomwire.testcontainers;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.loomwire.tls.TestCertificateAuthority;
import dev.loomwire.tls.TestCertificateAuthority.IssuedCertificate;
import dev.loomwire.tls.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * What the TLS PostgreSQL and Redis containers share: at every start a throw-away CA, a server
 * certificate for the host the test connects to (plus localhost, 127.0.0.1 and ::1) and a client
 * certificate; the server's files copied into the container; readiness proved by a verified TLS
 * connection with loomwire's own driver; failures reported as {@link TlsContainerException}s.
 *
 * <p>Networking: with port mapping, as usual, when the Docker engine has a {@code bridge} network
 * (Docker Desktop, a default dockerd); with host networking and a free port when it has none
 * (dockerd {@code --bridge=none}). {@link #withHostNetwork(boolean)} overrides the choice.
 *
 * <p>The client side is available after {@link #start()}, in memory ({@link #caCertificate()},
 * {@link #clientCertificate()}, {@link #clientTlsConfig()}) and as files in a private temporary
 * directory removed by {@link #stop()} ({@link #caCertificateFile()}, {@link #clientCertificateFile()},
 * {@link #clientKeyFile()}, {@link #clientKeyStoreFile()}).
 *
 * @param <SELF> the concrete container type, for Testcontainers' fluent {@code with...} methods
 */
public abstract sealed class TlsContainer<SELF extends TlsContainer<SELF>> extends GenericContainer<SELF>
        permits TlsPostgresContainer, TlsRedisContainer {
    /** Label on every container these classes start, e.g. to remove leftovers: {@code docker rm -f $(docker ps -aq --filter label=dev.loomwire.testcontainers)}. */
    public static final String LABEL = "dev.loomwire.testcontainers";
    /** Password of {@link #clientKeyStoreFile()}. */
    public static final String KEY_STORE_PASSWORD = TlsMaterial.KEY_STORE_PASSWORD;
    /** Exit code of the entrypoint wrapper when the image lacks what the container needs. */
    static final int WRONG_IMAGE_EXIT = 64;
    /** How long {@link #start()} waits for a verified TLS connection unless {@link #withStartupTimeout} says otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(2);
    static final String TLS_DIR = "/loomwire-tls";
    private static final int LOG_TAIL_LINES = 40;

    private final String server;
    private final int containerPort;
    private final List<String> certificateHostNames = new ArrayList<>();
    private Boolean hostNetwork;
    private boolean usingHostNetwork;
    private int hostPort;
    private TlsMaterial material;
    private boolean starting;
    private String failedLogTail;
    private Long failedExitCode;

    TlsContainer(DockerImageName image, String officialImage, String server, int containerPort, String entrypoint) {
        super(compatible(image, officialImage, server));
        this.server = server;
        this.containerPort = containerPort;
        withLabel(LABEL, "true");
        withCopyToContainer(Transferable.of(entrypoint.getBytes(StandardCharsets.UTF_8), 0755), TLS_DIR + "/entrypoint.sh");
        withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("/bin/sh", TLS_DIR + "/entrypoint.sh"));
        waitingFor(new VerifiedTlsConnection());
        withStartupTimeout(DEFAULT_STARTUP_TIMEOUT);
    }

    private static DockerImageName compatible(DockerImageName image, String officialImage, String server) {
        try {
            image.assertCompatibleWith(DockerImageName.parse(officialImage));
            return image;
        } catch (IllegalStateException e) {
            throw new TlsContainerException(TlsContainerException.Kind.WRONG_IMAGE, "image " + image.asCanonicalNameString()
                    + " is not the official " + officialImage + " image: if it is a compatible " + server
                    + " image, say so with DockerImageName.parse(\"" + image.asCanonicalNameString()
                    + "\").asCompatibleSubstituteFor(\"" + officialImage + "\")", "", e);
        }
    }

    /**
     * Host networking (the server listens on a free port of the Docker host) or port mapping;
     * by default host networking exactly when the engine has no {@code bridge} network.
     */
    public SELF withHostNetwork(boolean on) {
        hostNetwork = on;
        return self();
    }

    /** Further DNS names or IP addresses for the server certificate's SANs (the Docker host, localhost, 127.0.0.1 and ::1 are always there). */
    public SELF withCertificateHostNames(String... namesOrAddresses) {
        certificateHostNames.addAll(List.of(namesOrAddresses));
        return self();
    }

    /** The host to connect to: Testcontainers' Docker host, usually {@code localhost}. */
    public String host() {
        return getHost();
    }

    /** The port to connect to on {@link #host()}. */
    public int port() {
        requireStarted();
        return usingHostNetwork ? hostPort : getMappedPort(containerPort);
    }

    /** The throw-away CA's certificate, which signed the server and client certificates. */
    public X509Certificate caCertificate() {
        return requireStarted().ca().certificate();
    }

    /** The client certificate (subject CN = the user name) and its key, in memory. */
    public IssuedCertificate clientCertificate() {
        return requireStarted().client();
    }

    /** The server's certificate (for assertions: its SANs are the names the client may use). */
    public IssuedCertificate serverCertificate() {
        return requireStarted().server();
    }

    /** TLS settings verifying the server's chain and host name against the CA, presenting the client certificate when asked. */
    public TlsConfig clientTlsConfig() {
        return requireStarted().clientTlsConfig();
    }

    /** The CA certificate, PEM ({@code sslrootcert}). */
    public Path caCertificateFile() {
        return requireStarted().caFile();
    }

    /** The client certificate, PEM ({@code sslcert}). */
    public Path clientCertificateFile() {
        return requireStarted().clientCertFile();
    }

    /** The client's private key, unencrypted PKCS#8 PEM, mode 0600 ({@code sslkey}). */
    public Path clientKeyFile() {
        return requireStarted().clientKeyFile();
    }

    /** The client key and certificate chain as PKCS#12, password {@value #KEY_STORE_PASSWORD} (for pgjdbc, Jedis, Lettuce). */
    public Path clientKeyStoreFile() {
        return requireStarted().clientKeyStoreFile();
    }

    /**
     * Starts the container; throws {@link TlsContainerException} when there is no Docker engine,
     * the image is missing or unsuitable, or the server does not accept a verified TLS connection
     * within the startup timeout (then with the container's log tail; the container is removed).
     */
    @Override
    public void start() {
        if (getContainerId() != null) {
            return;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TlsContainerException(TlsContainerException.Kind.DOCKER_UNAVAILABLE, "no Docker engine is reachable,"
                    + " so the " + server + " container cannot start: start Docker Desktop or dockerd (Linux: apt-get"
                    + " install docker.io), or point DOCKER_HOST at a running engine", "", null);
        }
        starting = true;
        failedLogTail = null;
        failedExitCode = null;
        try {
            super.start();
        } catch (RuntimeException e) {
            throw startFailure(e);
        } finally {
            starting = false;
        }
    }

    @Override
    protected void configure() {
        usingHostNetwork = hostNetwork != null ? hostNetwork : !engineHasBridgeNetwork();
        if (usingHostNetwork) {
            hostPort = freePort();
            withNetworkMode("host");
            setExposedPorts(new ArrayList<>());
        } else {
            setExposedPorts(new ArrayList<>(List.of(containerPort)));
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(getHost());
        names.addAll(List.of("localhost", "127.0.0.1", "::1"));
        names.addAll(certificateHostNames);
        if (material != null) {
            material.delete();
        }
        material = TlsMaterial.create("loomwire throw-away " + server + " CA", List.copyOf(names), clientCommonName());
        copy("server.crt", material.server().certificatePem(), 0644);
        // readable by the server's user whatever it is; the PostgreSQL wrapper makes it postgres-owned 0600
        copy("server.key", material.server().privateKeyPem(), 0644);
        copy("ca.crt", TestCertificateAuthority.toPem(material.ca().certificate()), 0644);
        configureServer(usingHostNetwork, usingHostNetwork ? hostPort : containerPort);
    }

    /** Testcontainers removes a container that failed to start: keep what the failure report needs. */
    @Override
    protected void containerIsStopping(InspectContainerResponse containerInfo) {
        if (starting && failedLogTail == null) {
            failedLogTail = logTail();
            failedExitCode = exitCode();
        }
    }

    @Override
    protected void containerIsStopped(InspectContainerResponse containerInfo) {
        deleteFiles();
    }

    /** Copies {@code content} to {@code /loomwire-tls/<name>} in the container. */
    final void copy(String name, String content, int mode) {
        withCopyToContainer(Transferable.of(content.getBytes(StandardCharsets.UTF_8), mode), TLS_DIR + "/" + name);
    }

    /** Sets the server's command, environment and further files; {@code port} is where it must listen. */
    abstract void configureServer(boolean hostNetwork, int port);

    /** Subject CN of the client certificate (PostgreSQL's user name for clientcert=verify-full). */
    abstract String clientCommonName();

    /** Connects with the handed-out settings and runs a trivial command; throws while the server is not ready. */
    abstract void probe() throws Exception;

    TlsMaterial requireStarted() {
        if (material == null || getContainerId() == null) {
            throw new IllegalStateException("the " + server + " container is not started: call start() first"
                    + " (or use @Container with @Testcontainers)");
        }
        return material;
    }

    /** {@code value} percent-encoded for a URI's user info or query (a space as %20, never '+'). */
    static String percentEncode(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void deleteFiles() {
        if (material != null) {
            material.delete();
            material = null;
        }
    }

    private TlsContainerException startFailure(RuntimeException e) {
        String image = getDockerImageName();
        if (getContainerId() != null) {
            try {
                stop();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
        }
        deleteFiles();
        if (failedLogTail == null) {
            if (!imagePresent(image)) {
                return new TlsContainerException(TlsContainerException.Kind.IMAGE_NOT_FOUND, "image " + image
                        + " is not present on the Docker engine and could not be pulled: pull or build it first (docker pull "
                        + image + "), or substitute a compatible image with DockerImageName.parse(...).asCompatibleSubstituteFor(...): "
                        + rootMessage(e), "", e);
            }
            return new TlsContainerException(TlsContainerException.Kind.NOT_READY, "the " + server
                    + " container (image " + image + ") could not be created: " + rootMessage(e), "", e);
        }
        if (failedExitCode != null && failedExitCode == WRONG_IMAGE_EXIT) {
            return new TlsContainerException(TlsContainerException.Kind.WRONG_IMAGE, "image " + image + " is not a "
                    + server + " image like the official one (see the log below)", failedLogTail, e);
        }
        return new TlsContainerException(TlsContainerException.Kind.NOT_READY, "the " + server + " container (image "
                + image + ") did not accept a verified TLS connection: " + rootMessage(e)
                + (failedExitCode != null ? " (the container exited with code " + failedExitCode + ")" : ""), failedLogTail, e);
    }

    private String logTail() {
        try {
            List<String> lines = getLogs().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (RuntimeException e) {
            return "(the container's log could not be read: " + e.getMessage() + ")";
        }
    }

    private Long exitCode() {
        try {
            var state = getDockerClient().inspectContainerCmd(getContainerId()).exec().getState();
            return Boolean.TRUE.equals(state.getRunning()) ? null : state.getExitCodeLong();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean imagePresent(String image) {
        try {
            getDockerClient().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            return true; // cannot tell: report the original failure
        }
    }

    private boolean engineHasBridgeNetwork() {
        return getDockerClient().listNetworksCmd().exec().stream().anyMatch(n -> "bridge".equals(n.getName()));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for the container's server", e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /** Ready when loomwire's driver gets a verify-full TLS connection with the handed-out settings. */
    private final class VerifiedTlsConnection extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            Instant deadline = Instant.now().plus(startupTimeout);
            Exception last = null;
            while (true) {
                try {
                    probe();
                    return;
                } catch (Exception e) {
                    last = e;
                }
                if (!waitStrategyTarget.isRunning()) {
                    throw new IllegalStateException("the container stopped; last connection attempt: " + last.getMessage(), last);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no verified TLS connection to " + host() + ":" + port() + " within "
                            + startupTimeout.toSeconds() + " s; last attempt: " + last.getMessage(), last);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the " + server + " container", e);
                }
            }
        }
    }
}
