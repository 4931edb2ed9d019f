package dev.loomwire.pg;

import java.time.Duration;

/**
 * A PostgreSQL {@code interval} as the server stores it: months, days and microseconds, kept
 * apart because a month and a day have no fixed length. {@link #toDuration()} counts a month as
 * 30 days and a day as 24 hours, as {@code extract(epoch from interval)} does.
 */
public record PgInterval(int months, int days, long microseconds) {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /** An interval of exactly {@code d} (no months or days), to microsecond precision. */
    public static PgInterval of(Duration d) {
        return new PgInterval(0, 0, Math.addExact(Math.multiplyExact(d.getSeconds(), MICROS_PER_SECOND),
                d.getNano() / 1000));
    }

    /** Months as 30 days, days as 24 hours. */
    public Duration toDuration() {
        long dayCount = 30L * months + days;
        return Duration.ofSeconds(Math.multiplyExact(dayCount, 86_400L)).plusNanos(Math.multiplyExact(microseconds, 1000L));
    }

    /** Parses the server's output in the default {@code IntervalStyle=postgres}: {@code 1 year 2 mons -3 days +04:05:06.5}. */
    static PgInterval parse(String s) {
        if (s.startsWith("P") || s.startsWith("-P")) {
            throw new PgException("interval \"" + s + "\" is in IntervalStyle iso_8601; loomwire reads the default"
                    + " IntervalStyle postgres");
        }
        String[] tokens = s.trim().split("\\s+");
        long months = 0;
        long days = 0;
        long micros = 0;
        boolean ago = false;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.isEmpty()) {
                continue;
            }
            if (t.equals("ago")) {
                ago = true;
            } else if (t.indexOf(':') >= 0) {
                micros += time(t);
            } else {
                if (i + 1 >= tokens.length) {
                    throw new PgException("malformed interval \"" + s + "\"");
                }
                long n = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
                String unit = tokens[++i];
                if (unit.startsWith("year")) {
                    months += 12 * n;
                } else if (unit.startsWith("mon")) {
                    months += n;
                } else if (unit.startsWith("day")) {
                    days += n;
                } else {
                    throw new PgException("malformed interval \"" + s + "\": unit " + unit);
                }
            }
        }
        if (ago) {
            months = -months;
            days = -days;
            micros = -micros;
        }
        return new PgInterval(Math.toIntExact(months), Math.toIntExact(days), micros);
    }

    /** [+-]H:MM:SS[.ffffff] with any number of hours, in microseconds. */
    private static long time(String t) {
        boolean negative = t.startsWith("-");
        String u = negative || t.startsWith("+") ? t.substring(1) : t;
        String[] parts = u.split(":");
        long h = Long.parseLong(parts[0]);
        long m = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
        long us = 0;
        if (parts.length > 2) {
            String sec = parts[2];
            int dot = sec.indexOf('.');
            long whole = Long.parseLong(dot < 0 ? sec : sec.substring(0, dot));
            long frac = 0;
            if (dot >= 0) {
                String f = (sec.substring(dot + 1) + "000000").substring(0, 6);
                frac = Long.parseLong(f);
            }
            us = whole * MICROS_PER_SECOND + frac;
        }
        long total = (h * 3600 + m * 60) * MICROS_PER_SECOND + us;
        return negative ? -total : total;
    }

    /** Input syntax the server accepts back: {@code 14 mons 3 days 04:05:06.000789}. */
    @Override
    public String toString() {
        long abs = Math.abs(microseconds);
        long h = abs / (3600 * MICROS_PER_SECOND);
        long m = abs / (60 * MICROS_PER_SECOND) % 60;
        long sec = abs / MICROS_PER_SECOND % 60;
        long frac = abs % MICROS_PER_SECOND;
        return String.format("%d mons %d days %s%d:%02d:%02d.%06d", months, days, microseconds < 0 ? "-" : "",
                h, m, sec, frac);
    }

}
