package dev.loomwire.spring;

/**
 * {@code loomwire.postgres.ssl.*} / {@code loomwire.redis.ssl.*}: TLS material from a Spring Boot
 * SSL bundle, as an alternative to file parameters in the URL (sslrootcert, sslcert, sslkey).
 * The bundle's trust store becomes the trusted roots, its key store the client certificate;
 * how much is verified still comes from the URL (sslmode, sslverify).
 */
public class LoomwireSslProperties {
    /** Name of a bundle defined under {@code spring.ssl.bundle.pem.<name>} or {@code spring.ssl.bundle.jks.<name>}. */
    private String bundle;

    public String getBundle() { return bundle; }
    public void setBundle(String bundle) { this.bundle = bundle; }
}
