package dev.loomwire.testing;

import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/**
 * Testcontainers' image substitutor for the tests (src/test/resources/testcontainers.properties):
 * {@code postgres:*} becomes the system property {@code loomwire.test.postgres-image} and
 * {@code redis:*} {@code loomwire.test.redis-image}; the pom sets them to the local images
 * {@code .ci/docker-setup} builds ({@code loomwire-test/postgres:15}, {@code loomwire-test/redis:7}).
 * So tests, like the README's, name the official images and run wherever Docker Hub is out of reach.
 */
public final class TestImages extends ImageNameSubstitutor {
    /** Repositories of images built locally: never pulled. */
    public static final String LOCAL_PREFIX = "loomwire-test/";

    @Override
    public DockerImageName apply(DockerImageName original) {
        String property = switch (original.getRepository()) {
            case "postgres", "library/postgres" -> "loomwire.test.postgres-image";
            case "redis", "library/redis" -> "loomwire.test.redis-image";
            default -> null;
        };
        String replacement = property == null ? null : System.getProperty(property);
        return replacement == null || replacement.isBlank() ? original : DockerImageName.parse(replacement);
    }

    @Override
    protected String getDescription() {
        return "loomwire test images (loomwire.test.postgres-image, loomwire.test.redis-image)";
    }
}
