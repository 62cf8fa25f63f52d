package dev.mnm.net;

import dev.mnm.core.MemoryHost;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memory node: one memory of the model served over TCP, like a NIC — its registers in off-heap
 * memory ({@link dev.mnm.core.RegisterStore#offHeap}) — it executes the one-sided
 * operations of authenticated processes on a {@link MemoryHost}, one at a time, and never runs
 * protocol code. A connection first proves which process it speaks for by signing a fresh
 * challenge with that process's Ed25519 key; only then are its operations executed, with that
 * process's permissions. Anything malformed closes that one connection, with a logged reason.
 */
public final class MemoryNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemoryNode.class);
    private final int id;
    private final MemoryHost memory;
    private final Map<Integer, PublicKey> keys;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final SecureRandom random = new SecureRandom();
    /** Random per start: a process that sees it change knows this is a new, empty memory. */
    private final long incarnation = random.nextLong() | 1;

    private MemoryNode(int id, MemoryLayout layout, Map<Integer, PublicKey> keys, InetSocketAddress listen,
                       java.util.function.Consumer<MemoryHost> boot) throws InterruptedException {
        this.id = id;
        this.memory = new MemoryHost(id, layout, dev.mnm.core.RegisterStore.offHeap(layout.registers()));
        boot.accept(memory);
        this.keys = Map.copyOf(keys);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            Frames.install(ch.pipeline());
                            ch.pipeline().addLast(new Connection());
                        }
                    }).bind(listen).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** Starts memory {@code id} with {@code layout}, accepting the processes whose public keys are given. */
    public static MemoryNode start(int id, MemoryLayout layout, Map<Integer, PublicKey> keys, InetSocketAddress listen)
            throws InterruptedException {
        return new MemoryNode(id, layout, keys, listen, memory -> { });
    }

    /**
     * The same, for a memory that restarted: empty, and prepared by {@code boot} before it serves
     * (for the log, {@code ReplicatedLog.bootRestarted}: marked restarted, nobody may write the log
     * until a leader has copied it in).
     */
    public static MemoryNode restart(int id, MemoryLayout layout, Map<Integer, PublicKey> keys, InetSocketAddress listen,
                                     java.util.function.Consumer<MemoryHost> boot) throws InterruptedException {
        return new MemoryNode(id, layout, keys, listen, boot);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public int id() {
        return id;
    }


    /** A register's content, for tests and checkers (read on the node's own thread). */
    public dev.mnm.core.Bytes peek(int register) {
        return onNodeThread(() -> memory.peek(register));
    }

    /** A region's permission, for tests and checkers. */
    public dev.mnm.core.Permission permission(int region) {
        return onNodeThread(() -> memory.permission(region));
    }

    private <T> T onNodeThread(java.util.concurrent.Callable<T> f) {
        try {
            return group.submit(f).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes every connection, as a network blip would; the memory keeps its contents and serves on. */
    public void dropConnections() {
        channels.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** The challenge a process signs: the nonce, a purpose string and the memory id. */
    static byte[] challenge(byte[] nonce, int memoryId) {
        byte[] purpose = ("mnm-memory-" + memoryId).getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[nonce.length + purpose.length];
        System.arraycopy(nonce, 0, all, 0, nonce.length);
        System.arraycopy(purpose, 0, all, nonce.length, purpose.length);
        return all;
    }

    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        private final byte[] nonce = new byte[32];
        private int process;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            random.nextBytes(nonce);
            ctx.writeAndFlush(Frames.frame(ctx, Wire.CHALLENGE).writeBytes(nonce).writeInt(id).writeLong(incarnation));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            byte type = Wire.u8(in);
            if (process == 0) {
                if (type != Wire.AUTH) {
                    throw new Wire.BadFrame("expected AUTH, got frame type " + type);
                }
                int p = Wire.i32(in);
                int len = Wire.i32(in);
                if (len < 0 || len > 256) {
                    throw new Wire.BadFrame("bad signature length " + len);
                }
                Wire.need(in, len);
                byte[] sig = new byte[len];
                in.readBytes(sig);
                Wire.end(in);
                PublicKey key = keys.get(p);
                if (key == null || !Keys.verify(key, challenge(nonce, id), sig)) {
                    refuse(ctx, "authentication failed for process " + p);
                    return;
                }
                process = p;
                ctx.writeAndFlush(Frames.frame(ctx, Wire.AUTH_OK));
                return;
            }
            if (type != Wire.REQUEST) {
                throw new Wire.BadFrame("expected REQUEST, got frame type " + type);
            }
            long requestId = Wire.i64(in);
            MemoryOp op = Wire.op(in);
            Wire.end(in);
            Optional<Reply> reply = memory.execute(process, op);
            if (reply.isEmpty()) {
                return;
            }
            ByteBuf out = ctx.alloc().buffer(9 + Wire.size(reply.get())).writeByte(Wire.RESPONSE).writeLong(requestId);
            Wire.reply(out, reply.get());
            ctx.writeAndFlush(out);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            refuse(ctx, cause instanceof Wire.BadFrame ? cause.getMessage() : cause.toString());
        }

        private void refuse(ChannelHandlerContext ctx, String reason) {
            log.warn("memory node {}: closing connection from {} (process {}): {}", id, ctx.channel().remoteAddress(),
                    process == 0 ? "unauthenticated" : process, reason);
            ByteBuf err = Frames.frame(ctx, Wire.ERROR).writeBytes(reason.getBytes(StandardCharsets.UTF_8));
            ctx.writeAndFlush(err).addListener(f -> ctx.close());
        }
    }
}
