/**
 * Connection set-up shared by both drivers and {@code probe}: the {@link dev.loomwire.net.Dialer}
 * (name resolution, TCP connect with the connection's options, TLS layering, one deadline) and the
 * {@link dev.loomwire.net.ConnectListener} that observes each phase and each message of the
 * set-up. Internal: not exported from the module.
 */
package dev.loomwire.net;
