package dev.mnm.services;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A follower's pipelined connection to a peer's RESP port. Commands go out in the order
 * {@link #send} is called and replies are matched to them in that order, so the commands one
 * client pipelines through a follower reach the leader, and are applied, in the client's order.
 * If a reply does not come within the timeout the connection is closed; a closed connection fails
 * every command still waiting (the caller retries them under their ids) and the next send
 * connects again. The peer's replies are parsed by Netty's RESP codec and passed on as RESP.
 */
final class Forwarder implements AutoCloseable {
    private final InetSocketAddress address;
    private final EventLoopGroup group;
    /** How long a connection attempt may take. */
    private final long timeoutMillis;
    private ChannelFuture connection; // guarded by this

    Forwarder(InetSocketAddress address, EventLoopGroup group, long timeoutMillis) {
        this.address = address;
        this.group = group;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Sends one RESP command; completes with the peer's reply, or exceptionally (an
     * {@link IOException}) if the connection failed or the reply took longer than
     * {@code timeoutMillis} — in which case the peer may or may not have run it.
     */
    CompletableFuture<byte[]> send(byte[] command, long timeoutMillis) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        ChannelFuture c = connection();
        // listeners of one future run in the order they were added, on the channel's event loop
        c.addListener(done -> {
            if (!done.isSuccess()) {
                reply.completeExceptionally(new IOException("cannot connect to " + address + ": " + done.cause()));
                return;
            }
            Channel ch = c.channel();
            Replies replies = ch.pipeline().get(Replies.class);
            if (replies == null || !ch.isActive()) {
                reply.completeExceptionally(new IOException("connection to " + address + " closed"));
                return;
            }
            replies.waiting.add(reply);
            ch.writeAndFlush(Unpooled.wrappedBuffer(command));
            ch.eventLoop().schedule(() -> {
                if (!reply.isDone()) {
                    ch.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        });
        return reply;
    }

    private synchronized ChannelFuture connection() {
        if (connection == null || connection.isDone() && !connection.channel().isActive()) {
            connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new RedisDecoder(), new RedisBulkStringAggregator(),
                                    new RedisArrayAggregator(), new Replies());
                        }
                    }).connect(address);
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.channel().close();
        }
    }

    /** Matches replies to the commands waiting for them, in order; fails the rest when the connection closes. */
    private static final class Replies extends SimpleChannelInboundHandler<RedisMessage> {
        final ArrayDeque<CompletableFuture<byte[]>> waiting = new ArrayDeque<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RedisMessage msg) {
            CompletableFuture<byte[]> f = waiting.poll();
            if (f == null) {
                ctx.close(); // a reply nobody asked for: the stream is out of step
                return;
            }
            f.complete(raw(msg));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException closed = new IOException("connection to " + ctx.channel().remoteAddress() + " closed");
            for (CompletableFuture<byte[]> f; (f = waiting.poll()) != null; ) {
                f.completeExceptionally(closed);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@code m} as RESP bytes. */
    static byte[] raw(RedisMessage m) {
        return switch (m) {
            case SimpleStringRedisMessage s -> Resp.simple(s.content());
            case ErrorRedisMessage e -> Resp.error(e.content());
            case IntegerRedisMessage i -> Resp.integer(i.value());
            case FullBulkStringRedisMessage b -> Resp.bulk(b.isNull() ? null : ByteBufUtil.getBytes(b.content()));
            case ArrayRedisMessage a -> {
                if (a.isNull()) {
                    yield "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
                }
                List<byte[]> items = new ArrayList<>();
                a.children().forEach(child -> items.add(raw(child)));
                yield Resp.array(items);
            }
            default -> Resp.error("ERR unexpected reply from the leader: " + m.getClass().getSimpleName());
        };
    }
}
