package dev.loomwire.redis;

/** A sorted-set member with its score, as returned by {@code ZRANGE ... WITHSCORES}. */
public record ScoredMember(String member, double score) {}
