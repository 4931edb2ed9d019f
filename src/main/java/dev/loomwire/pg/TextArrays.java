package dev.loomwire.pg;

import java.util.ArrayList;
import java.util.List;

/**
 * Parser for the text form of arrays: {@code {1,2,NULL,"a \"b\""}}, nested braces for more
 * dimensions, optional {@code [1:3]=} bounds prefix. Elements come back as strings (null for
 * NULL) or nested lists.
 */
final class TextArrays {
    private final String s;
    private int pos;

    private TextArrays(String s) {
        this.s = s;
    }

    static List<Object> parse(String s) {
        TextArrays p = new TextArrays(s);
        if (s.startsWith("[")) {
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new PgException("malformed array literal");
            }
            p.pos = eq + 1;
        }
        List<Object> r = p.list();
        if (p.pos != s.length()) {
            throw new PgException("malformed array literal: trailing characters");
        }
        return r;
    }

    private char peek() {
        if (pos >= s.length()) {
            throw new PgException("malformed array literal: unexpected end");
        }
        return s.charAt(pos);
    }

    private List<Object> list() {
        if (peek() != '{') {
            throw new PgException("malformed array literal: expected '{'");
        }
        pos++;
        List<Object> out = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            char c = peek();
            if (c == '{') {
                out.add(list());
            } else if (c == '"') {
                out.add(quoted());
            } else {
                int start = pos;
                while (peek() != ',' && peek() != '}') {
                    pos++;
                }
                String v = s.substring(start, pos).trim();
                out.add(v.equalsIgnoreCase("NULL") ? null : v);
            }
            char sep = peek();
            pos++;
            if (sep == '}') {
                return out;
            }
            if (sep != ',') {
                throw new PgException("malformed array literal: expected ',' or '}'");
            }
        }
    }

    private String quoted() {
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = peek();
            pos++;
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                c = peek();
                pos++;
            }
            b.append(c);
        }
    }
}
