/**
 * Blocking Redis driver: {@link dev.loomwire.redis.RedisConnection} over {@code redis://} or
 * {@code rediss://} (TLS from the first byte, verified by default, PEM and keystores alike),
 * RESP3 with RESP2 fallback, pipelines, MULTI/EXEC and pub/sub. One connection per (virtual)
 * thread, or the thread-safe {@link dev.loomwire.redis.RedisClient}. Every command is defined once
 * in {@link dev.loomwire.redis.RedisCommandFactory} as a {@link dev.loomwire.redis.RedisCommand}
 * (arguments, key positions, reply decoder, flags); {@link dev.loomwire.redis.RedisCommands} gives
 * the same typed methods on every front end over one {@code execute(command)}.
 */
package dev.loomwire.redis;
