package dev.mnm.services;

import dev.mnm.core.Bytes;
import dev.mnm.net.MemoryClient;
import dev.mnm.net.NetEnv;
import dev.mnm.protocols.log.ReplicatedLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
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
    private final int fM;
    private final ScheduledExecutorService thread;
    private final EventLoopGroup group;
    private final MemoryClient[] memories;
    private final ReplicatedLog replica; // null: unreplicated, the benchmark's floor
    private final KvStateMachine state = new KvStateMachine();
    private final Channel server;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<Integer, InetSocketAddress> peers = new ConcurrentHashMap<>();
    private final Map<Integer, PeerWatch> watches = new ConcurrentHashMap<>();
    private final CommandPath path; // null: unreplicated

    private KvNode(int id, int n, Map<Integer, InetSocketAddress> memoryAddresses, PrivateKey key,
                   InetSocketAddress listen, ReplicatedLog.Config cfg) throws InterruptedException {
        this.id = id;
        this.fM = cfg == null ? 0 : cfg.fM();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mnm-p" + id);
            t.setDaemon(true);
            return t;
        });
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        int m = memoryAddresses.size();
        this.memories = new MemoryClient[m + 1];
        for (int i = 1; i <= m; i++) { // connections heal by themselves, in any start order
            memories[i] = MemoryClient.open(id, key, memoryAddresses.get(i), group, thread);
        }
        if (cfg == null) {
            this.replica = null;
            this.path = null;
        } else {
            this.replica = new ReplicatedLog(new NetEnv(id, n, memories, thread), cfg, state);
            this.path = new CommandPath(id, fM, thread, group, memories, replica, peers);
            for (int i = 1; i <= m; i++) {
                int memory = i;
                memories[i].onRestart(() -> replica.memoryRestarted(memory)); // a leader catches it up now
            }
            thread.execute(replica::start);
        }
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline().addLast(new RespDecoder(), new RespConnection(KvNode.this));
                        }
                    }).bind(listen).sync().channel();
        } catch (Exception e) { // a busy port (thrown unchecked by Netty): stop what was started
            thread.shutdownNow();
            for (MemoryClient c : memories) {
                if (c != null) {
                    c.close();
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
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

    /**
     * Where the other processes serve RESP: for forwarding, and for the {@link PeerWatch}es whose
     * closing tells this process's failure detector at once that a peer died.
     */
    public void peers(Map<Integer, InetSocketAddress> respAddresses) {
        peers.putAll(respAddresses);
        if (replica == null) {
            return;
        }
        respAddresses.forEach((q, address) -> {
            if (q != id) {
                watches.computeIfAbsent(q, p -> new PeerWatch(p, address, group, dead -> {
                    try {
                        thread.execute(() -> replica.hint(dead));
                    } catch (java.util.concurrent.RejectedExecutionException stopped) {
                        // this node is stopping
                    }
                }));
            }
        });
    }

    public boolean leading() {
        return replica == null || call(replica::leading);
    }

    /** The replica's status ({@link ReplicatedLog#status}); null for the unreplicated floor. */
    public ReplicatedLog.Status status() {
        return replica == null ? null : call(replica::status);
    }

    /** This node's process id. */
    int id() {
        return id;
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
        if (path != null) {
            path.close();
        }
        watches.values().forEach(PeerWatch::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /**
     * Runs one command of client session {@code session} (0: none), its sequence number {@code seq}
     * there; completes with its RESP reply. A logged command is retried under the same id until
     * {@link #DEADLINE_MILLIS} — here or on the leader this node sees — when an attempt cannot
     * tell whether it was applied; the state machine applies a write once however many copies
     * reach the log.
     */
    CompletableFuture<byte[]> execute(List<byte[]> args, long session, long seq) {
        String name = KvStateMachine.name(args);
        boolean forwarded = name.equals(FORWARDED);
        if (forwarded) { // MNM.FWD session seq command...
            try {
                session = Long.parseLong(new String(args.get(1), StandardCharsets.US_ASCII));
                seq = Long.parseLong(new String(args.get(2), StandardCharsets.US_ASCII));
                args = args.subList(3, args.size());
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(Resp.error("ERR malformed forwarded command"));
            }
            if (args.isEmpty()) {
                return CompletableFuture.completedFuture(Resp.error("ERR empty forwarded command"));
            }
            name = KvStateMachine.name(args);
        }
        switch (name) {
            case "PING" -> {
                return CompletableFuture.completedFuture(args.size() > 2 ? arity("ping")
                        : args.size() == 2 ? Resp.bulk(args.get(1)) : Resp.simple("PONG"));
            }
            case "ECHO" -> {
                return CompletableFuture.completedFuture(args.size() != 2 ? arity("echo") : Resp.bulk(args.get(1)));
            }
            case "SELECT" -> { // one database, as Redis Cluster has
                return CompletableFuture.completedFuture(args.size() != 2 ? arity("select")
                        : new String(args.get(1), StandardCharsets.US_ASCII).equals("0") ? Resp.simple("OK")
                        : Resp.error("ERR DB index is out of range (mnm has database 0 only)"));
            }
            case "QUIT" -> { // the connection closes once this reply is written (Handler)
                return CompletableFuture.completedFuture(Resp.simple("OK"));
            }
            case "COMMAND" -> {
                return CompletableFuture.completedFuture(Resp.array(List.of()));
            }
            case "CONFIG" -> {
                return CompletableFuture.completedFuture(config(args));
            }
            case "INFO" -> {
                return info();
            }
            default -> { }
        }
        if (!KvCommands.ARITY.containsKey(name)) {
            return CompletableFuture.completedFuture(Resp.error("ERR unknown command '"
                    + printable(name.toLowerCase(java.util.Locale.ROOT), 40) + "'; mnm serves " + SERVED));
        }
        byte[] invalid = KvCommands.validate(args);
        if (invalid != null) {
            return CompletableFuture.completedFuture(invalid);
        }
        CommandPath.Command c = new CommandPath.Command(session, seq, args, forwarded);
        try {
            if (replica == null) {
                thread.execute(() -> {
                    byte[] r = null;
                    for (Bytes e : c.entries) {
                        r = state.apply(e).toArray();
                    }
                    c.reply.complete(r);
                });
            } else {
                thread.execute(() -> path.dispatch(c));
            }
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            c.reply.complete(Resp.error("ERR node is shutting down"));
        }
        return c.reply;
    }

    /**
     * {@code CONFIG GET pattern…}: the few settings clients and redis-benchmark ask for, as
     * name–value pairs (no persistence: a replica's durability is the memories'); any other name
     * matches nothing. {@code CONFIG SET} and the rest are refused.
     */
    static byte[] config(List<byte[]> args) {
        if (args.size() < 3 || !new String(args.get(1), StandardCharsets.ISO_8859_1).equalsIgnoreCase("GET")) {
            return Resp.error("ERR mnm serves CONFIG GET only (CONFIG GET save, appendonly, databases)");
        }
        java.util.Map<String, String> known = java.util.Map.of("save", "", "appendonly", "no", "databases", "1");
        List<byte[]> out = new java.util.ArrayList<>();
        for (byte[] p : args.subList(2, args.size())) {
            String name = new String(p, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            for (String k : new java.util.TreeSet<>(known.keySet())) {
                if (name.equals("*") || name.equals(k)) {
                    out.add(Resp.bulk(k.getBytes(StandardCharsets.US_ASCII)));
                    out.add(Resp.bulk(known.get(k).getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }
        return Resp.array(out);
    }

    /** The commands served, for the error that answers any other. */
    static final String SERVED = "PING, ECHO, SELECT 0, QUIT, HELLO 2, CLIENT, CONFIG GET, INFO, MULTI, EXEC, DISCARD, "
            + String.join(", ", new java.util.TreeSet<>(KvCommands.ARITY.keySet().stream()
                    .filter(c -> !c.equals(KvCommands.EXEC)).toList()));

    static byte[] arity(String command) {
        return Resp.error("ERR wrong number of arguments for '" + command + "' command");
    }

    /**
     * {@code INFO}: a bulk string of {@code field:value} lines, Redis style, with the replication
     * section — role, leader, proposal numbers, commit index, applied, the last snapshot's log
     * position, memories reachable.
     */
    CompletableFuture<byte[]> info() {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                StringBuilder sb = new StringBuilder("# Replication\r\n");
                if (replica == null) {
                    sb.append("role:unreplicated\r\n");
                } else {
                    ReplicatedLog.Status st = replica.status();
                    sb.append("role:").append(st.role()).append("\r\n")
                            .append("process:").append(id).append("\r\n")
                            .append("leader:").append(st.leader()).append("\r\n")
                            .append("proposal:").append(st.proposal()).append("\r\n")
                            .append("highest_proposal:").append(st.highestProposal()).append("\r\n")
                            .append("commit_index:").append(st.commitIndex()).append("\r\n")
                            .append("applied:").append(st.applied()).append("\r\n")
                            .append("snapshot_index:").append(st.snapshot()).append("\r\n");
                    int up = 0;
                    for (int i = 1; i < memories.length; i++) {
                        String problem = memories[i].problem();
                        up += problem == null ? 1 : 0;
                        sb.append("memory_").append(i).append(':')
                                .append(problem == null ? "ok, " + st.memories().get(i) : printable(problem))
                                .append("\r\n");
                    }
                    sb.append("memories_reachable:").append(up).append("\r\n")
                            .append("memories_needed:").append(memories.length - 1 - fM).append("\r\n");
                }
                f.complete(Resp.bulk(sb.toString().getBytes(StandardCharsets.UTF_8)));
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            f.complete(Resp.error("ERR node is shutting down"));
        }
        return f;
    }

    /** {@code s} with anything unprintable replaced, and cut to 120 characters, for logs and error replies. */
    static String printable(String s) {
        return printable(s, 120);
    }

    /** {@code s} with anything unprintable replaced, and cut to {@code max} characters. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char ch = s.charAt(i);
            sb.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return sb.toString();
    }
}
