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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's authenticated connection to one memory node. Operations are pipelined and
 * answered in order; each reply's callback runs on {@code executor} (the process's logical
 * thread). If the connection is lost, outstanding and later operations never complete — exactly
 * what a crashed memory does in the model.
 */
public final class MemoryClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemoryClient.class);
    private final int process;
    private final Executor executor;
    private final Channel channel;
    private final Map<Long, Consumer<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> authenticated = new CompletableFuture<>();

    private MemoryClient(int process, PrivateKey key, InetSocketAddress address, EventLoopGroup group, Executor executor)
            throws InterruptedException {
        this.process = process;
        this.executor = executor;
        this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Frames.install(ch.pipeline());
                        ch.pipeline().addLast(new Handler(key));
                    }
                }).connect(address).sync().channel();
    }

    /** Connects as {@code process} and proves it with {@code key}; fails if the node refuses. */
    public static MemoryClient connect(int process, PrivateKey key, InetSocketAddress address, EventLoopGroup group,
                                       Executor executor) throws Exception {
        MemoryClient c = new MemoryClient(process, key, address, group, executor);
        try {
            c.authenticated.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            c.close();
            throw new IllegalStateException("memory node at " + address + " refused process " + process + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        }
        return c;
    }

    /** Issues {@code op}; {@code onReply} runs on the executor when the reply arrives, never if none does. */
    public void execute(MemoryOp op, Consumer<Reply> onReply) {
        long id = ids.incrementAndGet();
        pending.put(id, onReply);
        channel.eventLoop().execute(() -> {
            ByteBuf b = channel.alloc().buffer().writeByte(Wire.REQUEST).writeLong(id);
            Wire.op(b, op);
            channel.writeAndFlush(b);
        });
    }

    public boolean connected() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private final PrivateKey key;

        Handler(PrivateKey key) {
            this.key = key;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            byte type = Wire.u8(in);
            switch (type) {
                case Wire.CHALLENGE -> {
                    Wire.need(in, 36);
                    byte[] nonce = new byte[32];
                    in.readBytes(nonce);
                    int memoryId = in.readInt();
                    byte[] sig = Keys.sign(key, MemoryNode.challenge(nonce, memoryId));
                    ctx.writeAndFlush(ctx.alloc().buffer().writeByte(Wire.AUTH).writeInt(process).writeInt(sig.length)
                            .writeBytes(sig));
                }
                case Wire.AUTH_OK -> authenticated.complete(null);
                case Wire.RESPONSE -> {
                    long id = Wire.i64(in);
                    Reply r = Wire.reply(in);
                    Consumer<Reply> k = pending.remove(id);
                    if (k != null) {
                        try {
                            executor.execute(NetEnv.guarded(process, () -> k.accept(r)));
                        } catch (java.util.concurrent.RejectedExecutionException processStopped) {
                            ctx.close(); // the process is gone: nothing will take the reply
                        }
                    }
                }
                case Wire.ERROR -> {
                    String reason = in.toString(StandardCharsets.UTF_8);
                    authenticated.completeExceptionally(new IllegalStateException(reason));
                    log.warn("process {}: memory node closed the connection: {}", process, reason);
                }
                default -> throw new Wire.BadFrame("unexpected frame type " + type);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            authenticated.completeExceptionally(new IllegalStateException("connection closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("process {}: closing connection to memory node: {}", process, cause.toString());
            ctx.close();
        }
    }
}
