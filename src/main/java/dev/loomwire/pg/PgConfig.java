package dev.loomwire.pg;

import dev.loomwire.tls.LibpqTls;
import dev.loomwire.tls.SocketOptions;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.VerificationRules;
import dev.loomwire.tls.TlsVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything needed to open a {@link PgConnection}, with libpq's parameter names and meanings.
 * Built from a conninfo string or URI ({@link #parse(String)}) or a {@link Builder}; defaults come
 * from the PG* environment variables, {@code ~/.postgresql/} and {@code ~/.pgpass} like libpq.
 * Immutable. {@link #toString()} never shows passwords.
 */
public final class PgConfig {
    /** Default connect_timeout when none is given. libpq waits indefinitely; set 0 for that. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Parameter keywords and the environment variables that give their defaults (null = none). */
    private static final Map<String, String> KEYWORDS = new LinkedHashMap<>();

    static {
        String[][] k = {
            {"host", "PGHOST"}, {"hostaddr", "PGHOSTADDR"}, {"port", "PGPORT"}, {"user", "PGUSER"},
            {"password", "PGPASSWORD"}, {"passfile", "PGPASSFILE"}, {"dbname", "PGDATABASE"},
            {"options", "PGOPTIONS"}, {"application_name", "PGAPPNAME"}, {"fallback_application_name", null},
            {"connect_timeout", "PGCONNECT_TIMEOUT"}, {"client_encoding", "PGCLIENTENCODING"},
            {"sslmode", "PGSSLMODE"}, {"sslnegotiation", "PGSSLNEGOTIATION"}, {"sslrootcert", "PGSSLROOTCERT"},
            {"sslcert", "PGSSLCERT"}, {"sslkey", "PGSSLKEY"}, {"sslpassword", null}, {"sslcrl", "PGSSLCRL"},
            {"sslcrldir", "PGSSLCRLDIR"}, {"sslsni", "PGSSLSNI"}, {"sslcertmode", "PGSSLCERTMODE"},
            {"ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"},
            {"ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"}, {"sslkeylogfile", null},
            {"sslcompression", "PGSSLCOMPRESSION"}, {"channel_binding", "PGCHANNELBINDING"},
            {"require_auth", "PGREQUIREAUTH"}, {"gssencmode", "PGGSSENCMODE"},
            {"keepalives", null}, {"keepalives_idle", null}, {"keepalives_interval", null},
            {"keepalives_count", null}, {"tcp_user_timeout", null},
            {"target_session_attrs", "PGTARGETSESSIONATTRS"}, {"load_balance_hosts", "PGLOADBALANCEHOSTS"},
            {"service", "PGSERVICE"},
        };
        for (String[] e : k) {
            KEYWORDS.put(e[0], e[1]);
        }
    }

    private static final Set<String> TLS_VERSIONS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private final List<PgHost> hosts;
    private final String host;
    private final String hostaddr;
    private final int port;
    private final TargetSessionAttrs targetSessionAttrs;
    private final LoadBalanceHosts loadBalanceHosts;
    /** What this config was built from, for {@link #forHost}. */
    private final Map<String, String> values;
    private final Map<String, String> environment;
    private final String user;
    private final String password;
    private final String database;
    private final String options;
    private final String applicationName;
    private final Duration connectTimeout;
    private final SslMode sslMode;
    private final SslNegotiation sslNegotiation;
    private final String sslRootCert;
    private final Path sslCert;
    private final Path sslKey;
    private final String sslPassword;
    private final Path sslCrl;
    private final Path sslCrlDir;
    private final boolean sslSni;
    private final SocketOptions socketOptions;
    private final SslCertMode sslCertMode;
    private final String sslMinProtocol;
    private final String sslMaxProtocol;
    private final Path sslKeyLogFile;
    private final ChannelBindingMode channelBinding;
    private final RequireAuth requireAuth;
    private final String gssEncMode;
    private final Path defaultRootCert;
    private final List<X509Certificate> sslRootCertificates;
    private final PrivateKey sslClientKey;
    private final List<X509Certificate> sslClientChain;

    private PgConfig(Map<String, String> v, Map<String, String> env, List<X509Certificate> rootCertificates,
                     PrivateKey clientKey, List<X509Certificate> clientChain) {
        values = Map.copyOf(v);
        environment = env;
        sslRootCertificates = rootCertificates;
        sslClientKey = clientKey;
        sslClientChain = clientChain;
        if (sslRootCertificates != null && v.containsKey("sslrootcert")) {
            throw new PgConfigException("sslrootcert and in-memory root certificates (sslRootCertificates) are"
                    + " alternatives: give one");
        }
        if (sslClientKey != null && v.containsKey("sslcert")) {
            throw new PgConfigException("sslcert and an in-memory client key (sslClientKey) are alternatives: give one");
        }
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home", ".")));
        Path pgDir = home.resolve(".postgresql");
        defaultRootCert = pgDir.resolve("root.crt");
        hosts = hostList(v);
        host = hosts.get(0).host().orElse(null);
        hostaddr = hosts.get(0).hostaddr().orElse(null);
        port = hosts.get(0).port();
        targetSessionAttrs = TargetSessionAttrs.parse(v.getOrDefault("target_session_attrs", "any"));
        loadBalanceHosts = LoadBalanceHosts.parse(v.getOrDefault("load_balance_hosts", "disable"));
        user = v.getOrDefault("user", env.getOrDefault("USER", System.getProperty("user.name", "postgres")));
        database = v.getOrDefault("dbname", user);
        options = v.get("options");
        applicationName = v.getOrDefault("application_name", v.get("fallback_application_name"));
        connectTimeout = v.containsKey("connect_timeout")
                ? libpqTimeout(Integer.parseInt(v.get("connect_timeout"))) : DEFAULT_CONNECT_TIMEOUT;
        sslNegotiation = SslNegotiation.parse(v.getOrDefault("sslnegotiation", "postgres"));
        String root = v.get("sslrootcert");
        if (root == null && sslRootCertificates == null && Files.isRegularFile(pgDir.resolve("root.crt"))) {
            root = pgDir.resolve("root.crt").toString();
        }
        sslRootCert = root;
        SslMode mode = SslMode.parse(v.getOrDefault("sslmode", "prefer"));
        if ("system".equals(root)) {
            if (!v.containsKey("sslmode")) {
                mode = SslMode.VERIFY_FULL;
            } else if (mode != SslMode.VERIFY_FULL) {
                throw new PgConfigException("weak sslmode \"" + mode.keyword()
                        + "\" may not be used with sslrootcert=system (use \"verify-full\")");
            }
        }
        sslMode = mode;
        if (sslNegotiation == SslNegotiation.DIRECT && !sslMode.requiresEncryption()) {
            throw new PgConfigException("weak sslmode \"" + sslMode.keyword()
                    + "\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
        }
        sslCertMode = SslCertMode.parse(v.getOrDefault("sslcertmode", "allow"));
        sslCert = sslClientKey != null ? null : fileOrDefault(v.get("sslcert"), pgDir.resolve("postgresql.crt"));
        sslKey = v.containsKey("sslkey") ? Path.of(v.get("sslkey"))
                : sslCert != null ? pgDir.resolve("postgresql.key") : null;
        sslPassword = v.get("sslpassword");
        Path crl = v.containsKey("sslcrl") ? Path.of(v.get("sslcrl")) : null;
        sslCrlDir = v.containsKey("sslcrldir") ? Path.of(v.get("sslcrldir")) : null;
        if (crl == null && sslCrlDir == null && Files.isRegularFile(pgDir.resolve("root.crl"))) {
            crl = pgDir.resolve("root.crl");
        }
        sslCrl = crl;
        sslSni = !"0".equals(v.getOrDefault("sslsni", "1")); // the parser accepts only 0 and 1
        try {
            socketOptions = SocketOptions.fromLibpq(v);
        } catch (IllegalArgumentException e) {
            throw new PgConfigException(e.getMessage());
        }
        sslMinProtocol = v.getOrDefault("ssl_min_protocol_version", "TLSv1.2");
        sslMaxProtocol = v.get("ssl_max_protocol_version");
        sslKeyLogFile = v.containsKey("sslkeylogfile") ? Path.of(v.get("sslkeylogfile")) : null;
        channelBinding = ChannelBindingMode.parse(v.getOrDefault("channel_binding", "prefer"));
        requireAuth = v.containsKey("require_auth") ? RequireAuth.parse(v.get("require_auth")) : RequireAuth.any();
        gssEncMode = v.getOrDefault("gssencmode", "disable");
        String pw = v.get("password");
        if (pw == null) {
            Path passfile = v.containsKey("passfile") ? Path.of(v.get("passfile")) : home.resolve(".pgpass");
            String lookupHost = host != null ? host : hostaddr;
            pw = PgPass.lookup(passfile, lookupHost, port, database, user).orElse(null);
        }
        password = pw;
    }

    /**
     * The host list libpq makes of {@code host}, {@code hostaddr} and {@code port}: as many entries
     * as the longer of host and hostaddr (equal counts when both are given), one port for all or
     * one per entry (an empty port entry means 5432).
     */
    private static List<PgHost> hostList(Map<String, String> v) {
        List<String> names = split(v.get("host"));
        List<String> addrs = split(v.get("hostaddr"));
        List<String> ports = split(v.get("port"));
        if (!names.isEmpty() && !addrs.isEmpty() && names.size() != addrs.size()) {
            throw new PgConfigException("could not match " + names.size() + " host names to " + addrs.size()
                    + " hostaddr values (host, hostaddr)");
        }
        int n = Math.max(1, Math.max(names.size(), addrs.size()));
        if (ports.size() > 1 && ports.size() != n) {
            throw new PgConfigException("could not match " + ports.size() + " port numbers to " + n + " hosts (port)");
        }
        List<PgHost> list = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = i < names.size() && !names.get(i).isEmpty() ? names.get(i) : null;
            String addr = i < addrs.size() && !addrs.get(i).isEmpty() ? addrs.get(i) : null;
            if (name == null && addr == null) {
                if (n > 1) {
                    throw new PgConfigException("host: entry " + (i + 1) + " of " + n + " is empty (name a host;"
                            + " Unix-domain sockets are not supported)");
                }
                name = "localhost";
            }
            String p = ports.isEmpty() ? "" : ports.get(ports.size() == 1 ? 0 : i);
            list.add(new PgHost(Optional.ofNullable(name), Optional.ofNullable(addr),
                    p.isEmpty() ? 5432 : Integer.parseInt(p.trim())));
        }
        return List.copyOf(list);
    }

    private static List<String> split(String list) {
        return list == null || list.isEmpty() ? List.of() : List.of(list.split(",", -1));
    }

    /**
     * This configuration narrowed to one of its {@link #hosts()}: host, hostaddr and port are that
     * entry's, and the password is looked up in the password file for it.
     */
    public PgConfig forHost(PgHost entry) {
        if (!hosts.contains(entry)) {
            throw new IllegalArgumentException(entry + " is not one of " + hosts);
        }
        if (hosts.size() == 1) {
            return this;
        }
        Map<String, String> v = new LinkedHashMap<>(values);
        v.remove("host");
        v.remove("hostaddr");
        entry.host().ifPresent(h -> v.put("host", h));
        entry.hostaddr().ifPresent(a -> v.put("hostaddr", a));
        v.put("port", Integer.toString(entry.port()));
        return new PgConfig(v, environment, sslRootCertificates, sslClientKey, sslClientChain);
    }

    private static Path fileOrDefault(String value, Path dflt) {
        if (value != null) {
            return Path.of(value);
        }
        return Files.isRegularFile(dflt) ? dflt : null;
    }

    private static Duration libpqTimeout(int seconds) {
        if (seconds <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Math.max(2, seconds));
    }

    /** Parses a conninfo string or URI; defaults from {@link System#getenv()}. */
    public static PgConfig parse(String conninfo) {
        return builder().conninfo(conninfo).build();
    }

    /** Parses a conninfo string or URI with the given environment (for PG* defaults, HOME). */
    public static PgConfig parse(String conninfo, Map<String, String> environment) {
        return builder().environment(environment).conninfo(conninfo).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every entry of the host list, in the order given (at least one). */
    public List<PgHost> hosts() {
        return hosts;
    }

    /** Which kind of server the connection accepts; {@link TargetSessionAttrs#ANY} by default. */
    public TargetSessionAttrs targetSessionAttrs() {
        return targetSessionAttrs;
    }

    public LoadBalanceHosts loadBalanceHosts() {
        return loadBalanceHosts;
    }

    /** Host name of the first host entry, to verify and send as SNI; null when only hostaddr was given. */
    public String host() {
        return host;
    }

    /** Numeric address to connect to instead of resolving host; null if not given. */
    public String hostaddr() {
        return hostaddr;
    }

    /** Where the socket goes: hostaddr if given, else host. */
    public String connectAddress() {
        return hostaddr != null ? hostaddr : host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** The password (from the parameters, PGPASSWORD or the password file), if any. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public String database() {
        return database;
    }

    public Optional<String> options() {
        return Optional.ofNullable(options);
    }

    public Optional<String> applicationName() {
        return Optional.ofNullable(applicationName);
    }

    /** Limit for the connection set-up with each host (libpq: per host and address); {@link Duration#ZERO} = none. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    public SslMode sslMode() {
        return sslMode;
    }

    public SslNegotiation sslNegotiation() {
        return sslNegotiation;
    }

    /** Root certificate file (explicit or ~/.postgresql/root.crt if present), "system", or null. */
    public Optional<String> sslRootCert() {
        return Optional.ofNullable(sslRootCert);
    }

    public Optional<Path> sslCert() {
        return Optional.ofNullable(sslCert);
    }

    public Optional<Path> sslKey() {
        return Optional.ofNullable(sslKey);
    }

    public Optional<Path> sslCrl() {
        return Optional.ofNullable(sslCrl);
    }

    public Optional<Path> sslCrlDir() {
        return Optional.ofNullable(sslCrlDir);
    }

    public boolean sslSni() {
        return sslSni;
    }

    /** keepalives, keepalives_idle, keepalives_interval, keepalives_count and tcp_user_timeout, applied to the socket. */
    public SocketOptions socketOptions() {
        return socketOptions;
    }

    public SslCertMode sslCertMode() {
        return sslCertMode;
    }

    public String sslMinProtocolVersion() {
        return sslMinProtocol;
    }

    public Optional<String> sslMaxProtocolVersion() {
        return Optional.ofNullable(sslMaxProtocol);
    }

    public ChannelBindingMode channelBinding() {
        return channelBinding;
    }

    public RequireAuth requireAuth() {
        return requireAuth;
    }

    public String gssEncMode() {
        return gssEncMode;
    }

    /**
     * How the TLS layer must check the server, libpq style: verify-full checks chain and host,
     * verify-ca the chain; require, prefer and allow check the chain exactly when a root
     * certificate is available (sslrootcert or ~/.postgresql/root.crt), otherwise nothing.
     */
    public TlsVerification tlsVerification() {
        return switch (sslMode) {
            case VERIFY_FULL -> TlsVerification.FULL;
            case VERIFY_CA -> TlsVerification.CA;
            case DISABLE -> TlsVerification.NONE;
            default -> sslRootCert != null || sslRootCertificates != null ? TlsVerification.CA : TlsVerification.NONE;
        };
    }

    /** The TLS layer configuration these parameters mean; fails naming the parameter when a file is missing. */
    public TlsConfig toTlsConfig() {
        try {
            return buildTlsConfig();
        } catch (IllegalArgumentException e) {
            throw PgConnectionException.configuration("invalid TLS settings: " + e.getMessage(), e);
        }
    }

    private TlsConfig buildTlsConfig() {
        TlsVerification verification = tlsVerification();
        TlsConfig.Builder b = TlsConfig.builder().verification(verification).rules(VerificationRules.LIBPQ)
                .alpn("postgresql");
        Map<String, String> libpq = new LinkedHashMap<>();
        if (verification != TlsVerification.NONE) {
            if (sslRootCertificates != null) {
                b.trustCertificates(sslRootCertificates);
            } else if (sslRootCert == null) {
                throw PgConnectionException.configuration("sslmode=" + sslMode.keyword() + ": root certificate file \""
                        + defaultRootCert + "\" does not exist; either provide the file (sslrootcert), use the system's"
                        + " trusted roots with sslrootcert=system, or change sslmode to disable server"
                        + " certificate verification", null);
            } else {
                if (!"system".equals(sslRootCert) && !Files.isRegularFile(Path.of(sslRootCert))) {
                    throw PgConnectionException.configuration("sslrootcert: root certificate file \"" + sslRootCert + "\" does not exist", null);
                }
                libpq.put("sslrootcert", sslRootCert);
            }
            if (sslCrl != null) {
                requireFile("sslcrl", sslCrl);
                libpq.put("sslcrl", sslCrl.toString());
            }
            if (sslCrlDir != null) {
                libpq.put("sslcrldir", sslCrlDir.toString());
            }
        }
        if (sslClientKey != null && sslCertMode != SslCertMode.DISABLE) {
            b.clientKey(sslClientKey, sslClientChain);
        }
        if (sslCert != null && sslCertMode != SslCertMode.DISABLE) {
            requireFile("sslcert", sslCert);
            if (sslKey == null || !Files.isRegularFile(sslKey)) {
                throw PgConnectionException.configuration("sslkey: certificate present, but not private key file \""
                        + sslKey + "\"", null);
            }
            checkKeyPermissions(sslKey);
            libpq.put("sslcert", sslCert.toString());
            libpq.put("sslkey", sslKey.toString());
            if (sslPassword != null) {
                libpq.put("sslpassword", sslPassword);
            }
        }
        libpq.put("sslsni", sslSni ? "1" : "0");
        libpq.put("ssl_min_protocol_version", sslMinProtocol);
        if (sslMaxProtocol != null) {
            libpq.put("ssl_max_protocol_version", sslMaxProtocol);
        }
        LibpqTls.apply(libpq, b);
        if (sslKeyLogFile != null) {
            b.keyLogFile(sslKeyLogFile);
        }
        return b.build();
    }

    /** The name the TLS layer verifies and sends as SNI: host, or hostaddr when no host was given. */
    public String tlsHost() {
        if (host == null && sslMode == SslMode.VERIFY_FULL) {
            throw PgConnectionException.configuration("host name must be specified for a verified SSL connection (sslmode=verify-full with only hostaddr)", null);
        }
        return host != null ? host : hostaddr;
    }

    /** libpq refuses private keys others can read: 0600 or less, or 0640 or less when owned by root. */
    public static void checkKeyPermissions(Path key) {
        Set<java.nio.file.attribute.PosixFilePermission> perms;
        String owner;
        try {
            perms = Files.getPosixFilePermissions(key);
            owner = Files.getOwner(key).getName();
        } catch (UnsupportedOperationException | java.io.IOException e) {
            return;
        }
        boolean others = perms.stream().anyMatch(p -> p.name().startsWith("OTHERS"));
        boolean groupBeyondRead = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") && !p.name().equals("GROUP_READ"));
        boolean groupRead = perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
        if (others || groupBeyondRead || (groupRead && !owner.equals("root"))) {
            throw PgConnectionException.configuration("sslkey: private key file \"" + key + "\" has group or world access; file must"
                    + " have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640)"
                    + " or less if owned by root", null);
        }
    }

    private static void requireFile(String param, Path p) {
        if (!Files.isRegularFile(p)) {
            throw PgConnectionException.configuration(param + ": file \"" + p + "\" does not exist", null);
        }
        if (!Files.isReadable(p)) {
            throw PgConnectionException.configuration(param + ": file \"" + p + "\" is not readable", null);
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PgConfig{");
        if (hosts.size() > 1) {
            s.append("hosts=").append(hosts).append(", target_session_attrs=").append(targetSessionAttrs.keyword());
            if (loadBalanceHosts != LoadBalanceHosts.DISABLE) {
                s.append(", load_balance_hosts=").append(loadBalanceHosts.keyword());
            }
        } else {
            s.append("host=").append(host);
            if (hostaddr != null) {
                s.append(", hostaddr=").append(hostaddr);
            }
            s.append(", port=").append(port);
        }
        s.append(", user=").append(user).append(", dbname=").append(database)
                .append(", password=").append(password == null ? "<none>" : "<hidden>")
                .append(", sslmode=").append(sslMode.keyword())
                .append(", sslnegotiation=").append(sslNegotiation.name().toLowerCase(Locale.ROOT));
        if (sslRootCert != null) {
            s.append(", sslrootcert=").append(sslRootCert);
        }
        if (sslCert != null) {
            s.append(", sslcert=").append(sslCert).append(", sslkey=").append(sslKey);
        }
        if (sslRootCertificates != null) {
            s.append(", sslrootcert=<").append(sslRootCertificates.size()).append(" certificates in memory>");
        }
        if (sslClientKey != null) {
            s.append(", sslcert=<in memory: ").append(sslClientChain.get(0).getSubjectX500Principal().getName()).append('>');
        }
        if (sslPassword != null) {
            s.append(", sslpassword=<hidden>");
        }
        s.append(", channel_binding=").append(channelBinding.name().toLowerCase(Locale.ROOT));
        return s.append('}').toString();
    }

    /** Builds a {@link PgConfig}; values are validated when set, defaults resolved in {@link #build()}. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();
        private Map<String, String> environment = System.getenv();
        private List<X509Certificate> rootCertificates;
        private PrivateKey clientKey;
        private List<X509Certificate> clientChain;

        private Builder() {}

        /**
         * Root certificates held in memory instead of an {@code sslrootcert} file (e.g. from a
         * Spring Boot SSL bundle); like sslrootcert, they make require/prefer/allow verify the chain.
         */
        public Builder sslRootCertificates(List<X509Certificate> certificates) {
            if (certificates == null || certificates.isEmpty()) {
                throw new PgConfigException("sslRootCertificates: no certificates given");
            }
            this.rootCertificates = List.copyOf(certificates);
            return this;
        }

        /** A client key and its certificate chain (leaf first) held in memory instead of sslcert/sslkey files. */
        public Builder sslClientKey(PrivateKey key, List<X509Certificate> chain) {
            if (key == null || chain == null || chain.isEmpty()) {
                throw new PgConfigException("sslClientKey: needs a private key and its certificate chain");
            }
            this.clientKey = key;
            this.clientChain = List.copyOf(chain);
            return this;
        }

        /** Environment for PG* defaults and HOME (default {@link System#getenv()}); pass Map.of() to ignore it. */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(Objects.requireNonNull(env, "env"));
            return this;
        }

        /** Applies every parameter of a conninfo string or URI. */
        public Builder conninfo(String conninfo) {
            ConnInfoParser.parse(Objects.requireNonNull(conninfo, "conninfo"), this);
            return this;
        }

        /** Sets one parameter by its libpq keyword, validating the value. */
        public Builder set(String keyword, String value) {
            if (!KEYWORDS.containsKey(keyword)) {
                throw new PgConfigException("unknown parameter \"" + keyword + "\"");
            }
            Objects.requireNonNull(value, keyword);
            validate(keyword, value);
            values.put(keyword, value);
            return this;
        }

        public Builder host(String v) {
            return set("host", v);
        }

        public Builder hostaddr(String v) {
            return set("hostaddr", v);
        }

        public Builder port(int v) {
            return set("port", Integer.toString(v));
        }

        public Builder user(String v) {
            return set("user", v);
        }

        public Builder password(String v) {
            return set("password", v);
        }

        public Builder database(String v) {
            return set("dbname", v);
        }

        public Builder sslMode(SslMode v) {
            return set("sslmode", v.keyword());
        }

        public Builder sslNegotiation(SslNegotiation v) {
            return set("sslnegotiation", v.name().toLowerCase(Locale.ROOT));
        }

        /** A PEM file, or "system" for the JDK's trust store (forces verify-full). */
        public Builder sslRootCert(String v) {
            return set("sslrootcert", v);
        }

        public Builder sslCert(Path v) {
            return set("sslcert", v.toString());
        }

        public Builder sslKey(Path v) {
            return set("sslkey", v.toString());
        }

        public Builder sslPassword(String v) {
            return set("sslpassword", v);
        }

        public Builder channelBinding(ChannelBindingMode v) {
            return set("channel_binding", v.name().toLowerCase(Locale.ROOT));
        }

        public Builder requireAuth(String v) {
            return set("require_auth", v);
        }

        /** Whole-connect limit, whole seconds as libpq (values below 2 s become 2 s; 0 = none). */
        public Builder connectTimeout(Duration v) {
            return set("connect_timeout", Long.toString(v.toSeconds()));
        }

        public Builder targetSessionAttrs(TargetSessionAttrs v) {
            return set("target_session_attrs", v.keyword());
        }

        public Builder loadBalanceHosts(LoadBalanceHosts v) {
            return set("load_balance_hosts", v.keyword());
        }

        public Builder applicationName(String v) {
            return set("application_name", v);
        }

        public Builder options(String v) {
            return set("options", v);
        }

        public PgConfig build() {
            Map<String, String> merged = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : KEYWORDS.entrySet()) {
                String envValue = e.getValue() == null ? null : environment.get(e.getValue());
                if (envValue != null && !envValue.isEmpty()) {
                    try {
                        validate(e.getKey(), envValue);
                    } catch (PgConfigException ex) {
                        throw new PgConfigException("environment variable " + e.getValue() + ": " + ex.getMessage());
                    }
                    merged.put(e.getKey(), envValue);
                }
            }
            String service = values.getOrDefault("service", merged.get("service"));
            if (service != null) {
                Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home", ".")));
                // libpq: the service's values come before the environment's, after the connection string's
                for (Map.Entry<String, String> e : ServiceFile.lookup(service, environment, home).entrySet()) {
                    if (!KEYWORDS.containsKey(e.getKey())) {
                        throw new PgConfigException("service \"" + service + "\": unknown parameter \"" + e.getKey() + "\"");
                    }
                    try {
                        validate(e.getKey(), e.getValue());
                    } catch (PgConfigException ex) {
                        throw new PgConfigException("service \"" + service + "\": " + ex.getMessage());
                    }
                    merged.put(e.getKey(), e.getValue());
                }
            }
            merged.putAll(values);
            return new PgConfig(merged, environment, rootCertificates, clientKey, clientChain);
        }

        private static void validate(String key, String value) {
            switch (key) {
                case "port" -> {
                    for (String one : value.split(",", -1)) {
                        if (!one.isEmpty() || !value.contains(",")) {
                            int p = parseInt(key, one);
                            if (p < 1 || p > 65535) {
                                throw new PgConfigException("invalid port number \"" + one + "\"");
                            }
                        }
                    }
                }
                case "target_session_attrs" -> TargetSessionAttrs.parse(value);
                case "load_balance_hosts" -> LoadBalanceHosts.parse(value);
                case "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                     "keepalives_count", "tcp_user_timeout" -> parseInt(key, value);
                case "hostaddr" -> {
                    for (String one : value.split(",", -1)) {
                        if (!(one.isEmpty() && value.contains(",")) && !isIpLiteral(one)) {
                            throw new PgConfigException("invalid hostaddr value \"" + one
                                    + "\" (must be a numeric IP address)");
                        }
                    }
                }
                case "sslmode" -> SslMode.parse(value);
                case "sslnegotiation" -> SslNegotiation.parse(value);
                case "sslcertmode" -> SslCertMode.parse(value);
                case "channel_binding" -> ChannelBindingMode.parse(value);
                case "require_auth" -> RequireAuth.parse(value);
                case "sslsni", "sslcompression" -> {
                    if (!value.equals("0") && !value.equals("1")) {
                        throw new PgConfigException("invalid " + key + " value \"" + value + "\" (must be 0 or 1)");
                    }
                }
                case "ssl_min_protocol_version", "ssl_max_protocol_version" -> {
                    if (!TLS_VERSIONS.contains(value)) {
                        throw new PgConfigException("invalid " + key + " value \"" + value
                                + "\" (one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3)");
                    }
                }
                case "client_encoding" -> {
                    String enc = value.toUpperCase(Locale.ROOT).replace("-", "");
                    if (!enc.equals("UTF8") && !enc.equals("UNICODE") && !enc.equals("AUTO")) {
                        throw new PgConfigException("unsupported client_encoding \"" + value + "\" (only UTF8)");
                    }
                }
                case "gssencmode" -> {
                    if (!Set.of("disable", "allow", "prefer", "require").contains(value)) {
                        throw new PgConfigException("invalid gssencmode value \"" + value + "\"");
                    }
                }
                default -> { }
            }
        }

        private static int parseInt(String key, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new PgConfigException("invalid integer value \"" + value + "\" for " + key);
            }
        }

        static boolean isIpLiteral(String s) {
            if (s.contains(":")) {
                return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
            return true;
        }
    }
}
