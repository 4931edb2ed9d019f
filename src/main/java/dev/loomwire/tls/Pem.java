package dev.loomwire.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits PEM text into its {@code -----BEGIN X-----} blocks (RFC 7468, plus RFC 1421 headers). */
final class Pem {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private Pem() {}

    /**
     * One block: its label ({@code CERTIFICATE}), the RFC 1421 headers of legacy encrypted keys
     * ({@code Proc-Type}, {@code DEK-Info}) and the decoded bytes.
     */
    record Block(String type, Map<String, String> headers, byte[] der) {}

    /** Thrown for a block with no END line or with invalid Base64. */
    static final class PemException extends Exception {
        private static final long serialVersionUID = 1L;

        PemException(String message) {
            super(message);
        }
    }

    static boolean looksLikePem(byte[] content) {
        return new String(content, StandardCharsets.ISO_8859_1).contains(BEGIN);
    }

    /** All blocks in order; text outside blocks (comments in CA bundles) is ignored. */
    static List<Block> parse(byte[] content) throws PemException {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        int pos = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, pos);
            if (begin < 0) {
                return blocks;
            }
            int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
            if (labelEnd < 0) {
                throw new PemException("unterminated BEGIN line");
            }
            String type = text.substring(begin + BEGIN.length(), labelEnd).trim();
            String endLine = END + type + DASHES;
            int end = text.indexOf(endLine, labelEnd);
            if (end < 0) {
                throw new PemException("\"" + BEGIN + type + DASHES + "\" has no matching END line");
            }
            blocks.add(block(type, text.substring(labelEnd + DASHES.length(), end)));
            pos = end + endLine.length();
        }
    }

    private static Block block(String type, String body) throws PemException {
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder base64 = new StringBuilder(body.length());
        String pendingKey = null;
        for (String line : body.split("\r?\n|\r")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            int colon = l.indexOf(':');
            if (colon > 0 && base64.isEmpty()) {
                pendingKey = l.substring(0, colon).strip();
                headers.put(pendingKey, l.substring(colon + 1).strip());
            } else {
                base64.append(l);
            }
        }
        try {
            return new Block(type, Map.copyOf(headers), Base64.getMimeDecoder().decode(base64.toString()));
        } catch (IllegalArgumentException e) {
            throw new PemException("\"" + type + "\" block is not valid Base64");
        }
    }
}
