package dev.loomwire.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the operating system's trust store the way OpenSSL's {@code SSL_CTX_set_default_verify_paths}
 * does, which is what libpq's {@code sslrootcert=system} loads: the file named by
 * {@code SSL_CERT_FILE}, else the distribution's bundle behind OpenSSL's default {@code cert.pem};
 * plus the directory named by {@code SSL_CERT_DIR} (colon-separated), else OpenSSL's default
 * {@code certs} directory when no bundle file exists. If none of these exists the JDK's store is used.
 */
record SystemTrust(List<Path> files, List<Path> directories, String description) {
    /** OpenSSL's default cert.pem on Debian (OPENSSLDIR /usr/lib/ssl) and the bundles other distributions point it at. */
    static final List<Path> DEFAULT_FILES = List.of(Path.of("/usr/lib/ssl/cert.pem"),
            Path.of("/etc/ssl/certs/ca-certificates.crt"), Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
            Path.of("/etc/ssl/ca-bundle.pem"), Path.of("/etc/ssl/cert.pem"));
    static final List<Path> DEFAULT_DIRECTORIES = List.of(Path.of("/usr/lib/ssl/certs"), Path.of("/etc/ssl/certs"),
            Path.of("/etc/pki/tls/certs"));

    /** Where the trust store is on this machine, from the process environment. */
    static SystemTrust locate() {
        return locate(System.getenv());
    }

    static SystemTrust locate(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<String> said = new ArrayList<>();
        String file = env.get("SSL_CERT_FILE");
        if (file != null && !file.isEmpty()) {
            Path p = Path.of(file);
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
            said.add("SSL_CERT_FILE=" + file + (Files.isRegularFile(p) ? "" : " (missing)"));
        } else {
            DEFAULT_FILES.stream().filter(Files::isRegularFile).findFirst().ifPresent(p -> {
                files.add(p);
                said.add(p.toString());
            });
        }
        String dir = env.get("SSL_CERT_DIR");
        if (dir != null && !dir.isEmpty()) {
            for (String d : dir.split(":")) {
                if (!d.isEmpty() && Files.isDirectory(Path.of(d))) {
                    dirs.add(Path.of(d));
                }
            }
            said.add("SSL_CERT_DIR=" + dir + (dirs.isEmpty() ? " (missing)" : ""));
        } else if (files.isEmpty()) {
            DEFAULT_DIRECTORIES.stream().filter(Files::isDirectory).findFirst().ifPresent(d -> {
                dirs.add(d);
                said.add(d + "/");
            });
        }
        String description = "the operating system's trust store as OpenSSL sees it (" + String.join(", ", said) + ")";
        return new SystemTrust(List.copyOf(files), List.copyOf(dirs), description);
    }

    /** Every file or directory this store reads, for change detection. */
    List<Path> paths() {
        List<Path> out = new ArrayList<>(files);
        out.addAll(directories);
        return out;
    }

    /** The certificates found; empty when the OS has none (then the JDK's store is used). */
    List<X509Certificate> certificates() throws TlsException {
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(PemFiles.readCertificates(f, "system trust file"));
        }
        for (Path d : directories) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                for (Path e : entries) {
                    if (Files.isRegularFile(e)) {
                        try {
                            out.addAll(PemFiles.readCertificates(e, "system trust file"));
                        } catch (TlsException notACertificate) {
                            // OpenSSL looks up hashed names only; other files in the directory are not certificates
                        }
                    }
                }
            } catch (IOException e) {
                throw new TlsException(TlsException.Kind.CONFIG, "cannot read the trust directory " + d + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
