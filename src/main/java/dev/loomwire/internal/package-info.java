/**
 * Not exported: the drivers' connection set-up opened to {@code loomwire probe} (in
 * {@code dev.loomwire.cli}) without making the connectors public API. The JDK's SharedSecrets
 * pattern: {@link dev.loomwire.internal.ProbeAccess} declares what the probe may call, the driver
 * packages implement it and register from a static initialiser.
 */
package dev.loomwire.internal;
