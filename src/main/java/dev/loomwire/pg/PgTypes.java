package dev.loomwire.pg;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/** Conversion between Java values and PostgreSQL's text and binary wire formats. */
final class PgTypes {
    private static final LocalDate PG_EPOCH_DATE = LocalDate.of(2000, 1, 1);
    private static final LocalDateTime PG_EPOCH = PG_EPOCH_DATE.atStartOfDay();

    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR_OF_ERA, 4, 9, SignStyle.NOT_NEGATIVE).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).toFormatter();
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private static final DateTimeFormatter TIMETZ_OUT = new DateTimeFormatterBuilder().append(TIME)
            .appendOffset("+HH:MM:ss", "+00").toFormatter();

    private PgTypes() {}

    /** A parameter ready for Bind. */
    record Param(int oid, short format, byte[] value) {}

    static Param encode(Object v) {
        if (v == null) {
            return new Param(Oid.UNSPECIFIED, (short) 0, null);
        }
        ByteBuffer b;
        switch (v) {
            case String s -> {
                return new Param(Oid.UNSPECIFIED, (short) 0, s.getBytes(StandardCharsets.UTF_8));
            }
            case Boolean x -> {
                return binary(Oid.BOOL, new byte[] {(byte) (x ? 1 : 0)});
            }
            case Short x -> {
                return binary(Oid.INT2, new byte[] {(byte) (x >> 8), (byte) (short) x});
            }
            case Integer x -> {
                return binary(Oid.INT4, int32(x));
            }
            case Long x -> {
                return binary(Oid.INT8, int64(x));
            }
            case Float x -> {
                return binary(Oid.FLOAT4, int32(Float.floatToRawIntBits(x)));
            }
            case Double x -> {
                return binary(Oid.FLOAT8, int64(Double.doubleToRawLongBits(x)));
            }
            case BigDecimal x -> {
                return new Param(Oid.NUMERIC, (short) 0, x.toPlainString().getBytes(StandardCharsets.US_ASCII));
            }
            case BigInteger x -> {
                return new Param(Oid.NUMERIC, (short) 0, x.toString().getBytes(StandardCharsets.US_ASCII));
            }
            case byte[] x -> {
                return binary(Oid.BYTEA, x.clone());
            }
            case UUID x -> {
                b = ByteBuffer.allocate(16).putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
                return binary(Oid.UUID, b.array());
            }
            case LocalDate x -> {
                return binary(Oid.DATE, ByteBuffer.allocate(4).putInt(dateToPg(x)).array());
            }
            case LocalTime x -> {
                return binary(Oid.TIME, ByteBuffer.allocate(8).putLong(x.toNanoOfDay() / 1000).array());
            }
            case LocalDateTime x -> {
                return binary(Oid.TIMESTAMP, ByteBuffer.allocate(8).putLong(timestampToPg(x)).array());
            }
            case OffsetDateTime x -> {
                long micros = timestampToPg(x.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
                return binary(Oid.TIMESTAMPTZ, ByteBuffer.allocate(8).putLong(micros).array());
            }
            case Instant x -> {
                long micros = timestampToPg(LocalDateTime.ofInstant(x, ZoneOffset.UTC));
                return binary(Oid.TIMESTAMPTZ, ByteBuffer.allocate(8).putLong(micros).array());
            }
            case OffsetTime x -> {
                return new Param(Oid.TIMETZ, (short) 0, x.format(TIMETZ_OUT).getBytes(StandardCharsets.US_ASCII));
            }
            case PgInterval x -> {
                return new Param(Oid.INTERVAL, (short) 0, x.toString().getBytes(StandardCharsets.US_ASCII));
            }
            case Duration x -> {
                return new Param(Oid.INTERVAL, (short) 0, PgInterval.of(x).toString().getBytes(StandardCharsets.US_ASCII));
            }
            case InetAddress x -> {
                return new Param(Oid.INET, (short) 0, x.getHostAddress().getBytes(StandardCharsets.US_ASCII));
            }
            case Character x -> {
                return new Param(Oid.UNSPECIFIED, (short) 0, x.toString().getBytes(StandardCharsets.UTF_8));
            }
            case Enum<?> x -> {
                return new Param(Oid.UNSPECIFIED, (short) 0, x.name().getBytes(StandardCharsets.UTF_8));
            }
            case Collection<?> c -> {
                return encodeArray(new ArrayList<>(c), null);
            }
            default -> {
                if (v.getClass().isArray()) {
                    int n = Array.getLength(v);
                    List<Object> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(Array.get(v, i));
                    }
                    return encodeArray(items, v.getClass().getComponentType());
                }
                throw new PgException("cannot send a parameter of type " + v.getClass().getName());
            }
        }
    }

    private static Param binary(int oid, byte[] value) {
        return new Param(oid, (short) 1, value);
    }

    private static int elementOidFor(Class<?> c) {
        if (c == String.class || c == Character.class || c == char.class) {
            return Oid.TEXT;
        }
        if (c == Boolean.class || c == boolean.class) {
            return Oid.BOOL;
        }
        if (c == Short.class || c == short.class) {
            return Oid.INT2;
        }
        if (c == Integer.class || c == int.class) {
            return Oid.INT4;
        }
        if (c == Long.class || c == long.class) {
            return Oid.INT8;
        }
        if (c == Float.class || c == float.class) {
            return Oid.FLOAT4;
        }
        if (c == Double.class || c == double.class) {
            return Oid.FLOAT8;
        }
        if (c == BigDecimal.class || c == BigInteger.class) {
            return Oid.NUMERIC;
        }
        if (c == byte[].class) {
            return Oid.BYTEA;
        }
        if (c == UUID.class) {
            return Oid.UUID;
        }
        if (c == LocalDate.class) {
            return Oid.DATE;
        }
        if (c == LocalTime.class) {
            return Oid.TIME;
        }
        if (c == LocalDateTime.class) {
            return Oid.TIMESTAMP;
        }
        if (c == OffsetDateTime.class || c == Instant.class) {
            return Oid.TIMESTAMPTZ;
        }
        return 0;
    }

    /** One-dimensional array in binary format: ndim, has-null flag, element OID, size, lower bound, elements. */
    private static Param encodeArray(List<Object> items, Class<?> componentType) {
        Class<?> type = componentType;
        if (type == null || type == Object.class) {
            type = items.stream().filter(x -> x != null).findFirst().<Class<?>>map(Object::getClass).orElse(String.class);
        }
        int elemOid = elementOidFor(type);
        if (elemOid == 0) {
            throw new PgException("cannot send an array of " + type.getName());
        }
        dev.loomwire.pg.protocol.ByteSink out = new dev.loomwire.pg.protocol.ByteSink();
        boolean hasNull = items.contains(null);
        out.writeInt32(1).writeInt32(hasNull ? 1 : 0).writeInt32(elemOid);
        out.writeInt32(items.size()).writeInt32(1);
        for (Object item : items) {
            if (item == null) {
                out.writeInt32(-1);
                continue;
            }
            byte[] bytes;
            if (elemOid == Oid.TEXT) {
                bytes = item.toString().getBytes(StandardCharsets.UTF_8);
            } else if (elemOid == Oid.NUMERIC) {
                bytes = numericBinary(item instanceof BigInteger bi ? new BigDecimal(bi) : (BigDecimal) item);
            } else {
                Param p = encode(item);
                if (p.oid() != elemOid) {
                    throw new PgException("array mixes element types " + type.getName() + " and "
                            + item.getClass().getName());
                }
                bytes = p.value();
            }
            out.writeInt32(bytes.length).writeBytes(bytes);
        }
        return binary(Oid.arrayOf(elemOid), out.toByteArray());
    }

    /** numeric in binary: ndigits, weight, sign, dscale, base-10000 digits. Only used inside arrays. */
    static byte[] numericBinary(BigDecimal d) {
        int scale = Math.max(d.scale(), 0);
        BigInteger unscaled = d.setScale(scale).unscaledValue().abs();
        String digits = unscaled.toString();
        int intLen = digits.length() - scale;
        String intPart = intLen > 0 ? digits.substring(0, intLen) : "0";
        String fracPart = intLen > 0 ? digits.substring(intLen) : "0".repeat(-intLen) + digits;
        int padInt = (4 - intPart.length() % 4) % 4;
        intPart = "0".repeat(padInt) + intPart;
        int padFrac = (4 - fracPart.length() % 4) % 4;
        fracPart = fracPart + "0".repeat(padFrac);
        List<Integer> groups = new ArrayList<>();
        for (int i = 0; i < intPart.length(); i += 4) {
            groups.add(Integer.parseInt(intPart.substring(i, i + 4)));
        }
        int weight = groups.size() - 1;
        for (int i = 0; i < fracPart.length(); i += 4) {
            groups.add(Integer.parseInt(fracPart.substring(i, i + 4)));
        }
        while (!groups.isEmpty() && groups.get(0) == 0) {
            groups.remove(0);
            weight--;
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
            groups.remove(groups.size() - 1);
        }
        if (groups.isEmpty()) {
            weight = 0;
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 2 * groups.size());
        b.putShort((short) groups.size()).putShort((short) weight)
                .putShort((short) (d.signum() < 0 ? 0x4000 : 0)).putShort((short) scale);
        for (int g : groups) {
            b.putShort((short) g);
        }
        return b.array();
    }

    static int dateToPg(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return Integer.MAX_VALUE;
        }
        if (d.equals(LocalDate.MIN)) {
            return Integer.MIN_VALUE;
        }
        return Math.toIntExact(ChronoUnit.DAYS.between(PG_EPOCH_DATE, d));
    }

    static long timestampToPg(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) {
            return Long.MAX_VALUE;
        }
        if (t.equals(LocalDateTime.MIN)) {
            return Long.MIN_VALUE;
        }
        return ChronoUnit.MICROS.between(PG_EPOCH, t);
    }

    static LocalDateTime pgToTimestamp(long micros) {
        if (micros == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        return PG_EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** Big-endian bytes of an int, without a ByteBuffer. */
    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** Big-endian bytes of a long, without a ByteBuffer. */
    private static byte[] int64(long v) {
        return new byte[] {(byte) (v >>> 56), (byte) (v >>> 48), (byte) (v >>> 40), (byte) (v >>> 32),
            (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** Decodes a non-null column value to its natural Java type (unknown types: the text). */
    static Object decode(int oid, int format, byte[] v) {
        return format == 1 ? decodeBinary(oid, v) : decodeText(oid, new String(v, StandardCharsets.UTF_8));
    }

    private static void len(byte[] v, int n, int oid) {
        if (v.length != n) {
            throw new PgException("binary value of type " + oid + " has " + v.length
                    + " bytes, expected " + n);
        }
    }

    static Object decodeBinary(int oid, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        switch (oid) {
            case Oid.BOOL -> {
                len(v, 1, oid);
                return v[0] != 0;
            }
            case Oid.INT2 -> {
                len(v, 2, oid);
                return b.getShort();
            }
            case Oid.INT4 -> {
                len(v, 4, oid);
                return b.getInt();
            }
            case Oid.OID -> {
                len(v, 4, oid);
                return Integer.toUnsignedLong(b.getInt());
            }
            case Oid.INT8 -> {
                len(v, 8, oid);
                return b.getLong();
            }
            case Oid.FLOAT4 -> {
                len(v, 4, oid);
                return b.getFloat();
            }
            case Oid.FLOAT8 -> {
                len(v, 8, oid);
                return b.getDouble();
            }
            case Oid.BYTEA -> {
                return v;
            }
            case Oid.UUID -> {
                len(v, 16, oid);
                return new UUID(b.getLong(), b.getLong());
            }
            case Oid.DATE -> {
                len(v, 4, oid);
                int days = b.getInt();
                return days == Integer.MAX_VALUE ? LocalDate.MAX
                        : days == Integer.MIN_VALUE ? LocalDate.MIN : PG_EPOCH_DATE.plusDays(days);
            }
            case Oid.TIME -> {
                len(v, 8, oid);
                long micros = b.getLong();
                return micros >= 86_400_000_000L ? LocalTime.MAX : LocalTime.ofNanoOfDay(micros * 1000);
            }
            case Oid.TIMESTAMP -> {
                len(v, 8, oid);
                return pgToTimestamp(b.getLong());
            }
            case Oid.TIMESTAMPTZ -> {
                len(v, 8, oid);
                long micros = b.getLong();
                if (micros == Long.MAX_VALUE) {
                    return OffsetDateTime.MAX;
                }
                if (micros == Long.MIN_VALUE) {
                    return OffsetDateTime.MIN;
                }
                return pgToTimestamp(micros).atOffset(ZoneOffset.UTC);
            }
            case Oid.JSONB -> {
                if (v.length < 1 || v[0] != 1) {
                    throw new PgException("unknown jsonb binary version");
                }
                return new String(v, 1, v.length - 1, StandardCharsets.UTF_8);
            }
            default -> {
                int elem = Oid.elementOf(oid);
                if (elem != 0) {
                    return decodeBinaryArray(b, elem);
                }
                return new String(v, StandardCharsets.UTF_8);
            }
        }
    }

    private static List<Object> decodeBinaryArray(ByteBuffer b, int expectedElem) {
        try {
            int ndim = b.getInt();
            b.getInt();
            int elem = b.getInt();
            if (ndim == 0) {
                return List.of();
            }
            if (ndim < 0 || ndim > 6) {
                throw new PgException("array with " + ndim + " dimensions");
            }
            int[] dims = new int[ndim];
            for (int i = 0; i < ndim; i++) {
                dims[i] = b.getInt();
                b.getInt();
                if (dims[i] < 0 || dims[i] > b.remaining() / 4 + 1) {
                    throw new PgException("array dimension " + dims[i] + " does not fit the value");
                }
            }
            return readArrayLevel(b, dims, 0, elem == 0 ? expectedElem : elem);
        } catch (java.nio.BufferUnderflowException e) {
            throw new PgException("truncated binary array value");
        }
    }

    private static List<Object> readArrayLevel(ByteBuffer b, int[] dims, int level, int elem) {
        List<Object> out = new ArrayList<>(dims[level]);
        for (int i = 0; i < dims[level]; i++) {
            if (level + 1 < dims.length) {
                out.add(readArrayLevel(b, dims, level + 1, elem));
            } else {
                int n = b.getInt();
                if (n == -1) {
                    out.add(null);
                } else {
                    if (n < 0 || n > b.remaining()) {
                        throw new PgException("array element length " + n + " does not fit the value");
                    }
                    byte[] e = new byte[n];
                    b.get(e);
                    out.add(elem == Oid.NUMERIC ? decodeText(elem, numericText(e)) : decodeBinary(elem, e));
                }
            }
        }
        return out;
    }

    private static String numericText(byte[] e) {
        ByteBuffer b = ByteBuffer.wrap(e);
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xFFFF;
        int dscale = b.getShort();
        if (sign == 0xC000) {
            return "NaN";
        }
        BigDecimal r = BigDecimal.ZERO;
        for (int i = 0; i < ndigits; i++) {
            r = r.add(BigDecimal.valueOf(b.getShort()).scaleByPowerOfTen(4 * (weight - i)));
        }
        r = r.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
        return (sign == 0x4000 ? r.negate() : r).toPlainString();
    }

    static Object decodeText(int oid, String s) {
        try {
            return switch (oid) {
                case Oid.BOOL -> s.equals("t") || s.equals("true");
                case Oid.INT2 -> Short.parseShort(s);
                case Oid.INT4 -> Integer.parseInt(s);
                case Oid.INT8, Oid.OID -> Long.parseLong(s);
                case Oid.FLOAT4 -> Float.parseFloat(s);
                case Oid.FLOAT8 -> Double.parseDouble(s);
                case Oid.NUMERIC -> s.equals("NaN") ? Double.NaN : new BigDecimal(s);
                case Oid.BYTEA -> parseBytea(s);
                case Oid.UUID -> UUID.fromString(s);
                case Oid.DATE -> parseDate(s);
                case Oid.TIME -> LocalTime.parse(s, TIME);
                case Oid.TIMESTAMP -> parseTimestamp(s);
                case Oid.TIMESTAMPTZ -> parseTimestamptz(s);
                case Oid.TIMETZ -> parseTimetz(s);
                case Oid.INTERVAL -> PgInterval.parse(s);
                default -> {
                    int elem = Oid.elementOf(oid);
                    yield elem == 0 ? s : convertTextArray(TextArrays.parse(s), elem);
                }
            };
        } catch (RuntimeException e) {
            if (e instanceof PgException) {
                throw e;
            }
            throw new PgException("cannot decode text value of type " + oid + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> convertTextArray(List<Object> raw, int elem) {
        List<Object> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (o == null) {
                out.add(null);
            } else if (o instanceof List<?> nested) {
                @SuppressWarnings("unchecked")
                List<Object> n = (List<Object>) nested;
                out.add(convertTextArray(n, elem));
            } else {
                out.add(decodeText(elem, (String) o));
            }
        }
        return out;
    }

    static byte[] parseBytea(String s) {
        if (s.startsWith("\\x")) {
            return HexFormat.of().parseHex(s, 2, s.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (c == '\\' && i + 3 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    static LocalDate parseDate(String s) {
        if (s.equals("infinity")) {
            return LocalDate.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDate.MIN;
        }
        boolean bc = s.endsWith(" BC");
        LocalDate d = LocalDate.parse(bc ? s.substring(0, s.length() - 3) : s, DATE);
        return bc ? d.withYear(1 - d.getYear()) : d;
    }

    static LocalDateTime parseTimestamp(String s) {
        if (s.equals("infinity")) {
            return LocalDateTime.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDateTime.MIN;
        }
        boolean bc = s.endsWith(" BC");
        String t = bc ? s.substring(0, s.length() - 3) : s;
        int space = t.indexOf(' ');
        LocalDateTime r = LocalDateTime.of(LocalDate.parse(t.substring(0, space), DATE),
                LocalTime.parse(t.substring(space + 1), TIME));
        return bc ? r.withYear(1 - r.getYear()) : r;
    }

    static OffsetDateTime parseTimestamptz(String s) {
        if (s.equals("infinity")) {
            return OffsetDateTime.MAX;
        }
        if (s.equals("-infinity")) {
            return OffsetDateTime.MIN;
        }
        boolean bc = s.endsWith(" BC");
        String t = bc ? s.substring(0, s.length() - 3) : s;
        int sign = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
        if (sign <= t.indexOf(' ')) {
            throw new PgException("timestamptz without offset: " + s);
        }
        LocalDateTime local = parseTimestamp(t.substring(0, sign));
        OffsetDateTime r = local.atOffset(offset(t, sign));
        return bc ? r.withYear(1 - r.getYear()) : r;
    }

    /** {@code 04:05:06.789+05:30}, {@code 04:05:06-08}, {@code 04:05:06+05:30:15}. */
    static OffsetTime parseTimetz(String s) {
        int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        if (sign <= 0) {
            throw new PgException("timetz without offset: " + s);
        }
        return OffsetTime.of(LocalTime.parse(s.substring(0, sign), TIME), offset(s, sign));
    }

    private static ZoneOffset offset(String t, int sign) {
        String[] off = t.substring(sign + 1).split(":");
        int secs = Integer.parseInt(off[0]) * 3600 + (off.length > 1 ? Integer.parseInt(off[1]) * 60 : 0)
                + (off.length > 2 ? Integer.parseInt(off[2]) : 0);
        return ZoneOffset.ofTotalSeconds(t.charAt(sign) == '-' ? -secs : secs);
    }

    /** The address part of inet/cidr text ({@code 10.1.0.0/16} → 10.1.0.0); IP literals need no DNS. */
    static InetAddress parseInet(String s) {
        int slash = s.indexOf('/');
        String literal = slash < 0 ? s : s.substring(0, slash);
        if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                || literal.indexOf(':') < 0 && !literal.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            throw new PgException("not an IP address: " + s);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new PgException("not an IP address: " + s, e);
        }
    }

    /** Text form of a decoded value, matching what the server's text output would say where it matters. */
    static String toText(Object o) {
        if (o instanceof byte[] b) {
            return "\\x" + HexFormat.of().formatHex(b);
        }
        if (o instanceof Boolean x) {
            return x ? "t" : "f";
        }
        if (o instanceof LocalDateTime t) {
            return t.toLocalDate() + " " + t.toLocalTime();
        }
        return String.valueOf(o);
    }
}
