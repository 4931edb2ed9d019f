/**
 * RESP2/RESP3 codec without I/O: an incremental, limit-checking reply decoder and a command
 * encoder writing into one reusable buffer. Internal to the driver (not exported).
 */
package dev.loomwire.redis.resp;
