package dev.loomwire.bench;

import java.util.List;

/** TLS alone: handshake cost by certificate type and resumption, and AES-GCM bytes/s through SSLSocket. */
final class TlsSuite {
    private TlsSuite() {}

    static void runAll(Runner runner, List<String> notes) {
    }
}
