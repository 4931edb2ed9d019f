package dev.loomwire.testing;

import dev.loomwire.testcontainers.TlsContainer;
import dev.loomwire.testcontainers.TlsContainerException;
import dev.loomwire.testcontainers.TlsPostgresContainer;
import dev.loomwire.testcontainers.TlsRedisContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The images the container tests use and how they start them. By default the local images
 * {@code loomwire-test/postgres:15} and {@code loomwire-test/redis:7} that {@code .ci/docker-setup}
 * builds from Debian packages (never pulled); {@code -Dloomwire.test.postgres-image=postgres:18}
 * and {@code -Dloomwire.test.redis-image=redis:7} run the same tests on the official images.
 * Without a Docker engine or the images, {@link #start} fails saying how to get them.
 */
public final class Containers {
    private static final String LOCAL_PREFIX = "loomwire-test/";

    private Containers() {}

    /** A TLS PostgreSQL container on the test image, not yet started. */
    public static TlsPostgresContainer postgres() {
        DockerImageName image = image("loomwire.test.postgres-image", "loomwire-test/postgres:15", "postgres");
        return withPullPolicy(new TlsPostgresContainer(image), image);
    }

    /** A TLS Redis container on the test image, not yet started. */
    public static TlsRedisContainer redis() {
        DockerImageName image = image("loomwire.test.redis-image", "loomwire-test/redis:7", "redis");
        return withPullPolicy(new TlsRedisContainer(image), image);
    }

    /** The test image name for {@code official} ("postgres" or "redis"), as a compatible substitute. */
    public static DockerImageName image(String property, String fallback, String official) {
        return DockerImageName.parse(System.getProperty(property, fallback)).asCompatibleSubstituteFor(official);
    }

    /** Starts {@code container}; a missing engine or image fails with the command that provides them. */
    public static <C extends TlsContainer<?>> C start(C container) {
        try {
            container.start();
            return container;
        } catch (TlsContainerException e) {
            if (e.kind() == TlsContainerException.Kind.DOCKER_UNAVAILABLE || e.kind() == TlsContainerException.Kind.IMAGE_NOT_FOUND) {
                throw new IllegalStateException(e.getMessage() + "\nThe container tests need a Docker engine and their images:"
                        + " run .ci/docker-setup (as root on Debian it installs docker.io and debootstrap, starts dockerd"
                        + " and builds the images; ./loomwire test and .ci/run run it first)", e);
            }
            throw e;
        }
    }

    /** Starts all of them at once (each on its own virtual thread); the first failure is thrown, the others suppressed. */
    public static void startAll(TlsContainer<?>... containers) {
        RuntimeException failure = null;
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = java.util.Arrays.stream(containers).map(c -> executor.submit(() -> start(c))).toList();
            for (var f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting containers", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static <C extends TlsContainer<C>> C withPullPolicy(C container, DockerImageName image) {
        if (image.getRepository().startsWith(LOCAL_PREFIX)) {
            container.withImagePullPolicy(name -> false); // built locally, never on a registry
        }
        return container;
    }
}
