package dev.loomwire.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough RESP2/RESP3 for the probe: encode a command, decode one reply into plain Java values. */
final class Resp {
    /** An error reply ({@code -ERR ...} or a blob error). */
    record Error(String message) {}

    private Resp() {}

    static byte[] command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** One reply: String, Long, Boolean, null, List, Map or {@link Error}. Attributes are skipped. */
    static Object read(WireInput in) throws IOException {
        return read(in, 0);
    }

    private static Object read(WireInput in, int depth) throws IOException {
        if (depth > 32) {
            throw new IOException("reply nested too deeply");
        }
        int type = in.readByte();
        String line = in.readLine();
        switch (type) {
            case '+', ',', '(' -> {
                return line;
            }
            case '-' -> {
                return new Error(line);
            }
            case ':' -> {
                return Long.parseLong(line);
            }
            case '#' -> {
                return "t".equals(line);
            }
            case '_' -> {
                return null;
            }
            case '$', '!', '=' -> {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                String s = new String(in.readExact(len), StandardCharsets.UTF_8);
                in.readLine();
                return type == '!' ? new Error(s) : type == '=' && s.length() >= 4 ? s.substring(4) : s;
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line);
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    list.add(read(in, depth + 1));
                }
                return n < 0 ? null : list;
            }
            case '%', '|' -> {
                int n = Integer.parseInt(line);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(String.valueOf(read(in, depth + 1)), read(in, depth + 1));
                }
                return type == '|' ? read(in, depth + 1) : map;
            }
            default -> throw new IOException(String.format("not a Redis reply (type byte 0x%02x)", type));
        }
    }
}
