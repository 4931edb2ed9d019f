package dev.loomwire.cli;

import dev.loomwire.redis.RedisReplies;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.resp.RespDecoder;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Redis replies off a socket: our own unsynchronized buffer feeding the driver's {@link RespDecoder}. */
final class RespReader {
    private final InputStream in;
    private final RespDecoder<RedisReply> decoder = RedisReplies.decoder();
    private byte[] buf = new byte[16 * 1024];
    private int start;
    private int end;

    RespReader(InputStream in) {
        this.in = in;
    }

    /**
     * Waits (within the socket's read timeout) until at least one byte is buffered, without
     * consuming it; false at the end of the stream. A read timeout leaves the buffer as it was.
     */
    boolean awaitData() throws IOException {
        return start < end || fill();
    }

    /** The next reply; a malformed one throws {@link dev.loomwire.redis.resp.RespProtocolException}. */
    RedisReply read() throws IOException {
        while (true) {
            RedisReply r = decoder.decode(buf, start, end);
            start = decoder.position();
            if (r != null) {
                return r;
            }
            if (!fill()) {
                throw new EOFException("the server closed the connection");
            }
        }
    }

    private boolean fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (end == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2); // a header line longer than the buffer; the decoder bounds it
            }
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            return false;
        }
        end += n;
        return true;
    }
}
