/**
 * Blocking Redis driver: {@link dev.loomwire.redis.RedisConnection} over {@code redis://} or
 * {@code rediss://} (TLS from the first byte, verified by default, PEM and keystores alike),
 * RESP3 with RESP2 fallback, pipelines, MULTI/EXEC and pub/sub. One connection per (virtual)
 * thread.
 */
package dev.loomwire.redis;
