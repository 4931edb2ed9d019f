package dev.loomwire.pg;

/**
 * Converts one PostgreSQL type between its wire formats and a Java type: the unit users add to a
 * {@link PgCodecRegistry} for extension types, enums or composites. Every codec speaks the text
 * format; one that also speaks the binary format says so with {@link #binary()}, and then results
 * of its type are requested in binary and parameters sent in binary. A parameter whose class is
 * {@link #javaType()} is sent with the codec's type OID. Implementations must be thread-safe
 * (stateless is best).
 */
public interface PgCodec<T> {
    /** The Java type values decode to and encode from. */
    Class<T> javaType();

    /** Decodes a non-null value from the server's text output. */
    T decodeText(String text);

    /** The text input form of a non-null value. */
    String encodeText(T value);

    /** True if {@link #decodeBinary} and {@link #encodeBinary} are implemented. */
    default boolean binary() {
        return false;
    }

    /** Decodes a non-null value in the type's binary format (only called when {@link #binary()}). */
    default T decodeBinary(byte[] value) {
        throw new UnsupportedOperationException(getClass().getName() + " has no binary format");
    }

    /** The binary form of a non-null value (only called when {@link #binary()}). */
    default byte[] encodeBinary(T value) {
        throw new UnsupportedOperationException(getClass().getName() + " has no binary format");
    }
}
