package dev.loomwire.testing;

import dev.loomwire.testcontainers.TlsContainer;
import dev.loomwire.testcontainers.TlsContainerException;
import dev.loomwire.testcontainers.TlsPostgresContainer;
import dev.loomwire.testcontainers.TlsRedisContainer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * How the container tests get their containers: the official image names, which {@link TestImages}
 * turns into the local images {@code .ci/docker-setup} builds (never pulled). Without a Docker
 * engine or the images, {@link #start} fails saying how to get them.
 */
public final class Containers {
    private Containers() {}

    /** A TLS PostgreSQL container on the test image, not yet started. */
    public static TlsPostgresContainer postgres() {
        return new TlsPostgresContainer().withImagePullPolicy(Containers::pullUnlessLocal);
    }

    /** A TLS Redis container on the test image, not yet started. */
    public static TlsRedisContainer redis() {
        return new TlsRedisContainer().withImagePullPolicy(Containers::pullUnlessLocal);
    }

    /** The default pull policy, except that local images ({@value TestImages#LOCAL_PREFIX}*) are never pulled. */
    public static boolean pullUnlessLocal(DockerImageName image) {
        return !image.getRepository().startsWith(TestImages.LOCAL_PREFIX) && PullPolicy.defaultPolicy().shouldPull(image);
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

    /** Stops (removes) each container that was created; nulls are skipped. */
    public static void stopAll(TlsContainer<?>... containers) {
        for (TlsContainer<?> c : containers) {
            if (c != null) {
                c.stop();
            }
        }
    }

    /** Starts all of them at once (each on its own virtual thread); the first failure is thrown, the others suppressed. */
    public static void startAll(TlsContainer<?>... containers) {
        RuntimeException failure = null;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = Arrays.stream(containers).map(c -> executor.submit(() -> start(c))).toList();
            for (var f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
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

}
