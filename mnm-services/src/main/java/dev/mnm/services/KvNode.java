package dev.mnm.services;

import dev.mnm.net.MemoryClient;
import dev.mnm.net.NetEnv;
import dev.mnm.protocols.log.ReplicatedLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process node of the key-value service: one {@link ReplicatedLog} (the protocol class the
 * simulator runs) on the network runtime, its {@link KvStateMachine}, and a RESP server. Any node
 * accepts clients; a follower forwards logged commands to the leader it sees, once.
 */
public final class KvNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvNode.class);
    static final String FORWARDED = "MNM.FWD";

    private final int id;
    private final ScheduledExecutorService thread;
    private final EventLoopGroup group;
    private final MemoryClient[] memories;
    private final ReplicatedLog replica; // null: unreplicated, the benchmark's floor
    private final KvStateMachine state = new KvStateMachine();
    private final Channel server;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<Integer, InetSocketAddress> peers = new ConcurrentHashMap<>();
    private final Map<Integer, Forwarder> forwarders = new ConcurrentHashMap<>();

    private KvNode(int id, int n, Map<Integer, InetSocketAddress> memoryAddresses, PrivateKey key,
                   InetSocketAddress listen, ReplicatedLog.Config cfg) throws InterruptedException {
        this.id = id;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mnm-p" + id);
            t.setDaemon(true);
            return t;
        });
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        int m = memoryAddresses.size();
        this.memories = new MemoryClient[m + 1];
        for (int i = 1; i <= m; i++) {
            try {
                memories[i] = MemoryClient.connect(id, key, memoryAddresses.get(i), group, thread);
            } catch (Exception e) {
                log.warn("process {}: memory {} unreachable ({}); its operations will not be answered", id, i,
                        e.getMessage());
                memories[i] = null;
            }
        }
        if (cfg == null) {
            this.replica = null;
        } else {
            this.replica = new ReplicatedLog(new NetEnv(id, n, memories, thread), cfg, state);
            thread.execute(replica::start);
        }
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast(new RespDecoder(), new Handler());
                    }
                }).bind(listen).sync().channel();
        log.info("process {} serving RESP on {}", id, server.localAddress());
    }

    public static KvNode start(int id, int n, Map<Integer, InetSocketAddress> memories, PrivateKey key,
                               InetSocketAddress listen, ReplicatedLog.Config cfg) throws InterruptedException {
        return new KvNode(id, n, memories, key, listen, cfg);
    }

    /**
     * The same service with no replication at all: one process applying commands as they come, no
     * memories. The floor the replicated service is measured against.
     */
    public static KvNode startUnreplicated(InetSocketAddress listen) throws InterruptedException {
        return new KvNode(1, 1, Map.of(), null, listen, null);
    }

    public InetSocketAddress respAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Where the other processes serve RESP, for forwarding. */
    public void peers(Map<Integer, InetSocketAddress> respAddresses) {
        peers.putAll(respAddresses);
    }

    public boolean leading() {
        return replica == null || call(replica::leading);
    }

    public int leader() {
        return replica == null ? id : call(replica::leader);
    }

    private <T> T call(java.util.concurrent.Callable<T> f) {
        try {
            return thread.submit(f).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops at once, like a crash: no goodbye to anyone. */
    @Override
    public void close() {
        thread.shutdownNow();
        server.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        for (MemoryClient c : memories) {
            if (c != null) {
                c.close();
            }
        }
        forwarders.values().forEach(Forwarder::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Runs one command; completes with its RESP reply. */
    CompletableFuture<byte[]> execute(List<byte[]> args) {
        String name = KvStateMachine.name(args);
        boolean forwarded = name.equals(FORWARDED);
        if (forwarded) {
            args = args.subList(1, args.size());
            if (args.isEmpty()) {
                return CompletableFuture.completedFuture(Resp.error("ERR empty forwarded command"));
            }
            name = KvStateMachine.name(args);
        }
        switch (name) {
            case "PING" -> {
                return CompletableFuture.completedFuture(args.size() > 1 ? Resp.bulk(args.get(1)) : Resp.simple("PONG"));
            }
            case "COMMAND", "CONFIG" -> {
                return CompletableFuture.completedFuture(Resp.array(List.of()));
            }
            default -> { }
        }
        if (!KvStateMachine.COMMANDS.containsKey(name)) {
            return CompletableFuture.completedFuture(Resp.error("ERR unknown command '" + name.toLowerCase(java.util.Locale.ROOT)
                    + "'; mnm serves PING, GET, SET, DEL, EXISTS, INCR, MGET, MSET"));
        }
        byte[] invalid = KvStateMachine.validate(args);
        if (invalid != null) {
            return CompletableFuture.completedFuture(invalid);
        }
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        List<byte[]> cmd = args;
        boolean mayForward = !forwarded;
        try {
            if (replica == null) {
                thread.execute(() -> f.complete(state.apply(KvStateMachine.encode(cmd)).toArray()));
                return f;
            }
            thread.execute(() -> replica.submit(KvStateMachine.encode(cmd), outcome -> {
                switch (outcome) {
                    case ReplicatedLog.Outcome.Done d -> f.complete(d.reply().toArray());
                    case ReplicatedLog.Outcome.Unknown u -> f.complete(Resp.error("UNKNOWN " + u.why()
                            + "; the command may or may not have taken effect"));
                    case ReplicatedLog.Outcome.NotLeader nl -> {
                        if (mayForward && nl.leader() != 0 && nl.leader() != id && peers.containsKey(nl.leader())) {
                            forward(nl.leader(), cmd, f);
                        } else {
                            f.complete(Resp.error("NOTLEADER no leader here yet (process " + id + " sees "
                                    + nl.leader() + "); retry"));
                        }
                    }
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            f.complete(Resp.error("ERR node is shutting down"));
        }
        return f;
    }

    private void forward(int leader, List<byte[]> cmd, CompletableFuture<byte[]> f) {
        List<byte[]> wrapped = new ArrayList<>();
        wrapped.add(FORWARDED.getBytes(StandardCharsets.UTF_8));
        wrapped.addAll(cmd);
        Forwarder fw = forwarders.computeIfAbsent(leader, l -> new Forwarder(peers.get(l)));
        Thread.ofVirtual().start(() -> f.complete(fw.call(Resp.command(wrapped))));
    }

    /** One connection to the leader's RESP port, used one command at a time. */
    private static final class Forwarder {
        private final InetSocketAddress address;
        private Socket socket;

        Forwarder(InetSocketAddress address) {
            this.address = address;
        }

        synchronized byte[] call(byte[] command) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    if (socket == null || socket.isClosed()) {
                        socket = new Socket(address.getAddress(), address.getPort());
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(10_000);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(command);
                    out.flush();
                    InputStream in = socket.getInputStream();
                    return Resp.readReply(in);
                } catch (IOException e) {
                    close();
                    if (attempt == 1) {
                        return Resp.error("UNKNOWN the leader at " + address + " did not answer (" + e.getMessage()
                                + "); the command may or may not have taken effect");
                    }
                }
            }
            throw new AssertionError();
        }

        synchronized void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    /** {@code s} with anything unprintable replaced, and cut to 120 characters, for logs and error replies. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char ch = s.charAt(i);
            sb.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return sb.toString();
    }

    /** One RESP connection: commands run as they come; replies go back in the order of the commands. */
    private final class Handler extends SimpleChannelInboundHandler<List<byte[]>> {
        private final ArrayDeque<CompletableFuture<byte[]>> inflight = new ArrayDeque<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, List<byte[]> args) {
            CompletableFuture<byte[]> f = execute(args);
            inflight.add(f);
            f.whenComplete((r, e) -> ctx.executor().execute(() -> drain(ctx)));
        }

        private void drain(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (!inflight.isEmpty() && inflight.peek().isDone()) {
                ctx.write(Unpooled.wrappedBuffer(inflight.poll().join()));
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            String why = printable(c instanceof RespDecoder.Bad ? c.getMessage() : c.toString());
            log.warn("process {}: closing RESP connection from {}: {}", id, ctx.channel().remoteAddress(), why);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Resp.error("ERR Protocol error: " + why)))
                    .addListener(x -> ctx.close());
        }
    }
}
