package dev.loomwire.pg;

import java.util.Optional;

/**
 * One entry of a connection string's host list: the name to verify and send as SNI
 * ({@code host}), the numeric address to connect to instead of resolving it ({@code hostaddr}),
 * and the port. At least one of host and hostaddr is present.
 */
public record PgHost(Optional<String> host, Optional<String> hostaddr, int port) {
    public PgHost {
        if (host.isEmpty() && hostaddr.isEmpty()) {
            throw new IllegalArgumentException("a host entry needs a host or a hostaddr");
        }
    }

    /** Where the socket goes: hostaddr if given, else host. */
    public String connectAddress() {
        return hostaddr.orElseGet(host::orElseThrow);
    }

    /** "db1:5432", or "db1 (10.0.0.1):5432" when both are given; for messages. */
    @Override
    public String toString() {
        String name = host.orElseGet(hostaddr::orElseThrow);
        String shown = name.indexOf(':') >= 0 ? "[" + name + "]" : name;
        return shown + (host.isPresent() && hostaddr.isPresent() ? " (" + hostaddr.get() + ")" : "") + ":" + port;
    }
}
