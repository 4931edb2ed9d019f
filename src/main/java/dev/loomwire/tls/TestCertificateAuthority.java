package dev.loomwire.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A throw-away certificate authority for tests and local development: an EC P-256 CA that issues
 * server certificates (the names and addresses clients connect to as subject alternative names)
 * and client certificates, all in memory with the JDK alone (no openssl binary, no BouncyCastle).
 * Certificates are valid from an hour ago for {@link #VALIDITY}. Keys are never encrypted: use
 * this for tests, never for anything that must stay secret.
 */
public final class TestCertificateAuthority {
    /** How long issued certificates (and the CA's own) stay valid, counted from their creation. */
    public static final Duration VALIDITY = Duration.ofDays(30);

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final byte[] KEY_USAGE_CA = {0x01, 0x06};          // keyCertSign, cRLSign
    private static final byte[] KEY_USAGE_LEAF = {0x07, (byte) 0x80}; // digitalSignature
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new CA with a fresh key, self-signed, subject {@code CN=<commonName>}. */
    public static TestCertificateAuthority create(String commonName) {
        KeyPair keys = newKeyPair();
        byte[] name = name(commonName);
        byte[] keyId = keyIdentifier(keys.getPublic());
        X509Certificate cert = sign(keys.getPrivate(), name, name, keys.getPublic(), List.of(
                extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.tlv(0x01, new byte[] {(byte) 0xFF}))),
                extension(KEY_USAGE, true, Der.tlv(0x03, KEY_USAGE_CA)),
                extension(SUBJECT_KEY_ID, false, Der.octetString(keyId))));
        return new TestCertificateAuthority(keys, cert);
    }

    /** The CA's certificate: what clients and servers trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A server certificate for {@code hostNames}: each becomes an IP address SAN if it is an IPv4
     * or IPv6 literal, a DNS name SAN otherwise. The first is also the subject's common name.
     */
    public IssuedCertificate issueServerCertificate(List<String> hostNames) {
        if (hostNames.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or address");
        }
        List<byte[]> sans = new ArrayList<>();
        for (String host : hostNames) {
            String h = HostNames.normalize(host);
            sans.add(HostNames.isIpLiteral(h) ? Der.tlv(0x87, ipAddress(h)) : Der.tlv(0x82, h.getBytes(StandardCharsets.US_ASCII)));
        }
        return issue(HostNames.normalize(hostNames.get(0)), SERVER_AUTH,
                extension(SUBJECT_ALT_NAME, false, Der.sequence(sans.toArray(byte[][]::new))));
    }

    /** A client certificate with subject {@code CN=<commonName>}, e.g. the database user name. */
    public IssuedCertificate issueClientCertificate(String commonName) {
        return issue(commonName, CLIENT_AUTH);
    }

    private IssuedCertificate issue(String commonName, String extendedKeyUsage, byte[]... moreExtensions) {
        KeyPair leaf = newKeyPair();
        List<byte[]> extensions = new ArrayList<>(List.of(
                extension(BASIC_CONSTRAINTS, true, Der.sequence()),
                extension(KEY_USAGE, true, Der.tlv(0x03, KEY_USAGE_LEAF)),
                extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(extendedKeyUsage))),
                extension(SUBJECT_KEY_ID, false, Der.octetString(keyIdentifier(leaf.getPublic()))),
                extension(AUTHORITY_KEY_ID, false, Der.sequence(Der.tlv(0x80, keyIdentifier(keys.getPublic()))))));
        extensions.addAll(List.of(moreExtensions));
        X509Certificate cert = sign(keys.getPrivate(), name(certificate), name(commonName), leaf.getPublic(), extensions);
        return new IssuedCertificate(leaf.getPrivate(), List.of(cert, certificate));
    }

    /**
     * A private key and its certificate chain, leaf first, then the CA.
     *
     * @param privateKey the leaf's key (EC P-256, PKCS#8-encodable)
     * @param chain      leaf certificate, then the issuing CA's certificate
     */
    public record IssuedCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
        public IssuedCertificate {
            Objects.requireNonNull(privateKey, "privateKey");
            chain = List.copyOf(chain);
        }

        /** The leaf certificate. */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** The leaf certificate as PEM ({@code BEGIN CERTIFICATE}). */
        public String certificatePem() {
            return toPem(certificate());
        }

        /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as OpenSSL, libpq and Redis read it. */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", privateKey.getEncoded());
        }

        @Override
        public String toString() {
            return "IssuedCertificate[" + certificate().getSubjectX500Principal().getName() + "]";
        }
    }

    /** A certificate as PEM ({@code BEGIN CERTIFICATE}). */
    public static String toPem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate EC P-256 keys", e);
        }
    }

    private static X509Certificate sign(PrivateKey issuerKey, byte[] issuer, byte[] subject, PublicKey subjectKey,
                                        List<byte[]> extensions) {
        Instant now = Instant.now();
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] tbs = Der.sequence(
                Der.tlv(0xA0, Der.integer(2)),
                Der.tlv(Der.INTEGER, new BigInteger(127, RANDOM).add(BigInteger.ONE).toByteArray()),
                algorithm,
                issuer,
                Der.sequence(time(now.minus(Duration.ofHours(1))), time(now.plus(VALIDITY))),
                subject,
                subjectKey.getEncoded(),
                Der.tlv(0xA3, Der.sequence(extensions.toArray(byte[][]::new))));
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(issuerKey, RANDOM);
            s.update(tbs);
            byte[] signature = bitString(s.sign());
            byte[] der = Der.sequence(tbs, algorithm, signature);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.tlv(0x01, new byte[] {(byte) 0xFF}), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    private static byte[] name(String commonName) {
        byte[] attribute = Der.sequence(Der.oid(COMMON_NAME), Der.tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)));
        return Der.sequence(Der.tlv(0x31, attribute));
    }

    private static byte[] name(X509Certificate cert) {
        return cert.getSubjectX500Principal().getEncoded();
    }

    private static byte[] time(Instant t) {
        var utc = t.atOffset(ZoneOffset.UTC);
        return utc.getYear() < 2050
                ? Der.tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII))
                : Der.tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bitString(byte[] bytes) {
        byte[] v = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, v, 1, bytes.length);
        return Der.tlv(0x03, v);
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
    private static byte[] keyIdentifier(PublicKey key) {
        try {
            byte[] bits = Der.parse(key.getEncoded()).sequence().get(1).value();
            return MessageDigest.getInstance("SHA-1").digest(java.util.Arrays.copyOfRange(bits, 1, bits.length));
        } catch (Der.DerException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a key identifier for a " + key.getAlgorithm() + " key", e);
        }
    }

    private static byte[] ipAddress(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }
}
