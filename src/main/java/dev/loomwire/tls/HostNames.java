package dev.loomwire.tls;

import java.util.regex.Pattern;

/** Host-name helpers that never touch DNS. */
final class HostNames {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private HostNames() {}

    /** Whether {@code host} is an IPv4 or IPv6 literal (optionally in brackets), not a name. */
    static boolean isIpLiteral(String host) {
        return host != null && (IPV4.matcher(host).matches() || host.indexOf(':') >= 0);
    }

    /** The host without surrounding whitespace and IPv6 brackets, otherwise as given. */
    static String unbracket(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    /** The host without surrounding IPv6 brackets and without a trailing dot. */
    static String normalize(String host) {
        String h = unbracket(host);
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
