package dev.mnm.services;

import dev.mnm.core.Bytes;
import dev.mnm.net.MemoryClient;
import dev.mnm.protocols.log.ReplicatedLog;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a process node gets a logged command applied, exactly once (issue 8 items 1, 5 and 6): it
 * appends it to the log if this process leads, else forwards it to the leader it sees, over one
 * ordered connection per leader; when an attempt cannot tell whether the command reached the log
 * (leadership lost while it was in flight, no reply from the leader), it tries again under the same
 * id until a deadline, and the state machine ({@link KvStateMachine}) applies a write once however
 * many copies reach the log. Everything runs on the process thread.
 */
final class CommandPath implements AutoCloseable {
    private final int id;
    private final int fM;
    private final ScheduledExecutorService thread;
    private final EventLoopGroup group;
    private final MemoryClient[] memories;
    private final ReplicatedLog replica;
    private final Map<Integer, InetSocketAddress> peers;
    private final Map<Integer, Forwarder> forwarders = new ConcurrentHashMap<>();

    CommandPath(int id, int fM, ScheduledExecutorService thread, EventLoopGroup group, MemoryClient[] memories,
                ReplicatedLog replica, Map<Integer, InetSocketAddress> peers) {
        this.id = id;
        this.fM = fM;
        this.thread = thread;
        this.group = group;
        this.memories = memories;
        this.replica = replica;
        this.peers = peers;
    }

    @Override
    public void close() {
        forwarders.values().forEach(Forwarder::close);
    }

    /**
     * Null if this process reaches at least m − f_M memories now; otherwise which ones it cannot
     * reach and why — a command could not commit, so it is refused at once rather than left hanging.
     */
    private String unreachable() {
        int m = memories.length - 1;
        int quorum = m - fM;
        StringBuilder why = new StringBuilder();
        int up = 0;
        for (int i = 1; i <= m; i++) {
            String p = memories[i].problem();
            if (p == null) {
                up++;
            } else {
                why.append(why.isEmpty() ? "" : "; ").append("memory ").append(i).append(": ").append(p);
            }
        }
        return up >= quorum ? null : "process " + id + " reaches " + up + " of " + m + " memories, needs " + quorum
                + " (" + KvNode.printable(why.toString(), 1_000) + ")";
    }

    /** How long a command waits for this process to reach m − f_M memories before it is refused. */
    static final long UNREACHABLE_MILLIS = 2_000;

    /** How long a logged command may take, retries included, before it is answered UNKNOWN or NOTLEADER. */
    static final long DEADLINE_MILLIS = 10_000;
    /** How long a follower waits for the leader's reply to a forwarded command before it retries; 1 ms more per KB. */
    static final long FORWARD_TIMEOUT_MILLIS = 1_000;
    /** Pause before a command is tried again. */
    static final long RETRY_MILLIS = 20;
    /** The error a node sends back for a forwarded command it could not settle; the sender retries it. */
    static final String RETRY = "MNM.RETRY";

    /** A logged command on its way: its id, its log entry, and where its reply goes. */
    static final class Command {
        final long session;
        final long seq;
        final List<byte[]> args;
        /** Its log entries: one, or its parts, logged in order ({@link KvStateMachine#entries}). */
        final List<Bytes> entries;
        /** The next part to log. */
        int part;
        /** Forwarded to this node by a peer: settle here or answer {@link #RETRY}, never forward again. */
        final boolean forwarded;
        final long start = System.nanoTime();
        /** {@link #DEADLINE_MILLIS}, and 1 ms more per KB of arguments: a large command takes longer. */
        final long deadline;
        final CompletableFuture<byte[]> reply = new CompletableFuture<>();
        /** Some attempt may have reached the log without this node learning its outcome. */
        boolean uncertain;

        Command(long session, long seq, List<byte[]> args, boolean forwarded) {
            this.session = session;
            this.seq = seq;
            this.args = args;
            this.entries = KvStateMachine.entries(session, seq, args);
            long bytes = 0;
            for (Bytes e : entries) {
                bytes += e.length();
            }
            this.deadline = start + (DEADLINE_MILLIS + bytes / 1_000) * 1_000_000;
            this.forwarded = forwarded;
        }
    }

    /**
     * One attempt: the log here if this process leads, else the leader it sees. On the process
     * thread. While this process reaches fewer than m − f_M memories nothing could commit: it
     * hurries the reconnections and waits up to {@link #UNREACHABLE_MILLIS}, then refuses.
     */
    void dispatch(Command c) {
        String down = unreachable();
        if (down != null) {
            for (int i = 1; i < memories.length; i++) {
                memories[i].hurry();
            }
            if (System.nanoTime() - c.start >= UNREACHABLE_MILLIS * 1_000_000) {
                c.reply.complete(Resp.error("CLUSTERDOWN " + down + "; not applied, retry"));
            } else {
                schedule(c);
            }
            return;
        }
        replica.submit(c.entries.get(c.part), outcome -> {
            switch (outcome) {
                case ReplicatedLog.Outcome.Done d -> {
                    byte[] r = d.reply().toArray();
                    if (!java.util.Arrays.equals(r, KvStateMachine.PART_STORED)) {
                        c.reply.complete(r); // the whole command's reply (perhaps from an earlier copy)
                    } else if (++c.part < c.entries.size()) {
                        dispatch(c);
                    } else {
                        c.reply.complete(Resp.error("ERR the command's earlier parts were dropped before its last "
                                + "arrived; not applied, retry"));
                    }
                }
                case ReplicatedLog.Outcome.Refused r -> c.reply.complete(Resp.error("ERR " + r.why()));
                case ReplicatedLog.Outcome.Unknown u -> {
                    c.uncertain = true;
                    retry(c, "leadership was lost while it was in flight (" + u.why() + ")");
                }
                case ReplicatedLog.Outcome.NotLeader nl -> {
                    if (!c.forwarded && nl.leader() != 0 && nl.leader() != id && peers.containsKey(nl.leader())) {
                        forward(nl.leader(), c);
                    } else {
                        retry(c, "no leader here yet (process " + id + " sees " + nl.leader() + ")");
                    }
                }
            }
        });
    }

    private void retry(Command c, String problem) {
        if (c.forwarded) { // the sender retries under the same id
            c.reply.complete(Resp.error(RETRY + (c.uncertain ? " unknown " : " notleader ") + problem));
            return;
        }
        if (System.nanoTime() - c.deadline >= 0) {
            c.reply.complete(c.uncertain
                    ? Resp.error("UNKNOWN " + problem + "; the command may or may not have taken effect")
                    : Resp.error("NOTLEADER " + problem + "; not applied, retry"));
            return;
        }
        schedule(c);
    }

    private void schedule(Command c) {
        try {
            thread.schedule(() -> dispatch(c), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            c.reply.complete(stopping(c));
        }
    }

    /** The reply to a command this node stops serving: UNKNOWN if an earlier attempt may have reached the log. */
    private static byte[] stopping(Command c) {
        return c.uncertain
                ? Resp.error("UNKNOWN node is shutting down; the command may or may not have taken effect")
                : Resp.error("ERR node is shutting down; not applied");
    }

    private void forward(int leader, Command c) {
        List<byte[]> wrapped = new ArrayList<>(c.args.size() + 3);
        wrapped.add(KvNode.FORWARDED.getBytes(StandardCharsets.US_ASCII));
        wrapped.add(Long.toString(c.session).getBytes(StandardCharsets.US_ASCII));
        wrapped.add(Long.toString(c.seq).getBytes(StandardCharsets.US_ASCII));
        wrapped.addAll(c.args);
        Forwarder fw = forwarders.computeIfAbsent(leader, l -> new Forwarder(peers.get(l), group, FORWARD_TIMEOUT_MILLIS));
        byte[] bytes = Resp.command(wrapped);
        fw.send(bytes, FORWARD_TIMEOUT_MILLIS + bytes.length / 1_000).whenComplete((r, e) -> {
            try {
                thread.execute(() -> {
                    String text = r == null ? "" : new String(r, 0, Math.min(r.length, 64), StandardCharsets.US_ASCII);
                    if (e != null) {
                        c.uncertain = true;
                        retry(c, "the leader, process " + leader + ", did not answer (" + e.getMessage() + ")");
                    } else if (text.startsWith("-" + RETRY + " ")) {
                        c.uncertain |= text.startsWith("-" + RETRY + " unknown");
                        retry(c, "process " + leader + ": " + new String(r, StandardCharsets.UTF_8).substring(RETRY.length() + 1).trim());
                    } else {
                        c.reply.complete(r);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) { // the leader may have applied it
                boolean settled = e == null && !new String(r, 0, Math.min(r.length, 16), StandardCharsets.US_ASCII)
                        .startsWith("-" + RETRY);
                c.uncertain = true;
                c.reply.complete(settled ? r : stopping(c));
            }
        });
    }
}
