package dev.loomwire.tls;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads configuration files, turning every I/O problem into a {@link TlsException} naming the file. */
final class SourceFiles {
    /** Refuse absurd inputs: no certificate, key, CRL or keystore we read comes near this. */
    private static final long MAX_SIZE = 64L * 1024 * 1024;

    private SourceFiles() {}

    /**
     * The file's bytes (possibly none); {@code what} names its role in messages ("client key",
     * "CRL file").
     */
    static byte[] read(Path file, String what) throws TlsException {
        if (file == null) {
            throw config(what + ": no file given");
        }
        try {
            if (Files.isDirectory(file)) {
                throw config(what + " " + file + " is a directory, not a file");
            }
            if (Files.exists(file) && Files.size(file) > MAX_SIZE) {
                throw config(what + " " + file + " is too large (" + Files.size(file) + " bytes)");
            }
            return Files.readAllBytes(file);
        } catch (TlsException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw config(what + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw config(what + " " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new TlsException(TlsException.Kind.CONFIG, "cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    static TlsException config(String message) {
        return new TlsException(TlsException.Kind.CONFIG, message);
    }
}
