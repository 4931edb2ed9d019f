package dev.loomwire.pg;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * libpq's {@code require_auth}: the authentication methods the client accepts from the server,
 * e.g. {@code scram-sha-256} or {@code !password,!md5}. Checked before answering each request.
 */
public final class RequireAuth {
    /** Methods a server can ask for. {@code NONE} means the server asked for no password at all. */
    public enum Method {
        PASSWORD, MD5, GSS, SSPI, SCRAM_SHA_256, OAUTH, NONE;

        String keyword() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final RequireAuth ANY = new RequireAuth(EnumSet.allOf(Method.class), null);

    private final Set<Method> allowed;
    private final String spec;

    private RequireAuth(Set<Method> allowed, String spec) {
        this.allowed = allowed;
        this.spec = spec;
    }

    /** Accepts everything (the default). */
    public static RequireAuth any() {
        return ANY;
    }

    public boolean allows(Method m) {
        return allowed.contains(m);
    }

    /** The value as written, or null for the default. */
    public String spec() {
        return spec;
    }

    static RequireAuth parse(String value) {
        String[] parts = value.split(",", -1);
        Boolean negated = null;
        EnumSet<Method> listed = EnumSet.noneOf(Method.class);
        for (String raw : parts) {
            String p = raw.trim();
            boolean neg = p.startsWith("!");
            String name = neg ? p.substring(1) : p;
            if (negated != null && negated != neg) {
                throw new PgConfigException("require_auth: negative method \"" + p
                        + "\" cannot be mixed with non-negative methods");
            }
            negated = neg;
            Method m = null;
            for (Method candidate : Method.values()) {
                if (candidate.keyword().equals(name)) {
                    m = candidate;
                }
            }
            if (m == null) {
                throw new PgConfigException("invalid require_auth method \"" + name + "\"");
            }
            if (!listed.add(m)) {
                throw new PgConfigException("require_auth method \"" + name + "\" is specified more than once");
            }
        }
        Set<Method> allowed = Boolean.TRUE.equals(negated) ? EnumSet.complementOf(listed) : listed;
        return new RequireAuth(allowed, value);
    }

    @Override
    public String toString() {
        return spec == null ? "any" : spec;
    }
}
