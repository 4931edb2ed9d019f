package dev.loomwire.pg;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CancelRequest goes out on a connection of its own, and the server acknowledges it by
 * closing that connection. A server that accepts the cancel connection and then stays silent
 * must not hold the canceller for long: the whole cancel (connect, TLS, request, waiting for the
 * close) has ONE deadline, connect_timeout (10 s when connect_timeout is unlimited).
 */
class PgCancelDeadlineTest {
    /** CancelRequest code 1234.5678. */
    private static final int CANCEL_REQUEST_CODE = 80877102;

    @Test
    void aCancelConnectionThatStaysSilentIsGivenUpAtTheCancelsDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<int[]> received = new CompletableFuture<>();
            CountDownLatch testOver = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (Socket session = server.accept()) {
                    new FakePgServer.Conn(session).trustStartup(); // BackendKeyData: pid 4242, key 777
                    try (Socket cancel = server.accept()) {
                        DataInputStream in = new DataInputStream(cancel.getInputStream());
                        received.complete(new int[] {in.readInt(), in.readInt(), in.readInt(), in.readInt()});
                        testOver.await(); // accepts, reads, never answers, never closes
                    }
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            });
            try (PgConnection conn = PgConnection.connect("host=127.0.0.1 port=" + server.getLocalPort()
                    + " user=u dbname=d connect_timeout=2 sslmode=disable")) {
                long t0 = System.nanoTime();
                conn.cancel(); // returns once the request is out and the deadline passed without the server's close
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertArrayEquals(new int[] {16, CANCEL_REQUEST_CODE, 4242, 777}, received.get(10, TimeUnit.SECONDS),
                        "the server got the session's CancelRequest");
                assertTrue(ms < 9_000, "a silent cancel connection held the caller " + ms
                        + " ms: the cancel must end at connect_timeout=2 s, not connect_timeout + 10 s");
            } finally {
                testOver.countDown();
            }
        }
    }
}
