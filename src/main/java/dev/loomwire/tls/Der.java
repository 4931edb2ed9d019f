package dev.loomwire.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little ASN.1 DER this package needs: decoding key containers and encoding the PKCS#8
 * wrapper around PKCS#1 and SEC1 keys. Not a general ASN.1 library.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    private Der() {}

    /** Thrown for bytes that are not the DER structure expected. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }

    /** One decoded tag-length-value element. {@code encoded} covers tag, length and value. */
    record Element(int tag, byte[] value, byte[] encoded) {
        boolean isConstructed() {
            return (tag & 0x20) != 0;
        }

        /** The children of a constructed element. */
        List<Element> children() throws DerException {
            if (!isConstructed()) {
                throw new DerException("expected a constructed element, found tag " + tag);
            }
            List<Element> out = new ArrayList<>();
            int[] pos = {0};
            while (pos[0] < value.length) {
                out.add(read(value, pos));
            }
            return out;
        }

        /** The children of this element, which must be a SEQUENCE. */
        List<Element> sequence() throws DerException {
            expect(SEQUENCE);
            return children();
        }

        BigInteger integer() throws DerException {
            expect(INTEGER);
            if (value.length == 0) {
                throw new DerException("empty INTEGER");
            }
            return new BigInteger(value);
        }

        byte[] octets() throws DerException {
            expect(OCTET_STRING);
            return value.clone();
        }

        String oid() throws DerException {
            expect(OID);
            return decodeOid(value);
        }

        void expect(int expectedTag) throws DerException {
            if (tag != expectedTag) {
                throw new DerException("expected tag " + expectedTag + ", found " + tag);
            }
        }
    }

    /** Decodes exactly one element that spans all of {@code der}. */
    static Element parse(byte[] der) throws DerException {
        int[] pos = {0};
        Element e = read(der, pos);
        if (pos[0] != der.length) {
            throw new DerException((der.length - pos[0]) + " bytes after the end of the DER element");
        }
        return e;
    }

    /** Decodes the first element of {@code der}, ignoring anything after it. */
    static Element parseFirst(byte[] der) throws DerException {
        return read(der, new int[] {0});
    }

    private static Element read(byte[] in, int[] pos) throws DerException {
        int start = pos[0];
        if (start + 2 > in.length) {
            throw new DerException("truncated DER element");
        }
        int tag = in[start] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new DerException("multi-byte DER tags are not supported");
        }
        int p = start + 1;
        int first = in[p++] & 0xFF;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 4) {
                throw new DerException("unsupported DER length encoding");
            }
            if (p + n > in.length) {
                throw new DerException("truncated DER length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (in[p++] & 0xFF);
            }
        }
        if (length > in.length - p) {
            throw new DerException("DER element longer than its container");
        }
        int end = p + (int) length;
        pos[0] = end;
        return new Element(tag, Arrays.copyOfRange(in, p, end), Arrays.copyOfRange(in, start, end));
    }

    static String decodeOid(byte[] v) throws DerException {
        if (v.length == 0) {
            throw new DerException("empty OBJECT IDENTIFIER");
        }
        StringBuilder sb = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = 0; i < v.length; i++) {
            value = (value << 7) | (v[i] & 0x7F);
            if (value > (Long.MAX_VALUE >> 7)) {
                throw new DerException("OBJECT IDENTIFIER component too large");
            }
            if ((v[i] & 0x80) == 0) {
                if (first) {
                    long a = Math.min(value / 40, 2);
                    sb.append(a).append('.').append(value - a * 40);
                    first = false;
                } else {
                    sb.append('.').append(value);
                }
                value = 0;
            } else if (i == v.length - 1) {
                throw new DerException("truncated OBJECT IDENTIFIER");
            }
        }
        return sb.toString();
    }

    // --- encoding

    static byte[] sequence(byte[]... children) {
        return tlv(SEQUENCE, concat(children));
    }

    static byte[] integer(long v) {
        return tlv(INTEGER, BigInteger.valueOf(v).toByteArray());
    }

    static byte[] octetString(byte[] v) {
        return tlv(OCTET_STRING, v);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(parts[0]) * 40 + Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            writeBase128(out, Long.parseLong(parts[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long t = v >>> 7; t != 0; t >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7F);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int n = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
            out.write(0x80 | n);
            for (int i = n - 1; i >= 0; i--) {
                out.write((len >>> (8 * i)) & 0xFF);
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
