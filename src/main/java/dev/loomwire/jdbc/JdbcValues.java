package dev.loomwire.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Locale;
import java.util.UUID;

/**
 * The JDBC-level conversions of a decoded value (what the driver's codecs produce: Integer,
 * String, LocalDate, OffsetDateTime...) to what a getter asks for, including the
 * {@code java.sql} date/time classes. Used by result sets and callable statements alike.
 * Returns {@code null} when it has no rule, so the caller can fall back to the codec's own.
 */
final class JdbcValues {
    private JdbcValues() {}

    /** What {@code getObject(i)} returns for a decoded value: java.time becomes java.sql date/time (as pgjdbc). */
    static Object jdbcObject(Object v) {
        return switch (v) {
            case LocalDate d -> Date.valueOf(d);
            case LocalTime t -> Time.valueOf(t);
            case LocalDateTime t -> Timestamp.valueOf(t);
            case OffsetDateTime t -> Timestamp.from(t.toInstant());
            case null, default -> v;
        };
    }

    /** {@code v} (not null) as {@code type}, or null if there is no JDBC-level rule for the pair. */
    @SuppressWarnings("unchecked")
    static <T> T convert(Object v, Class<T> type) {
        if (type.isInstance(v) && type != Object.class) {
            return (T) v;
        }
        Object out = convertRaw(v, type);
        return (T) out;
    }

    private static Object convertRaw(Object v, Class<?> type) {
        if (type == Object.class) {
            return jdbcObject(v);
        }
        if (type == String.class) {
            return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
        }
        if (type == Boolean.class || type == boolean.class) {
            return toBoolean(v);
        }
        if (Number.class.isAssignableFrom(boxed(type)) || type.isPrimitive()) {
            BigDecimal d = toDecimal(v);
            if (d == null) {
                return null;
            }
            Class<?> t = boxed(type);
            if (t == Integer.class) {
                return d.intValueExact();
            } else if (t == Long.class) {
                return d.longValueExact();
            } else if (t == Short.class) {
                return d.shortValueExact();
            } else if (t == Byte.class) {
                return d.byteValueExact();
            } else if (t == Double.class) {
                return v instanceof Number n ? n.doubleValue() : d.doubleValue();
            } else if (t == Float.class) {
                return v instanceof Number n ? n.floatValue() : d.floatValue();
            } else if (t == BigDecimal.class) {
                return d;
            } else if (t == BigInteger.class) {
                return d.toBigIntegerExact();
            }
            return null;
        }
        if (type == Date.class) {
            LocalDate d = v instanceof LocalDate x ? x : v instanceof LocalDateTime x ? x.toLocalDate()
                    : v instanceof OffsetDateTime x ? x.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate() : null;
            return d == null ? null : Date.valueOf(d);
        }
        if (type == Time.class) {
            LocalTime t = v instanceof LocalTime x ? x : v instanceof LocalDateTime x ? x.toLocalTime()
                    : v instanceof OffsetTime x ? x.toLocalTime()
                    : v instanceof OffsetDateTime x ? x.atZoneSameInstant(ZoneId.systemDefault()).toLocalTime() : null;
            return t == null ? null : Time.valueOf(t);
        }
        if (type == Timestamp.class) {
            return switch (v) {
                case LocalDateTime x -> Timestamp.valueOf(x);
                case OffsetDateTime x -> Timestamp.from(x.toInstant());
                case LocalDate x -> Timestamp.valueOf(x.atStartOfDay());
                case Instant x -> Timestamp.from(x);
                default -> null;
            };
        }
        if (type == LocalDate.class && v instanceof Date d) {
            return d.toLocalDate();
        }
        if (type == LocalDateTime.class && v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (type == OffsetDateTime.class && v instanceof Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        if (type == Instant.class && v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (type == ZonedDateTime.class && v instanceof OffsetDateTime t) {
            return t.toZonedDateTime();
        }
        if (type == UUID.class && v instanceof String s) {
            return UUID.fromString(s);
        }
        if (type == byte[].class && v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    private static Class<?> boxed(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return switch (c.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            default -> c;
        };
    }

    static Boolean toBoolean(Object v) {
        return switch (v) {
            case Boolean b -> b;
            case Number n -> toDecimal(n).signum() != 0;
            case String s -> switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "t", "true", "1", "y", "yes", "on" -> Boolean.TRUE;
                case "f", "false", "0", "n", "no", "off" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("\"" + s + "\" is not a boolean");
            };
            default -> null;
        };
    }

    static BigDecimal toDecimal(Object v) {
        return switch (v) {
            case BigDecimal d -> d;
            case BigInteger i -> new BigDecimal(i);
            case Double d -> BigDecimal.valueOf(d);
            case Float f -> BigDecimal.valueOf(f);
            case Number n -> BigDecimal.valueOf(n.longValue());
            case Boolean b -> b ? BigDecimal.ONE : BigDecimal.ZERO;
            case String s -> new BigDecimal(s.strip());
            default -> null;
        };
    }

    /** A date read as midnight in {@code cal}'s time zone (getDate(i, Calendar)). */
    static Date date(LocalDate d, Calendar cal) {
        return cal == null ? Date.valueOf(d) : new Date(d.atStartOfDay(cal.getTimeZone().toZoneId()).toInstant().toEpochMilli());
    }

    /** A timestamp without time zone read in {@code cal}'s time zone (getTimestamp(i, Calendar)). */
    static Timestamp timestamp(LocalDateTime t, Calendar cal) {
        return cal == null ? Timestamp.valueOf(t) : Timestamp.from(t.atZone(cal.getTimeZone().toZoneId()).toInstant());
    }

    /** A time read in {@code cal}'s time zone on 1970-01-01 (getTime(i, Calendar)). */
    static Time time(LocalTime t, Calendar cal) {
        return cal == null ? Time.valueOf(t)
                : new Time(t.atDate(LocalDate.EPOCH).atZone(cal.getTimeZone().toZoneId()).toInstant().toEpochMilli());
    }

    /**
     * The text PostgreSQL reads as this instant in any column type: for timestamptz the offset
     * counts, for timestamp it is dropped (the JVM's local wall clock), as pgjdbc's setTimestamp.
     */
    static String timestampText(Timestamp t, Calendar cal) {
        ZoneId zone = cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
        OffsetDateTime odt = t.toInstant().atZone(zone).toOffsetDateTime();
        return timestampText(odt);
    }

    static String timestampText(OffsetDateTime odt) {
        String date = odt.getYear() <= 0
                ? String.format(Locale.ROOT, "%04d-%02d-%02d", 1 - odt.getYear(), odt.getMonthValue(), odt.getDayOfMonth())
                : odt.toLocalDate().toString();
        return date + " " + odt.toLocalTime() + odt.getOffset().getId().replace("Z", "+00:00")
                + (odt.getYear() <= 0 ? " BC" : "");
    }
}
