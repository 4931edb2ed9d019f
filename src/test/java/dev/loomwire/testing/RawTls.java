package dev.loomwire.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Plain JDK TLS (no loomwire code) for checking the test servers themselves: a client that trusts a
 * PEM CA file, optionally presents a PKCS#12 client certificate, and verifies the host name.
 */
final class RawTls {
    static final byte[] SSL_REQUEST = {0x00, 0x00, 0x00, 0x08, 0x04, (byte) 0xD2, 0x16, 0x2F};
    private static final int TIMEOUT_MILLIS = 10_000;

    private RawTls() {}

    /** A context trusting {@code caPem}, presenting the key in {@code clientP12} if not null. */
    static SSLContext context(Path caPem, Path clientP12, char[] password) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caPem)) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca" + i++, cert);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientP12 != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(clientP12)) {
                    keys.load(in, password);
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from " + caPem + (clientP12 == null ? "" : " and " + clientP12), e);
        }
    }

    /**
     * A context that accepts any server certificate: for the harness's own admin connections, which
     * must keep working while a test makes a node serve a bad certificate.
     */
    static SSLContext trustAnything() {
        X509TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects to a TLS port and completes the handshake without checking the host name (see {@link #trustAnything()}). */
    static SSLSocket connectUnverified(SSLContext ctx, String host, int port) throws IOException {
        return layer(ctx, plain(host, port), null, port);
    }

    /** Connects to a TLS port and completes the handshake, checking the certificate against {@code verifyHost}. */
    static SSLSocket connect(SSLContext ctx, String host, int port, String verifyHost) throws IOException {
        return layer(ctx, plain(host, port), verifyHost, port);
    }

    /** PostgreSQL: SSLRequest, exactly one byte {@code S} read, then the TLS handshake on the same socket. */
    static SSLSocket connectPostgres(SSLContext ctx, String host, int port, String verifyHost) throws IOException {
        Socket socket = plain(host, port);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(SSL_REQUEST);
            out.flush();
            InputStream in = socket.getInputStream();
            int answer = in.read();
            if (answer != 'S') {
                throw new IOException("PostgreSQL at " + host + ":" + port + " answered the SSLRequest with "
                        + (answer < 0 ? "end of stream" : "byte " + answer) + " instead of 'S'");
            }
            if (in.available() > 0) {
                throw new IOException("received unencrypted data after the SSL response");
            }
            return layer(ctx, socket, verifyHost, port);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** PostgreSQL: a plain socket on which the SSLRequest was answered with {@code S} and nothing more. */
    static Socket plainPostgresAfterSslRequest(String host, int port) throws IOException {
        Socket socket = plain(host, port);
        try {
            socket.getOutputStream().write(SSL_REQUEST);
            InputStream in = socket.getInputStream();
            int answer = in.read();
            if (answer != 'S' || in.available() > 0) {
                throw new IOException("PostgreSQL at " + host + ":" + port + " did not answer the SSLRequest with exactly 'S'");
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket plain(String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static SSLSocket layer(SSLContext ctx, Socket plain, String verifyHost, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(plain, verifyHost, port, true);
        try {
            if (verifyHost != null) {
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
            }
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            ssl.close();
            throw e;
        }
    }

    /** Sends one RESP command and returns the first reply line without CRLF (e.g. {@code +PONG}). */
    static String redisCommand(Socket socket, String... args) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(encodeRedisCommand(args));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Redis closed the connection before replying to " + args[0]);
            }
            if (b == '\n' && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
    }

    /** One RESP command as an array of bulk strings (UTF-8). */
    static byte[] encodeRedisCommand(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String describe(SSLSocket socket) throws IOException {
        var session = socket.getSession();
        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
        return session.getProtocol() + ", " + session.getCipherSuite() + ", server certificate " + leaf.getSubjectX500Principal()
                + " issued by " + leaf.getIssuerX500Principal();
    }
}
