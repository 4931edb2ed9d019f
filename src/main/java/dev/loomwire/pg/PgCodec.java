package dev.loomwire.pg;

/**
 * Converts one PostgreSQL type between its text wire format and a Java type: the unit users add
 * to a {@link PgCodecRegistry} for extension types, enums or composites. Results of a type with a
 * codec are requested in text format; a parameter whose class is {@link #javaType()} is sent as
 * text with the codec's type OID. Implementations must be thread-safe (stateless is best).
 */
public interface PgCodec<T> {
    /** The Java type values decode to and encode from. */
    Class<T> javaType();

    /** Decodes a non-null value from the server's text output. */
    T decodeText(String text);

    /** The text input form of a non-null value. */
    String encodeText(T value);
}
