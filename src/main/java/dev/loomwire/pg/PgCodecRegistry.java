package dev.loomwire.pg;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which {@link PgCodec} handles which PostgreSQL type, on top of the built-in conversions
 * (numbers, text, bytea, uuid, date/time, interval, arrays...). Immutable: {@code with(...)}
 * returns a new registry, so one instance can be shared by every connection of a pool.
 *
 * <p>Built-in types have fixed OIDs: register by OID. Extension types (hstore, citext, PostGIS)
 * get per-database OIDs: register by type name, and each connection looks the names up in
 * {@code pg_type} once, right after connecting (one round trip, only if the registry has names).
 *
 * <pre>{@code
 * PgCodecRegistry codecs = PgCodecRegistry.defaults().with("hstore", PgCodecRegistry.hstore());
 * try (PgConnection c = PgConnection.connect(config, codecs)) {
 *     Map<?, ?> tags = c.query("SELECT 'a=>1'::hstore").single().get(0, Map.class);
 * }
 * }</pre>
 */
public final class PgCodecRegistry {
    private static final PgCodecRegistry DEFAULTS = new PgCodecRegistry(Map.of(), Map.of());

    private final Map<Integer, PgCodec<?>> byOid;
    private final Map<String, PgCodec<?>> byName;

    private PgCodecRegistry(Map<Integer, PgCodec<?>> byOid, Map<String, PgCodec<?>> byName) {
        this.byOid = byOid;
        this.byName = byName;
    }

    /** The built-in conversions only. */
    public static PgCodecRegistry defaults() {
        return DEFAULTS;
    }

    /** This registry plus {@code codec} for the type with this OID (replacing the built-in conversion). */
    public PgCodecRegistry with(int oid, PgCodec<?> codec) {
        if (oid <= 0 || codec == null) {
            throw new IllegalArgumentException("a codec needs a positive type OID and a codec, got OID " + oid);
        }
        Map<Integer, PgCodec<?>> m = new HashMap<>(byOid);
        m.put(oid, codec);
        return new PgCodecRegistry(Collections.unmodifiableMap(m), byName);
    }

    /** This registry plus {@code codec} for the type named {@code typeName} in pg_type (e.g. "hstore"). */
    public PgCodecRegistry with(String typeName, PgCodec<?> codec) {
        if (typeName == null || typeName.isBlank() || codec == null) {
            throw new IllegalArgumentException("a codec needs a type name and a codec");
        }
        Map<String, PgCodec<?>> m = new LinkedHashMap<>(byName);
        m.put(typeName, codec);
        return new PgCodecRegistry(byOid, Collections.unmodifiableMap(m));
    }

    /** Type names whose OIDs each connection looks up. */
    Set<String> typeNames() {
        return byName.keySet();
    }

    /** The codecs for one connection, with the by-name ones placed at the OIDs that database gave them. */
    Resolved resolve(Map<String, Integer> oidsByName) {
        if (byName.isEmpty()) {
            return new Resolved(byOid);
        }
        Map<Integer, PgCodec<?>> m = new HashMap<>(byOid);
        byName.forEach((name, codec) -> {
            Integer oid = oidsByName.get(name);
            if (oid != null) {
                m.put(oid, codec);
            }
        });
        return new Resolved(m);
    }

    /** {@code hstore} as {@code Map<String, String>} (insertion-ordered; NULL values are null). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static PgCodec<Map<String, String>> hstore() {
        return (PgCodec) Hstore.CODEC;
    }

    /** Codecs of one connection: OID to codec for decoding, Java class to codec and OID for encoding. */
    static final class Resolved {
        static final Resolved BUILT_IN = new Resolved(Map.of());

        private final Map<Integer, PgCodec<?>> byOid;
        private final Map<Class<?>, Integer> oidByClass;

        Resolved(Map<Integer, PgCodec<?>> byOid) {
            this.byOid = byOid;
            Map<Class<?>, Integer> classes = new HashMap<>();
            byOid.forEach((oid, codec) -> classes.putIfAbsent(codec.javaType(), oid));
            this.oidByClass = classes;
        }

        /** Decodes a non-null value: a registered codec, else the built-in conversion. */
        Object decode(int oid, int format, byte[] v) {
            if (!byOid.isEmpty()) {
                PgCodec<?> codec = byOid.get(oid);
                if (codec != null) {
                    return format == 1 && codec.binary() ? codec.decodeBinary(v)
                            : codec.decodeText(new String(v, StandardCharsets.UTF_8));
                }
            }
            return PgTypes.decode(oid, format, v);
        }

        /** True when values of this type are converted by the built-in rules (no registered codec). */
        boolean builtIn(int oid) {
            return byOid.isEmpty() || !byOid.containsKey(oid);
        }

        /** Whether to ask for this result type in binary format. */
        boolean binaryResult(int oid) {
            if (!byOid.isEmpty()) {
                PgCodec<?> codec = byOid.get(oid);
                if (codec != null) {
                    return codec.binary();
                }
            }
            return Oid.binaryDecodable(oid);
        }

        /** Encodes a parameter: typed wrapper, a registered codec's class, else the built-in encoding. */
        PgTypes.Param encode(Object v) {
            if (v instanceof PgParam p) {
                return typed(p.oid(), p.value());
            }
            if (v != null && !oidByClass.isEmpty()) {
                Integer oid = oidByClass.get(v.getClass());
                if (oid == null) {
                    for (Map.Entry<Class<?>, Integer> e : oidByClass.entrySet()) {
                        if (e.getKey().isInstance(v)) {
                            oid = e.getValue();
                            break;
                        }
                    }
                }
                if (oid != null) {
                    return encodeWith(oid, byOid.get(oid), v);
                }
            }
            return PgTypes.encode(v);
        }

        @SuppressWarnings("unchecked")
        private static <T> PgTypes.Param encodeWith(int oid, PgCodec<T> codec, Object v) {
            T value = (T) v;
            return codec.binary() ? new PgTypes.Param(oid, (short) 1, codec.encodeBinary(value))
                    : text(oid, codec.encodeText(value));
        }

        private PgTypes.Param typed(int oid, Object value) {
            if (value == null) {
                return new PgTypes.Param(oid, (short) 0, null);
            }
            PgTypes.Param natural = encode(value);
            if (natural.oid() == oid) {
                return natural;
            }
            return text(oid, value instanceof String s ? s : PgTypes.toText(value));
        }

        private static PgTypes.Param text(int oid, String s) {
            return new PgTypes.Param(oid, (short) 0, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The hstore text format: {@code "k"=>"v", "k2"=>NULL}, backslash escapes inside quotes. */
    static final class Hstore implements PgCodec<Map<?, ?>> {
        static final Hstore CODEC = new Hstore();

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Class<Map<?, ?>> javaType() {
            return (Class) Map.class;
        }

        @Override
        public Map<?, ?> decodeText(String text) {
            return parse(text);
        }

        @Override
        public String encodeText(Map<?, ?> value) {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<?, ?> e : value.entrySet()) {
                if (e.getKey() == null) {
                    throw new PgException("hstore keys must not be null");
                }
                if (!b.isEmpty()) {
                    b.append(", ");
                }
                quote(b, e.getKey().toString());
                b.append("=>");
                if (e.getValue() == null) {
                    b.append("NULL");
                } else {
                    quote(b, e.getValue().toString());
                }
            }
            return b.toString();
        }

        private static void quote(StringBuilder b, String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            b.append('"');
        }

        static Map<String, String> parse(String s) {
            Map<String, String> out = new LinkedHashMap<>();
            int[] pos = {0};
            while (true) {
                skip(s, pos, " ,");
                if (pos[0] >= s.length()) {
                    return out;
                }
                String key = token(s, pos);
                skip(s, pos, " ");
                if (!s.startsWith("=>", pos[0])) {
                    throw new PgException("malformed hstore value: expected => at offset " + pos[0]);
                }
                pos[0] += 2;
                skip(s, pos, " ");
                boolean quoted = pos[0] < s.length() && s.charAt(pos[0]) == '"';
                String value = token(s, pos);
                out.put(key, !quoted && value.equalsIgnoreCase("NULL") ? null : value);
            }
        }

        private static void skip(String s, int[] pos, String chars) {
            while (pos[0] < s.length() && chars.indexOf(s.charAt(pos[0])) >= 0) {
                pos[0]++;
            }
        }

        private static String token(String s, int[] pos) {
            StringBuilder b = new StringBuilder();
            if (pos[0] < s.length() && s.charAt(pos[0]) == '"') {
                pos[0]++;
                while (true) {
                    if (pos[0] >= s.length()) {
                        throw new PgException("malformed hstore value: unterminated quote");
                    }
                    char c = s.charAt(pos[0]++);
                    if (c == '"') {
                        return b.toString();
                    }
                    if (c == '\\' && pos[0] < s.length()) {
                        c = s.charAt(pos[0]++);
                    }
                    b.append(c);
                }
            }
            while (pos[0] < s.length() && " ,=".indexOf(s.charAt(pos[0])) < 0) {
                b.append(s.charAt(pos[0]++));
            }
            if (b.isEmpty()) {
                throw new PgException("malformed hstore value at offset " + pos[0]);
            }
            return b.toString();
        }
    }
}
