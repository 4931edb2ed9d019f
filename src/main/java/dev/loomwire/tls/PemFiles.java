package dev.loomwire.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads certificates, private keys, CRLs and keystores in the formats OpenSSL, libpq and Redis
 * users have on disk, with the JDK only.
 *
 * <ul>
 *   <li>Certificates: PEM (any number of blocks, text between blocks ignored, so CA bundles
 *       work) or DER.</li>
 *   <li>Private keys: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 *       KEY}), SEC1 EC ({@code BEGIN EC PRIVATE KEY}, named curves), encrypted PKCS#8 ({@code BEGIN
 *       ENCRYPTED PRIVATE KEY}, PBES2 with PBKDF2 and AES-CBC or 3DES), OpenSSL's legacy
 *       encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}), and DER PKCS#8/PKCS#1/SEC1.</li>
 *   <li>Keystores: PKCS#12 and JKS (the type is taken from the content, not the name).</li>
 *   <li>CRLs: PEM or DER files, or a directory of them.</li>
 * </ul>
 *
 * Every failure is a {@link TlsException} of kind {@link TlsException.Kind#CONFIG} whose message
 * names the file and the problem; passwords and key bytes never appear in messages.
 */
public final class PemFiles {
    private static final Logger LOG = LoggerFactory.getLogger("dev.loomwire.tls");

    private static final String RSA = "1.2.840.113549.1.1.1";
    private static final String EC = "1.2.840.10045.2.1";
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            RSA, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.2.840.10040.4.1", "DSA");

    private static final String KEY_FORMATS = "expected PEM \"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\", "
            + "\"BEGIN EC PRIVATE KEY\", \"BEGIN ENCRYPTED PRIVATE KEY\", or a DER PKCS#8/PKCS#1 key";

    private PemFiles() {}

    /** How a key file is named in messages: its role and the name of its password setting. */
    record KeyLabel(String what, String passwordName) {
        static final KeyLabel GENERIC = new KeyLabel("private key", "password");
        static final KeyLabel CLIENT = new KeyLabel("client key", "sslpassword");
    }

    // ------------------------------------------------------------------ certificates

    /**
     * The X.509 certificates in a PEM file (every {@code CERTIFICATE} block, other blocks
     * skipped) or a DER file, in file order.
     *
     * @throws TlsException (CONFIG) if the file is missing, unreadable, or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path pemOrDer) throws TlsException {
        return readCertificates(pemOrDer, "certificate file");
    }

    static List<X509Certificate> readCertificates(Path file, String what) throws TlsException {
        byte[] bytes = SourceFiles.read(file, what);
        if (bytes.length == 0) {
            throw SourceFiles.config("no certificate found in " + file + " (the file is empty)");
        }
        CertificateFactory cf = certificateFactory();
        List<X509Certificate> out = new ArrayList<>();
        if (Pem.looksLikePem(bytes)) {
            List<Pem.Block> blocks = pemBlocks(file, what, bytes);
            int n = 0;
            for (Pem.Block b : blocks) {
                n++;
                if (!isCertificateBlock(b.type())) {
                    continue;
                }
                try {
                    byte[] der = b.type().equals("TRUSTED CERTIFICATE") ? Der.parseFirst(b.der()).encoded() : b.der();
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
                } catch (CertificateException | Der.DerException | ClassCastException e) {
                    throw SourceFiles.config(what + " " + file + ": PEM block " + n + " (\"" + b.type()
                            + "\") is not a valid X.509 certificate");
                }
            }
            if (out.isEmpty()) {
                throw SourceFiles.config("no certificate found in " + file + " (PEM blocks found: "
                        + blocks.stream().map(Pem.Block::type).distinct().collect(Collectors.joining(", ")) + ")");
            }
        } else {
            try {
                for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
                    out.add((X509Certificate) c);
                }
            } catch (CertificateException | ClassCastException e) {
                out.clear();
            }
            if (out.isEmpty()) {
                throw SourceFiles.config("no certificate found in " + file + " (neither PEM \"BEGIN CERTIFICATE\" nor a DER certificate)");
            }
        }
        return List.copyOf(out);
    }

    private static boolean isCertificateBlock(String type) {
        return type.equals("CERTIFICATE") || type.equals("X509 CERTIFICATE") || type.equals("TRUSTED CERTIFICATE");
    }

    // ------------------------------------------------------------------ private keys

    /**
     * The private key in a file: PEM PKCS#8, PKCS#1 RSA, SEC1 EC, encrypted PKCS#8 or legacy
     * encrypted PEM, or the same as DER. In a PEM file holding several blocks (say certificate and
     * key) the first key block is used.
     *
     * @param passwordOrNull password of an encrypted key; ignored for unencrypted keys
     * @throws TlsException (CONFIG) naming the file and the problem: missing, no key found, wrong or
     *                      missing password, unsupported encryption
     */
    public static PrivateKey readPrivateKey(Path file, char[] passwordOrNull) throws TlsException {
        return readPrivateKey(file, passwordOrNull, KeyLabel.GENERIC);
    }

    static PrivateKey readPrivateKey(Path file, char[] password, KeyLabel label) throws TlsException {
        byte[] bytes = SourceFiles.read(file, label.what());
        if (bytes.length == 0) {
            throw SourceFiles.config("no private key found in " + file + " (the file is empty)");
        }
        KeyReader reader = new KeyReader(file, label, password);
        if (Pem.looksLikePem(bytes)) {
            List<Pem.Block> blocks = pemBlocks(file, label.what(), bytes);
            for (Pem.Block b : blocks) {
                if (b.type().endsWith("PRIVATE KEY")) {
                    return reader.fromPem(b);
                }
            }
            throw SourceFiles.config("no private key found in " + file + " (PEM blocks found: "
                    + blocks.stream().map(Pem.Block::type).distinct().collect(Collectors.joining(", "))
                    + "; " + KEY_FORMATS + ")");
        }
        return reader.fromDer(bytes);
    }

    /** Decodes one key file's content; knows the file and labels for messages. */
    private record KeyReader(Path file, KeyLabel label, char[] password) {

        PrivateKey fromPem(Pem.Block block) throws TlsException {
            byte[] der = block.der();
            String type = block.type();
            if ("4,ENCRYPTED".equals(block.headers().getOrDefault("Proc-Type", "").replace(" ", ""))) {
                der = decrypt(() -> EncryptedKeys.decryptLegacyPem(block.headers().get("DEK-Info"), block.der(), password));
                try {
                    Der.parse(der).sequence();
                } catch (Der.DerException e) {
                    throw problem("wrong " + label.passwordName()); // padding matched by chance, content is noise
                }
            }
            return switch (type) {
                case "PRIVATE KEY" -> pkcs8(der);
                case "ENCRYPTED PRIVATE KEY" -> pkcs8(decrypt(() -> EncryptedKeys.decryptPkcs8(block.der(), password)));
                case "RSA PRIVATE KEY" -> pkcs8(pkcs1ToPkcs8(der));
                case "EC PRIVATE KEY" -> pkcs8(sec1ToPkcs8(der));
                case "OPENSSH PRIVATE KEY" -> throw problem("the OpenSSH key format is not supported "
                        + "(convert it with: openssl pkey -in KEY -out KEY.pem)");
                default -> throw problem("\"BEGIN " + type + "\" keys are not supported (" + KEY_FORMATS + ")");
            };
        }

        PrivateKey fromDer(byte[] bytes) throws TlsException {
            List<Der.Element> seq;
            try {
                seq = Der.parse(bytes).sequence();
            } catch (Der.DerException e) {
                throw SourceFiles.config("no private key found in " + file + " (" + KEY_FORMATS + ")");
            }
            if (seq.size() == 2 && seq.get(0).tag() == Der.SEQUENCE && seq.get(1).tag() == Der.OCTET_STRING) {
                return pkcs8(decrypt(() -> EncryptedKeys.decryptPkcs8(bytes, password)));
            }
            if (seq.size() >= 3 && seq.get(0).tag() == Der.INTEGER && seq.get(1).tag() == Der.SEQUENCE
                    && seq.get(2).tag() == Der.OCTET_STRING) {
                return pkcs8(bytes);
            }
            if (seq.size() == 9 && seq.stream().allMatch(e -> e.tag() == Der.INTEGER)) {
                return pkcs8(pkcs1ToPkcs8(bytes));
            }
            if (seq.size() >= 2 && seq.get(0).tag() == Der.INTEGER && seq.get(1).tag() == Der.OCTET_STRING) {
                return pkcs8(sec1ToPkcs8(bytes));
            }
            throw SourceFiles.config("no private key found in " + file + " (" + KEY_FORMATS + ")");
        }

        private interface Decryption {
            byte[] run() throws EncryptedKeys.DecryptException;
        }

        private byte[] decrypt(Decryption d) throws TlsException {
            if (password == null || password.length == 0) {
                throw SourceFiles.config(label.what() + " " + file + " is encrypted but no "
                        + label.passwordName() + " was given");
            }
            try {
                return d.run();
            } catch (EncryptedKeys.DecryptException e) {
                throw switch (e.reason) {
                    case WRONG_PASSWORD -> problem("wrong " + label.passwordName());
                    case UNSUPPORTED, MALFORMED -> problem(e.getMessage());
                };
            }
        }

        private PrivateKey pkcs8(byte[] der) throws TlsException {
            String oid;
            try {
                List<Der.Element> seq = Der.parse(der).sequence();
                oid = seq.get(1).sequence().get(0).oid();
            } catch (Der.DerException | IndexOutOfBoundsException e) {
                throw problem("not a valid PKCS#8 private key");
            }
            String algorithm = KEY_ALGORITHMS.get(oid);
            if (algorithm == null) {
                throw problem("keys of algorithm " + oid + " are not supported");
            }
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                throw problem("not a valid " + algorithm + " private key");
            } catch (GeneralSecurityException e) {
                throw problem(algorithm + " keys are not supported by this JDK");
            }
        }

        private byte[] pkcs1ToPkcs8(byte[] pkcs1) throws TlsException {
            try {
                List<Der.Element> seq = Der.parse(pkcs1).sequence();
                if (seq.size() != 9) {
                    throw problem("not a valid PKCS#1 RSA private key");
                }
            } catch (Der.DerException e) {
                throw problem("not a valid PKCS#1 RSA private key");
            }
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid(RSA), Der.nullValue()), Der.octetString(pkcs1));
        }

        /** SEC1 ECPrivateKey (RFC 5915) → PKCS#8 with the curve OID moved into the AlgorithmIdentifier. */
        private byte[] sec1ToPkcs8(byte[] sec1) throws TlsException {
            String curve = null;
            try {
                List<Der.Element> seq = Der.parse(sec1).sequence();
                if (!BigInteger.ONE.equals(seq.get(0).integer())) {
                    throw problem("not a valid SEC1 EC private key (version is not 1)");
                }
                seq.get(1).octets();
                for (Der.Element e : seq.subList(2, seq.size())) {
                    if (e.tag() == 0xA0) {
                        Der.Element params = e.children().get(0);
                        if (params.tag() != Der.OID) {
                            throw problem("EC keys with explicit curve parameters are not supported (use a named curve)");
                        }
                        curve = params.oid();
                    }
                }
            } catch (Der.DerException | IndexOutOfBoundsException e) {
                throw problem("not a valid SEC1 EC private key");
            }
            if (curve == null) {
                throw problem("the SEC1 EC private key does not name its curve");
            }
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC), Der.oid(curve)), Der.octetString(sec1));
        }

        private TlsException problem(String detail) {
            return SourceFiles.config(label.what() + " " + file + ": " + detail);
        }
    }

    /**
     * Checks that a private key belongs to a certificate (same RSA modulus, or a signature made
     * with the key verifies with the certificate's public key).
     *
     * @throws TlsException (CONFIG) "client key K does not match certificate C" if not
     */
    public static void checkKeyMatchesCertificate(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile)
            throws TlsException {
        if (!keyMatches(key, certificate.getPublicKey())) {
            throw SourceFiles.config("client key " + keyFile + " does not match certificate " + certFile);
        }
    }

    static boolean keyMatches(PrivateKey key, PublicKey pub) {
        if (key instanceof RSAKey k && pub instanceof RSAKey p) {
            return k.getModulus().equals(p.getModulus());
        }
        String sigAlg = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (sigAlg == null || !sameFamily(key.getAlgorithm(), pub.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "loomwire key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(sigAlg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(sigAlg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || (a.startsWith("Ed") && b.startsWith("Ed"));
    }

    // ------------------------------------------------------------------ keystores

    /**
     * A PKCS#12 or JKS keystore; the type is detected from the content (JKS/JCEKS magic numbers,
     * else PKCS#12), whatever the file is called.
     *
     * @param passwordOrNull the store password; {@code null} loads a JKS store without checking
     *                       its integrity and a PKCS#12 store's unencrypted parts only
     * @throws TlsException (CONFIG) if the file is missing, not a keystore, or the password is wrong
     */
    public static KeyStore loadKeyStore(Path p12OrJks, char[] passwordOrNull) throws TlsException {
        return loadKeyStore(p12OrJks, passwordOrNull, "keystore");
    }

    static KeyStore loadKeyStore(Path file, char[] password, String what) throws TlsException {
        byte[] bytes = SourceFiles.read(file, what);
        if (bytes.length == 0) {
            throw SourceFiles.config(what + " " + file + " is empty");
        }
        String type = keyStoreType(bytes);
        if (type == null) {
            String hint = Pem.looksLikePem(bytes) ? " (it is a PEM file: configure it as a PEM certificate or key instead)" : "";
            throw SourceFiles.config(what + " " + file + " is neither a PKCS#12 nor a JKS keystore" + hint);
        }
        try {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(new ByteArrayInputStream(bytes), password);
            if (type.equals("PKCS12")) {
                addCertificatesTheJdkSkipped(ks, bytes, password);
            }
            if (ks.size() == 0 && password == null) {
                throw SourceFiles.config(what + " " + file + " shows no entries without a password: give its password");
            }
            return ks;
        } catch (IOException e) {
            if (hasCause(e, UnrecoverableKeyException.class) || String.valueOf(e.getMessage()).contains("password")) {
                throw SourceFiles.config(what + " " + file + ": " + (password == null || password.length == 0
                        ? "a password is needed" : "wrong password"));
            }
            throw new TlsException(TlsException.Kind.CONFIG, what + " " + file + ": not a valid " + type
                    + " keystore (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Kind.CONFIG, what + " " + file + ": cannot load " + type
                    + " keystore (" + e.getMessage() + ")", e);
        }
    }

    /** See {@link Pkcs12Certificates}: openssl-made trust stores otherwise load as empty. */
    private static void addCertificatesTheJdkSkipped(KeyStore ks, byte[] pfx, char[] password) throws KeyStoreException {
        Set<Certificate> known = new HashSet<>();
        for (String alias : Collections.list(ks.aliases())) {
            Certificate[] chain = ks.getCertificateChain(alias);
            if (chain != null) {
                known.addAll(Arrays.asList(chain));
            }
            if (ks.getCertificate(alias) != null) {
                known.add(ks.getCertificate(alias));
            }
        }
        int n = 0;
        for (X509Certificate c : Pkcs12Certificates.extract(pfx, password)) {
            if (known.add(c)) {
                String alias;
                do {
                    alias = "cert-" + n++;
                } while (ks.containsAlias(alias));
                ks.setCertificateEntry(alias, c);
            }
        }
    }

    private static String keyStoreType(byte[] b) {
        if (b.length >= 4) {
            int magic = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (magic == 0xFEEDFEED) {
                return "JKS";
            }
            if (magic == 0xCECECECE) {
                return "JCEKS";
            }
        }
        return b.length > 0 && b[0] == Der.SEQUENCE ? "PKCS12" : null;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ CRLs

    /**
     * The certificate revocation lists in a PEM or DER file, or in every regular file of a
     * directory (files without any CRL are skipped there, like the README next to a hashed CRL
     * directory).
     *
     * @throws TlsException (CONFIG) if the path is missing, a file holds no CRL, or a CRL is invalid
     */
    public static List<X509CRL> readCrls(Path fileOrDir) throws TlsException {
        if (fileOrDir != null && Files.isDirectory(fileOrDir)) {
            List<X509CRL> out = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(fileOrDir)) {
                for (Path p : dir) {
                    if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
                        files.add(p);
                    }
                }
            } catch (IOException e) {
                throw new TlsException(TlsException.Kind.CONFIG, "cannot list CRL directory " + fileOrDir + ": " + e.getMessage(), e);
            }
            files.sort(null);
            for (Path p : files) {
                List<X509CRL> crls = readCrlFile(p, false);
                if (crls.isEmpty()) {
                    LOG.debug("CRL directory {}: skipping {}, it holds no CRL", fileOrDir, p.getFileName());
                }
                out.addAll(crls);
            }
            return List.copyOf(out);
        }
        return readCrlFile(fileOrDir, true);
    }

    private static List<X509CRL> readCrlFile(Path file, boolean required) throws TlsException {
        byte[] bytes = SourceFiles.read(file, "CRL file");
        CertificateFactory cf = certificateFactory();
        List<X509CRL> out = new ArrayList<>();
        if (Pem.looksLikePem(bytes)) {
            int n = 0;
            for (Pem.Block b : pemBlocks(file, "CRL file", bytes)) {
                n++;
                if (b.type().equals("X509 CRL")) {
                    try {
                        out.add((X509CRL) cf.generateCRL(new ByteArrayInputStream(b.der())));
                    } catch (GeneralSecurityException | ClassCastException e) {
                        throw SourceFiles.config("CRL file " + file + ": PEM block " + n + " is not a valid CRL");
                    }
                }
            }
        } else if (bytes.length > 0 && bytes[0] == Der.SEQUENCE) {
            try {
                for (CRL c : cf.generateCRLs(new ByteArrayInputStream(bytes))) {
                    out.add((X509CRL) c);
                }
            } catch (GeneralSecurityException | ClassCastException e) {
                out.clear();
            }
        }
        if (out.isEmpty() && required) {
            throw SourceFiles.config("no CRL found in " + file + " (expected PEM \"BEGIN X509 CRL\" or a DER CRL)");
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static List<Pem.Block> pemBlocks(Path file, String what, byte[] bytes) throws TlsException {
        try {
            return Pem.parse(bytes);
        } catch (Pem.PemException e) {
            throw SourceFiles.config(what + " " + file + ": " + e.getMessage());
        }
    }

    private static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 CertificateFactory", e);
        }
    }
}
