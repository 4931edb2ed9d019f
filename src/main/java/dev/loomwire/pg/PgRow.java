package dev.loomwire.pg;

import dev.loomwire.pg.protocol.BackendMessage.DataRow;
import java.lang.invoke.MethodType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One result row. Columns are addressed by 0-based index or by name (first match); typed getters
 * convert the wire value (text or binary) and return null for SQL NULL (primitive-returning
 * getters throw on NULL instead: check {@link #isNull(int)}).
 */
public final class PgRow {
    /** Columns, names and codecs: shared by every row of a result. */
    private final RowShape shape;
    /** The DataRow as it arrived: one array for the whole row, values decoded when read. */
    private final DataRow data;

    /** What the rows of one result share: decoding a row needs nothing else but its data. */
    record RowShape(List<PgColumn> columns, Map<String, Integer> byName, PgCodecRegistry.Resolved codecs) {}

    PgRow(RowShape shape, DataRow data) {
        this.shape = shape;
        this.data = data;
    }

    public int size() {
        return data.columnCount();
    }

    public List<PgColumn> columns() {
        return shape.columns();
    }

    /** Index of a column by name; throws naming the column if absent. */
    public int indexOf(String column) {
        Integer i = shape.byName().get(column);
        if (i == null) {
            throw new PgException("no column \"" + column + "\" in result (columns: "
                    + shape.columns().stream().map(PgColumn::name).toList() + ")");
        }
        return i;
    }

    private void check(int i) {
        if (i < 0 || i >= data.columnCount()) {
            throw new PgException("column index " + i + " out of range 0.." + (data.columnCount() - 1));
        }
    }

    private byte[] raw(int i) {
        check(i);
        return data.value(i);
    }

    /**
     * Offset in the row's body of binary column {@code i} of built-in type {@code oid} and
     * {@code length} bytes, or -1 when the column is not that (then the general path decodes it).
     */
    private int binaryAt(int i, int oid, int length) {
        check(i);
        PgColumn c = shape.columns().get(i);
        if (c.format() != 1 || c.typeOid() != oid || data.isNull(i) || data.length(i) != length || !shape.codecs().builtIn(oid)) {
            return -1;
        }
        return data.offsets()[i];
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long int64(byte[] b, int at) {
        return ((long) int32(b, at) << 32) | (int32(b, at + 4) & 0xFFFFFFFFL);
    }

    public boolean isNull(int i) {
        check(i);
        return data.isNull(i);
    }

    public boolean isNull(String column) {
        return isNull(indexOf(column));
    }

    /** The value as its natural Java type (Integer for int4, String for text, List for arrays...), or null. */
    public Object get(int i) {
        byte[] v = raw(i);
        if (v == null) {
            return null;
        }
        PgColumn c = shape.columns().get(i);
        return shape.codecs().decode(c.typeOid(), c.format(), v);
    }

    public Object get(String column) {
        return get(indexOf(column));
    }

    /**
     * The value converted to {@code type}; null for SQL NULL. Besides the value's natural type:
     * String for every type (the server's text form), the boxed numbers, BigDecimal/BigInteger,
     * Boolean, byte[], UUID, the java.time types (OffsetTime for timetz, Instant for timestamptz),
     * Duration and {@link PgInterval} for interval, InetAddress for inet/cidr, Map for hstore text;
     * primitive classes ({@code int.class}) mean their boxes.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(int i, Class<T> type) {
        Object o = get(i);
        if (o == null) {
            return null;
        }
        Class<?> target = type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
        try {
            return (T) target.cast(convert(o, target, i));
        } catch (ArithmeticException | ClassCastException | NumberFormatException | DateTimeException e) {
            throw new PgException("column " + i + " (\"" + shape.columns().get(i).name() + "\", type OID "
                    + shape.columns().get(i).typeOid() + ") cannot be read as " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    public <T> T get(String column, Class<T> type) {
        return get(indexOf(column), type);
    }

    private Object convert(Object o, Class<?> type, int i) {
        if (type.isInstance(o) && type != Object.class) {
            return o;
        }
        if (type == String.class) {
            return shape.columns().get(i).format() == 0 ? new String(raw(i), StandardCharsets.UTF_8) : PgTypes.toText(o);
        }
        if (type == Integer.class) {
            return number(o).intValueExact();
        }
        if (type == Long.class) {
            return number(o).longValueExact();
        }
        if (type == Short.class) {
            return number(o).shortValueExact();
        }
        if (type == Double.class) {
            return o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString());
        }
        if (type == Float.class) {
            return o instanceof Number n ? n.floatValue() : Float.parseFloat(o.toString());
        }
        if (type == BigDecimal.class) {
            return number(o);
        }
        if (type == Byte.class) {
            return number(o).byteValueExact();
        }
        if (type == BigInteger.class) {
            return number(o).toBigIntegerExact();
        }
        if (type == Boolean.class && o instanceof String s) {
            return s.equals("t") || s.equals("true");
        }
        if (type == UUID.class && o instanceof String s) {
            return UUID.fromString(s);
        }
        if (type == Instant.class && o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (type == OffsetDateTime.class && o instanceof LocalDateTime t) {
            return t.atOffset(ZoneOffset.UTC);
        }
        if (type == LocalDateTime.class && o instanceof OffsetDateTime t) {
            return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        }
        if (type == Duration.class && o instanceof PgInterval x) {
            return x.toDuration();
        }
        if (type == PgInterval.class && o instanceof String s) {
            return PgInterval.parse(s);
        }
        if (type == InetAddress.class && o instanceof String s) {
            return PgTypes.parseInet(s);
        }
        if (type == Map.class && o instanceof String s) {
            return PgCodecRegistry.Hstore.parse(s);
        }
        if (type == OffsetTime.class && o instanceof LocalTime t) {
            return t.atOffset(ZoneOffset.UTC);
        }
        if (type == LocalTime.class && o instanceof OffsetTime t) {
            return t.toLocalTime();
        }
        if (type == LocalDate.class && o instanceof LocalDateTime t) {
            return t.toLocalDate();
        }
        if (type == LocalDate.class && o instanceof OffsetDateTime t) {
            return t.toLocalDate();
        }
        if (type == LocalTime.class && o instanceof LocalDateTime t) {
            return t.toLocalTime();
        }
        if (type == LocalDateTime.class && o instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (type == Instant.class && o instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (type == Boolean.class && o instanceof Number n) {
            return n.longValue() != 0;
        }
        if (type == byte[].class && o instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return type.cast(o);
    }

    private static BigDecimal number(Object o) {
        return switch (o) {
            case BigDecimal d -> d;
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> BigDecimal.valueOf(f);
            case Number n -> BigDecimal.valueOf(n.longValue());
            default -> new BigDecimal(o.toString());
        };
    }

    private <T> T nonNull(int i, Class<T> type) {
        T v = get(i, type);
        if (v == null) {
            throw new PgException("column " + i + " (\"" + shape.columns().get(i).name() + "\") is NULL");
        }
        return v;
    }

    public String getString(int i) {
        check(i);
        PgColumn c = shape.columns().get(i);
        if ((c.typeOid() == Oid.TEXT || c.typeOid() == Oid.VARCHAR) && !data.isNull(i) && shape.codecs().builtIn(c.typeOid())) {
            // text and varchar are UTF-8 in both formats: straight from the row, no column copy
            return new String(data.body(), data.offsets()[i], data.length(i), StandardCharsets.UTF_8);
        }
        return get(i, String.class);
    }

    public String getString(String column) {
        return getString(indexOf(column));
    }

    public int getInt(int i) {
        int at = binaryAt(i, Oid.INT4, 4);
        return at >= 0 ? int32(data.body(), at) : nonNull(i, Integer.class);
    }

    public int getInt(String column) {
        return getInt(indexOf(column));
    }

    public long getLong(int i) {
        int at = binaryAt(i, Oid.INT8, 8);
        if (at >= 0) {
            return int64(data.body(), at);
        }
        at = binaryAt(i, Oid.INT4, 4);
        return at >= 0 ? int32(data.body(), at) : nonNull(i, Long.class);
    }

    public long getLong(String column) {
        return getLong(indexOf(column));
    }

    public short getShort(int i) {
        return nonNull(i, Short.class);
    }

    public double getDouble(int i) {
        int at = binaryAt(i, Oid.FLOAT8, 8);
        return at >= 0 ? Double.longBitsToDouble(int64(data.body(), at)) : nonNull(i, Double.class);
    }

    public double getDouble(String column) {
        return getDouble(indexOf(column));
    }

    public float getFloat(int i) {
        return nonNull(i, Float.class);
    }

    public boolean getBoolean(int i) {
        return nonNull(i, Boolean.class);
    }

    public boolean getBoolean(String column) {
        return getBoolean(indexOf(column));
    }

    public BigDecimal getBigDecimal(int i) {
        return get(i, BigDecimal.class);
    }

    public BigDecimal getBigDecimal(String column) {
        return getBigDecimal(indexOf(column));
    }

    public byte[] getBytes(int i) {
        return get(i, byte[].class);
    }

    public byte[] getBytes(String column) {
        return getBytes(indexOf(column));
    }

    public UUID getUuid(int i) {
        return get(i, UUID.class);
    }

    public UUID getUuid(String column) {
        return getUuid(indexOf(column));
    }

    public LocalDate getLocalDate(int i) {
        return get(i, LocalDate.class);
    }

    public LocalDate getLocalDate(String column) {
        return getLocalDate(indexOf(column));
    }

    public LocalTime getLocalTime(int i) {
        return get(i, LocalTime.class);
    }

    public LocalDateTime getLocalDateTime(int i) {
        return get(i, LocalDateTime.class);
    }

    public LocalDateTime getLocalDateTime(String column) {
        return getLocalDateTime(indexOf(column));
    }

    public OffsetDateTime getOffsetDateTime(int i) {
        return get(i, OffsetDateTime.class);
    }

    public OffsetDateTime getOffsetDateTime(String column) {
        return getOffsetDateTime(indexOf(column));
    }

    public Instant getInstant(int i) {
        return get(i, Instant.class);
    }

    public Instant getInstant(String column) {
        return getInstant(indexOf(column));
    }

    /** An array column as a list whose elements are converted to {@code elementType} (nested lists for more dimensions). */
    public <E> List<E> getList(int i, Class<E> elementType) {
        Object o = get(i);
        if (o == null) {
            return null;
        }
        if (!(o instanceof List<?> list)) {
            throw new PgException("column " + i + " (\"" + shape.columns().get(i).name() + "\") is not an array");
        }
        List<E> out = new ArrayList<>(list.size());
        for (Object e : list) {
            out.add(e == null ? null : elementType.cast(e instanceof List<?> ? e : convert(e, elementType, i)));
        }
        return out;
    }

    public <E> List<E> getList(String column, Class<E> elementType) {
        return getList(indexOf(column), elementType);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PgRow{");
        for (int i = 0; i < size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(shape.columns().get(i).name()).append('=').append(data.isNull(i) ? "NULL" : getString(i));
        }
        return s.append('}').toString();
    }
}
