/**
 * The TLS layer shared by the PostgreSQL and Redis drivers: {@link dev.loomwire.tls.TlsConfig}
 * describes what to verify, trust and present; {@link dev.loomwire.tls.TlsSockets#layer} turns a
 * connected plain socket into a handshaken TLS socket and reports failures as
 * {@link dev.loomwire.tls.TlsException}s with a kind and a clear message;
 * {@link dev.loomwire.tls.PemFiles} reads the certificate, key, CRL and keystore formats users
 * have on disk, with the JDK only. TLS key logging (libpq {@code sslkeylogfile}) is not possible:
 * the JDK exposes no TLS secrets.
 */
package dev.loomwire.tls;
