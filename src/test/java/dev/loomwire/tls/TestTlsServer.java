package dev.loomwire.tls;

import dev.loomwire.testing.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An in-process JDK TLS server on 127.0.0.1 (ephemeral port) built from the test certificates.
 * Each accepted connection is handshaken on its own virtual thread; what the server saw (SNI,
 * ALPN, client certificate, or the failure) is queued for the test to inspect.
 */
final class TestTlsServer implements AutoCloseable {
    /** What the server saw on one connection. */
    record Seen(List<SNIServerName> sni, String alpn, Principal client, Throwable error) {}

    private final SSLServerSocket server;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    private TestTlsServer(SSLServerSocket server) {
        this.server = server;
        Thread.ofVirtual().name("test-tls-accept").start(this::acceptLoop);
    }

    /** A server presenting {@code certFile} (chain) and {@code keyFile}; {@code customize} may set client auth, ALPN, ... */
    static TestTlsServer start(String certFile, String keyFile, Consumer<SSLServerSocket> customize) throws Exception {
        List<X509Certificate> chain = PemFiles.readCertificates(TestCerts.file(certFile));
        PrivateKey key = PemFiles.readPrivateKey(TestCerts.file(keyFile), null);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificates(TestCerts.file("ca.crt")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (customize != null) {
            customize.accept(s);
        }
        return new TestTlsServer(s);
    }

    static TestTlsServer start(String certFile, String keyFile) throws Exception {
        return start(certFile, keyFile, null);
    }

    int port() {
        return server.getLocalPort();
    }

    /** What the server saw on the next connection (waits up to 10 s). */
    Seen next() throws InterruptedException {
        Seen s = seen.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the test server saw no connection within 10 s");
        }
        return s;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        boolean reported = false;
        try (s) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) s.getSession();
            Principal client = null;
            try {
                client = session.getPeerPrincipal();
            } catch (IOException noClientCert) {
                // the client sent no certificate
            }
            seen.add(new Seen(session.getRequestedServerNames(), s.getApplicationProtocol(), client, null));
            reported = true;
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // keep the connection until the client closes it
            }
        } catch (IOException e) {
            if (!reported) {
                seen.add(new Seen(List.of(), null, null, e));
            }
        }
    }

    /** Connects a plain socket to this server. */
    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
