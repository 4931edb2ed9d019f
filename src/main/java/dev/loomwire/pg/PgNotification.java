package dev.loomwire.pg;

/** A NOTIFY delivered to this connection: sending backend's process id, channel and payload. */
public record PgNotification(int processId, String channel, String payload) {}
