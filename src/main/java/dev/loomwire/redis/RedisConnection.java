package dev.loomwire.redis;

import dev.loomwire.redis.RedisReply.PushReply;
import dev.loomwire.redis.resp.RespEncoder;
import dev.loomwire.tls.TlsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One blocking connection to a Redis server, plaintext ({@code redis://}) or TLS from the first
 * byte ({@code rediss://}). Not thread-safe: use one per (virtual) thread. Every request is
 * encoded into one buffer and sent with one socket write; {@link #pipeline()} sends many
 * commands in one write. The typed commands come from {@link RedisCommands}, built by
 * {@link RedisCommandFactory} and sent by {@link #execute}.
 *
 * <p>An error reply throws {@link RedisServerException} and leaves the connection usable; a
 * transport, TLS, timeout or protocol failure throws {@link RedisConnectionException} and closes
 * the connection.
 */
public final class RedisConnection implements RedisCommands, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    private final RedisConfig config;
    private final RespChannel channel;
    private final TlsSession tls;
    private int protocol;
    private String serverVersion;
    private long serverConnectionId = -1;
    private Consumer<PushReply> pushListener;
    private RedisSubscription subscription;

    RedisConnection(RedisConfig config, RespChannel channel, TlsSession tls) {
        this.config = config;
        this.channel = channel;
        this.tls = tls;
    }

    /** Connects to a {@code redis://} or {@code rediss://} URI (see {@link RedisConfig#fromUri}). */
    public static RedisConnection connect(String uri) {
        return connect(RedisConfig.fromUri(uri));
    }

    /** Connects, sets up TLS if configured, authenticates, names the client and selects the database. */
    public static RedisConnection connect(RedisConfig config) {
        return RedisConnector.connect(config);
    }

    void started(int negotiatedProtocol) {
        this.protocol = negotiatedProtocol;
    }

    void serverInfo(RedisReply hello) {
        try {
            Map<String, RedisReply> info = hello.asMap();
            RedisReply version = info.get("version");
            serverVersion = version == null ? null : version.asString();
            RedisReply id = info.get("id");
            serverConnectionId = id == null ? -1 : id.asLong();
        } catch (RedisException e) {
            log.debug("unexpected HELLO reply {}", hello);
        }
    }

    // ---------------------------------------------------------------- connection facts

    /** The configuration this connection was opened with. */
    public RedisConfig config() {
        return config;
    }

    /** The TLS session facts (protocol, cipher suite, peer chain, SNI); empty for plaintext. */
    public Optional<TlsSession> tls() {
        return Optional.ofNullable(tls);
    }

    /** The RESP version in use: 3 after a successful HELLO 3, else 2. */
    public int protocol() {
        return protocol;
    }

    /** The server version from HELLO, or null under RESP2. */
    public String serverVersion() {
        return serverVersion;
    }

    /** True until closed or broken by a transport failure. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** True when a transport, TLS or protocol failure closed this connection. */
    public boolean isBroken() {
        return channel.isBroken();
    }

    /**
     * Receives RESP3 push messages that arrive between replies outside a subscription (e.g.
     * client-side caching invalidations); without a listener they are dropped.
     */
    public void onPush(Consumer<PushReply> listener) {
        this.pushListener = listener;
    }

    @Override
    public void close() {
        channel.close();
    }

    // ---------------------------------------------------------------- commands

    /**
     * Sends one command and returns its decoded reply; an error reply throws
     * {@link RedisServerException}. A BLOCKING command with a known block time (BLPOP) waits for its
     * reply that long plus the connection's timeout, so a long block does not break the connection.
     */
    @Override
    public <T> T execute(RedisCommand<T> command) {
        ensureNotSubscribed();
        command.encodeTo(channel.encoder());
        channel.flush();
        return command.decode(readReply(replyTimeout(command)).throwIfError());
    }

    private Duration replyTimeout(RedisCommand<?> command) {
        Duration block = command.blockTimeout();
        if (block == null) {
            return config.timeout();
        }
        return block.isZero() || config.timeout().isZero() ? Duration.ZERO : block.plus(config.timeout());
    }

    /** Queues commands and sends them all in one write; see {@link RedisPipeline}. */
    public RedisPipeline pipeline() {
        return new RedisPipeline(this);
    }

    /** Starts a MULTI/EXEC transaction: commands queue locally and go in one write at {@link RedisTransaction#exec()}. */
    public RedisTransaction multi() {
        return new RedisTransaction(this);
    }

    /** {@code WATCH keys}: a following {@link RedisTransaction#exec()} aborts if they change. */
    public void watch(String... keys) {
        execute(RedisCommandFactory.watch(keys));
    }

    /** {@code UNWATCH}. */
    public void unwatch() {
        execute(RedisCommandFactory.unwatch());
    }

    /** {@code CLIENT SETNAME}: names this connection in {@code CLIENT LIST}. */
    public void clientSetName(String name) {
        execute(RedisCommandFactory.clientSetName(name));
    }

    public String clientGetName() {
        return execute(RedisCommandFactory.clientGetName());
    }

    /** CLIENT ID: the server's id of this connection. */
    public long clientId() {
        return execute(RedisCommandFactory.clientId());
    }

    // ---------------------------------------------------------------- pub/sub

    /** SUBSCRIBE; the connection serves only the returned subscription until it is closed. */
    public RedisSubscription subscribe(String... channels) {
        return startSubscription().subscribe(channels);
    }

    /** PSUBSCRIBE; the connection serves only the returned subscription until it is closed. */
    public RedisSubscription psubscribe(String... patterns) {
        return startSubscription().psubscribe(patterns);
    }

    /** SSUBSCRIBE to shard channels (Redis 7+); the connection serves only the returned subscription until it is closed. */
    public RedisSubscription ssubscribe(String... shardChannels) {
        return startSubscription().ssubscribe(shardChannels);
    }

    private RedisSubscription startSubscription() {
        ensureNotSubscribed();
        subscription = new RedisSubscription(this);
        return subscription;
    }

    void subscriptionEnded() {
        subscription = null;
    }

    /** True while a subscription owns this connection (a pool must not lend it to anyone else). */
    boolean inSubscription() {
        return subscription != null;
    }

    // ---------------------------------------------------------------- plumbing

    RespChannel channel() {
        return channel;
    }

    Duration timeout() {
        return config.timeout();
    }

    /** Sends one untyped command and returns its reply; error replies are thrown (used by the handshake). */
    RedisReply call(Object... args) {
        return execute(RedisCommandFactory.raw(args));
    }

    /** Sends a pre-encoded batch with one write and reads {@code count} replies (errors returned, not thrown). */
    List<RedisReply> sendBatch(RespEncoder batch, int count) {
        ensureNotSubscribed();
        channel.write(batch);
        List<RedisReply> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replies.add(readReply(config.timeout()));
        }
        return replies;
    }

    /** The next reply that is not an out-of-band push (pushes go to the listener). */
    RedisReply readReply(Duration readTimeout) {
        while (true) {
            RedisReply r = channel.read(readTimeout);
            if (r instanceof PushReply p) {
                Consumer<PushReply> listener = pushListener;
                if (listener != null) {
                    listener.accept(p);
                } else {
                    log.debug("dropping push message {} from {}", p.kind(), channel.peer());
                }
                continue;
            }
            return r;
        }
    }

    private void ensureNotSubscribed() {
        if (subscription != null) {
            throw new IllegalStateException("this connection is serving a pub/sub subscription: close the subscription first");
        }
    }

    @Override
    public String toString() {
        return "RedisConnection[" + config + (isOpen() ? "" : isBroken() ? " broken" : " closed") + "]";
    }
}
