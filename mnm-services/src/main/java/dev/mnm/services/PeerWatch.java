package dev.mnm.services;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * An idle TCP connection to one peer's RESP port whose only use is to close: the kernel closes a
 * killed process's sockets at once, so a close is the fastest sign of a crash — much faster than
 * missed heartbeats. On a close it reports the peer ({@code onClose}) and connects again with
 * backoff (100 ms doubling to 2 s). A stopped (SIGSTOP) or hung process keeps its sockets open;
 * the heartbeats catch that one.
 */
final class PeerWatch implements AutoCloseable {
    private final int peer;
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    private final IntConsumer onClose;
    private long backoff = 100;
    private volatile boolean closed;
    private volatile ChannelFuture connection;

    PeerWatch(int peer, InetSocketAddress address, EventLoopGroup group, IntConsumer onClose) {
        this.peer = peer;
        this.address = address;
        this.group = group;
        this.onClose = onClose;
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        backoff = 100;
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        if (!closed) {
                            onClose.accept(peer);
                            retry();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                }).connect(address);
        connection.addListener(f -> {
            if (!f.isSuccess()) {
                retry();
            }
        });
    }

    private void retry() {
        long wait = backoff;
        backoff = Math.min(2_000, backoff * 2);
        if (!closed) {
            group.schedule((Runnable) this::connect, wait, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        ChannelFuture c = connection;
        if (c != null) {
            c.channel().close();
        }
    }
}
