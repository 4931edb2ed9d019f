package dev.loomwire.redis;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster key hashing: a key belongs to hash slot {@code CRC16(key) mod 16384}, where only
 * the {@code {hash tag}} is hashed when the key has one (the text between the first '{' and the
 * next '}', if not empty), so keys sharing a tag share a slot.
 */
public final class ClusterSlots {
    /** The number of hash slots of every Redis Cluster. */
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private ClusterSlots() {}

    /** The hash slot of a UTF-8 key. */
    public static int slot(String key) {
        int n = key.length();
        for (int i = 0; i < n; i++) {
            if (key.charAt(i) >= 0x80) {
                return slot(key.getBytes(StandardCharsets.UTF_8));
            }
        }
        // ASCII: the chars are the UTF-8 bytes, no copy needed
        int from = 0;
        int to = n;
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ key.charAt(i)) & 0xFF]) & 0xFFFF;
        }
        return crc & (SLOTS - 1);
    }

    /** The hash slot of a binary key. */
    public static int slot(byte[] key) {
        int from = 0;
        int to = key.length;
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        return crc16(key, from, to) & (SLOTS - 1);
    }

    /** The slot of a command argument given as String or byte[] (numbers as their decimal text). */
    static int slotOf(Object key) {
        if (key instanceof byte[] b) {
            return slot(b);
        }
        return slot(String.valueOf(key));
    }

    /** CRC16-CCITT (XMODEM), the variant Redis Cluster uses. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
