package dev.mnm.net;

import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's authenticated connection to one memory node, which heals: it connects in the
 * background, and again with backoff (50 ms doubling to 2 s) whenever the connection is lost, in
 * any start order. Operations are pipelined and answered in order; each reply's callback runs on
 * {@code executor} (the process's logical thread).
 *
 * <h2>What the process sees (the model's semantics)</h2>
 * <ul>
 *   <li>An operation issued while disconnected waits (at most {@link #MAX_QUEUED} of them) and is
 *   sent, in issue order, once the connection is back: the memory was merely slow. If the memory
 *   node restarted meanwhile, they are dropped instead: they were meant for the old memory.</li>
 *   <li>An operation in flight when the connection is lost may or may not have executed, and is
 *   never answered — what a memory that crashed just then does to that one operation. The
 *   protocols are safe with any operation unanswered; a later one goes through once connected.
 *   Per-(process, memory) FIFO holds: the memory node executes one connection's operations in
 *   order and has read everything of an old connection before a new one can authenticate (a
 *   challenge round trip later).</li>
 *   <li>A memory node that restarted is a <em>new, empty</em> memory (its incarnation number, sent
 *   in the challenge, changed; it boots marked as restarted). The client connects to it like to
 *   any other and logs the restart; the protocol keeps it out of its quorums until it has been
 *   caught up ({@code ReplicatedLog}).</li>
 * </ul>
 * Every change of reachability is logged once, with the reason.
 */
public final class MemoryClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemoryClient.class);
    /** Operations held while disconnected; beyond this they are never answered, like a crashed memory's. */
    static final int MAX_QUEUED = 100_000;
    static final long MIN_BACKOFF_MILLIS = 50;
    static final long MAX_BACKOFF_MILLIS = 2_000;

    private record Queued(long id, MemoryOp op, Consumer<Reply> onReply) {}

    private final int process;
    private final PrivateKey key;
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final Executor executor;
    private final CompletableFuture<Void> firstAuthentication = new CompletableFuture<>();
    // all below guarded by this
    private final Map<Long, Consumer<Reply>> pending = new HashMap<>();
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private long ids;
    private Channel channel;
    private boolean ready;
    private boolean closed;
    /** Told (on the executor) when the memory node turns out to have restarted; null if nobody listens. */
    private Runnable onRestart;
    /** The memory node's incarnation at the first authentication; 0 before. */
    private long incarnation;
    private long backoff = MIN_BACKOFF_MILLIS;
    private String lastProblem;
    private java.util.concurrent.Future<?> nextAttempt;
    private boolean overflowLogged;

    private MemoryClient(int process, PrivateKey key, InetSocketAddress address, EventLoopGroup group, Executor executor) {
        this.process = process;
        this.key = key;
        this.address = address;
        this.group = group;
        this.executor = executor;
    }

    /** Starts connecting to the memory node at {@code address} as {@code process}, in the background, for good. */
    public static MemoryClient open(int process, PrivateKey key, InetSocketAddress address, EventLoopGroup group,
                                    Executor executor) {
        MemoryClient c = new MemoryClient(process, key, address, group, executor);
        c.connect();
        return c;
    }

    /** {@link #open}, then waits up to 10 s for the first authentication; fails if it does not happen. */
    public static MemoryClient connect(int process, PrivateKey key, InetSocketAddress address, EventLoopGroup group,
                                       Executor executor) throws Exception {
        MemoryClient c = open(process, key, address, group, executor);
        try {
            c.firstAuthentication.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            c.close();
            throw new IllegalStateException("memory node at " + address + " refused process " + process + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        }
        return c;
    }

    /** Issues {@code op}; {@code onReply} runs on the executor when the reply arrives, never if none does. */
    public synchronized void execute(MemoryOp op, Consumer<Reply> onReply) {
        if (closed) {
            return;
        }
        long id = ++ids;
        if (ready) {
            pending.put(id, onReply);
            send(channel, id, op);
        } else if (queued.size() < MAX_QUEUED) {
            queued.add(new Queued(id, op, onReply));
        } else {
            if (!overflowLogged) {
                overflowLogged = true;
                log.warn("process {}: memory node at {} unreachable for long; operations beyond {} are dropped",
                        process, address, MAX_QUEUED);
            }
        }
    }

    /** Whether the connection is up and authenticated now. */
    public synchronized boolean connected() {
        return ready;
    }

    /**
     * Why the memory is not usable now, or null if it is or may be: connected, or still making its
     * first attempt (operations issued meanwhile wait for it).
     */
    public synchronized String problem() {
        return ready ? null : lastProblem;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    private static void send(Channel ch, long id, MemoryOp op) {
        int size = op instanceof MemoryOp.Write w ? 64 + w.value().length() : 64; // written once, not grown
        ByteBuf b = ch.alloc().buffer(size).writeByte(Wire.REQUEST).writeLong(id);
        Wire.op(b, op);
        ch.writeAndFlush(b);
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        io.netty.channel.ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new Handler());
                    }
                }).connect(address);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                lost(f.channel(), "cannot connect: " + done.cause().getMessage());
            }
        });
    }

    /**
     * Connection {@code ch} is gone (or never came): its in-flight operations are never answered;
     * try again later. Only the first report for the current connection counts.
     */
    private synchronized void lost(Channel ch, String why) {
        if (ch != channel) {
            return;
        }
        channel = null;
        ready = false;
        pending.clear();
        ch.close();
        if (closed) { // this side closed it: nothing to report
            return;
        }
        if (!why.equals(lastProblem)) {
            log.warn("process {}: memory node at {} unreachable ({}); reconnecting with backoff", process, address, why);
            lastProblem = why;
        }
        long wait = backoff;
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        nextAttempt = group.schedule((Runnable) this::connect, wait, TimeUnit.MILLISECONDS);
    }

    /** {@code r} runs on the executor whenever the memory node turns out to be a new incarnation (it restarted empty). */
    public synchronized void onRestart(Runnable r) {
        onRestart = r;
    }

    /** If the client is waiting out a backoff, tries again now (a client is waiting for the memory). */
    public synchronized void hurry() {
        if (channel == null && nextAttempt != null && nextAttempt.cancel(false)) {
            connect();
        }
    }

    private synchronized void authenticated(Channel ch, long nodeIncarnation) {
        if (ch != channel || closed) {
            ch.close();
            return;
        }
        if (incarnation != 0 && nodeIncarnation != incarnation) {
            log.warn("process {}: memory node at {} restarted (incarnation {} → {}): a new, empty memory, which the log "
                    + "leaves out of every quorum until its leader has copied the log into it", process, address,
                    Long.toHexString(incarnation), Long.toHexString(nodeIncarnation));
            queued.clear(); // issued to the old memory: lost with it, never answered (as in the simulator)
            if (onRestart != null) {
                executor.execute(onRestart);
            }
        }
        incarnation = nodeIncarnation;
        ready = true;
        backoff = MIN_BACKOFF_MILLIS;
        if (lastProblem != null) {
            log.info("process {}: memory node at {} reachable again", process, address);
            lastProblem = null;
        }
        for (Queued q; (q = queued.poll()) != null; ) {
            pending.put(q.id(), q.onReply());
            send(ch, q.id(), q.op());
        }
        overflowLogged = false;
        firstAuthentication.complete(null);
    }

    private synchronized Consumer<Reply> answered(long id) {
        return pending.remove(id);
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            byte type = Wire.u8(in);
            switch (type) {
                case Wire.CHALLENGE -> {
                    Wire.need(in, 44);
                    byte[] nonce = new byte[32];
                    in.readBytes(nonce);
                    int memoryId = in.readInt();
                    long nodeIncarnation = in.readLong();
                    byte[] sig = Keys.sign(key, MemoryNode.challenge(nonce, memoryId));
                    ctx.channel().attr(INCARNATION).set(nodeIncarnation);
                    ctx.writeAndFlush(ctx.alloc().buffer().writeByte(Wire.AUTH).writeInt(process).writeInt(sig.length)
                            .writeBytes(sig));
                }
                case Wire.AUTH_OK -> authenticated(ctx.channel(), ctx.channel().attr(INCARNATION).get());
                case Wire.RESPONSE -> {
                    long id = Wire.i64(in);
                    Reply r = Wire.reply(in);
                    Consumer<Reply> k = answered(id);
                    if (k != null) {
                        try {
                            executor.execute(NetEnv.guarded(process, () -> k.accept(r)));
                        } catch (java.util.concurrent.RejectedExecutionException processStopped) {
                            close(); // the process is gone: nothing will take the reply
                        }
                    }
                }
                case Wire.ERROR -> {
                    String reason = in.toString(StandardCharsets.UTF_8);
                    firstAuthentication.completeExceptionally(new IllegalStateException(reason));
                    lost(ctx.channel(), "the memory node refused: " + reason);
                }
                default -> throw new Wire.BadFrame("unexpected frame type " + type);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(ctx.channel(), "connection closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("process {}: closing connection to memory node at {}: {}", process, address, cause.toString());
            ctx.close();
        }
    }

    private static final io.netty.util.AttributeKey<Long> INCARNATION = io.netty.util.AttributeKey.valueOf("mnm.incarnation");
}
