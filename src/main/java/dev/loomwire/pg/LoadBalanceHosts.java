package dev.loomwire.pg;

import java.util.Locale;

/** libpq's {@code load_balance_hosts}: try the hosts in the given order, or in a random order (then each host's addresses too). */
public enum LoadBalanceHosts {
    DISABLE, RANDOM;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static LoadBalanceHosts parse(String value) {
        for (LoadBalanceHosts l : values()) {
            if (l.keyword().equals(value)) {
                return l;
            }
        }
        throw new PgConfigException("invalid load_balance_hosts value \"" + value + "\" (one of disable, random)");
    }
}
