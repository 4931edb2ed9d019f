/**
 * TLS-ready Testcontainers for users' tests: {@link dev.loomwire.testcontainers.TlsPostgresContainer}
 * and {@link dev.loomwire.testcontainers.TlsRedisContainer} generate a throw-away CA, a server
 * certificate for the host the test connects to and a client certificate at every start (with
 * {@link dev.loomwire.tls.TestCertificateAuthority}, JDK only), switch TLS on in the server and
 * hand out verify-full settings for loomwire and for other clients (conninfo, {@code rediss://}
 * URI, PEM and PKCS#12 files).
 *
 * <p>Needs {@code org.testcontainers:testcontainers} (1.21) on the test class path; loomwire's
 * dependency on it is optional, and nothing here is loaded otherwise. On the module path the
 * Testcontainers jar is an automatic module named after its file ({@code testcontainers}).
 */
package dev.loomwire.testcontainers;
