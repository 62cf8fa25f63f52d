package dev.mnm.protocols.testing;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryHost;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A world the test drives by hand, one step at a time, to write down an adversarial schedule the
 * way a reviewer does: every step is legal in seed 003 §3's model (operations of one process on
 * one memory execute and reply in issue order; anything else may be delayed arbitrarily). Nothing
 * happens unless a step says so: {@link #exec} runs the oldest pending operation of a process on a
 * memory, {@link #reply} delivers the oldest pending reply, {@link #tick} fires a process's oldest
 * timer, {@link #leader} is Ω speaking. Each step returns whether there was anything to do, so one
 * schedule can run against a fixed and a broken protocol alike.
 */
public final class ManualWorld {
    private final int n;
    private final int m;
    private final MemoryHost[] memories;
    private final Node[] nodes;
    private final Map<Integer, Bytes> decisions = new LinkedHashMap<>();
    private final List<String> disagreements = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    /** Per memory, how many times it restarted: operations and replies of an older incarnation are lost. */
    private final int[] memoryIncarnation;

    public ManualWorld(int n, int m, MemoryLayout layout) {
        this.n = n;
        this.m = m;
        this.memories = new MemoryHost[m + 1];
        this.memoryIncarnation = new int[m + 1];
        for (int i = 1; i <= m; i++) {
            memories[i] = new MemoryHost(i, layout);
        }
        this.nodes = new Node[n + 1];
        for (int p = 1; p <= n; p++) {
            nodes[p] = new Node(p);
        }
    }

    public Env env(int p) {
        return nodes[p];
    }

    public void install(int p, Protocol protocol) {
        nodes[p].protocol = protocol;
    }

    public MemoryHost memory(int i) {
        return memories[i];
    }

    public Map<Integer, Bytes> decisions() {
        return decisions;
    }

    /** Pairs of processes that decided different values. */
    public List<String> disagreements() {
        return disagreements;
    }

    /** Every step taken, for a failure message. */
    public String steps() {
        return String.join("\n", log);
    }

    public void start(int p) {
        nodes[p].protocol.start();
    }

    public void leader(int p, int leader) {
        log.add("Ω tells p" + p + " that p" + leader + " leads");
        nodes[p].protocol.onLeader(leader);
    }

    public void crash(int p) {
        log.add("p" + p + " crashes");
        nodes[p].crashed = true;
    }

    /**
     * Restarts p as {@code fresh}, a new instance that remembers nothing (memories keep their
     * contents). Operations the old incarnation issued and that have not executed stay queued, in
     * order, ahead of the new incarnation's (they may still execute: same process, same queue
     * pair order); their replies, and every pending reply, timer and message of the old
     * incarnation, are dropped. Like the simulator's {@code World.restartProcess}, but
     * {@link #start} is left to the test.
     */
    public void restart(int p, Protocol fresh) {
        log.add("p" + p + " restarts");
        Node node = nodes[p];
        node.crashed = false;
        node.incarnation++;
        node.protocol = fresh;
        for (int i = 1; i <= m; i++) {
            node.replies[i].clear();
        }
        node.timers.clear();
        node.inbox.clear();
    }

    /** Crashes memory i: it executes nothing more and never answers (like {@code World.crashMemory}). */
    public void crashMemory(int i) {
        log.add("M" + i + " crashes");
        memories[i].crash();
    }

    /**
     * Restarts crashed memory i as a new, empty memory of the same layout, prepared by
     * {@code boot} before any operation (like {@code World.restartMemory}): every operation issued
     * to the old incarnation and not yet executed, and every reply from it not yet delivered, is
     * lost; operations issued from now on reach the new memory.
     */
    public void restartMemory(int i, Consumer<MemoryHost> boot) {
        if (!memories[i].crashed()) {
            throw new IllegalStateException("memory " + i + " is running");
        }
        log.add("M" + i + " restarts empty");
        memories[i] = new MemoryHost(i, memories[i].layout());
        boot.accept(memories[i]);
        memoryIncarnation[i]++;
        for (int p = 1; p <= n; p++) {
            nodes[p].issued[i].clear();
            nodes[p].replies[i].clear();
        }
    }

    /** Executes p's oldest pending operation on memory i there; false if none is pending. */
    public boolean exec(int p, int i) {
        Pending op = nodes[p].issued[i].poll();
        if (op == null) {
            return false;
        }
        if (op.memoryIncarnation != memoryIncarnation[i]) {
            log.add("p" + p + ": " + op.op.getClass().getSimpleName() + " on M" + i + " is lost with the old incarnation");
            return true;
        }
        Reply r = memories[i].execute(p, op.op).orElse(null);
        log.add("p" + p + ": " + op.op.getClass().getSimpleName() + " on M" + i + " executes: " + r);
        if (r != null && op.incarnation == nodes[p].incarnation) {
            nodes[p].replies[i].add(() -> {
                if (!nodes[p].crashed) {
                    op.onReply.accept(r);
                }
            });
        }
        return true;
    }

    /** Delivers p's oldest pending reply from memory i; false if none is pending. */
    public boolean reply(int p, int i) {
        Runnable r = nodes[p].replies[i].poll();
        if (r == null) {
            return false;
        }
        log.add("p" + p + " receives a reply from M" + i);
        r.run();
        return true;
    }

    /** {@link #exec} then {@link #reply}: one round trip of p's oldest operation on memory i. */
    public boolean roundTrip(int p, int i) {
        return exec(p, i) && reply(p, i);
    }

    /** For each memory named, in order: round trips of p there until nothing is pending. */
    public void drain(int p, int... memories) {
        for (int i : memories) {
            while (roundTrip(p, i) || reply(p, i)) {
                // keep going
            }
        }
    }

    /** The operations p has issued on memory i and not yet executed. */
    public int pending(int p, int i) {
        return nodes[p].issued[i].size();
    }

    /** Fires p's oldest timer; false if it has none. */
    public boolean tick(int p) {
        PendingTimer t = nodes[p].timers.poll();
        if (t == null) {
            return false;
        }
        if (!t.cancelled && !nodes[p].crashed) {
            t.action.run();
        }
        return true;
    }

    /** Delivers every pending message. */
    public void deliverAll() {
        for (Node node : nodes) {
            if (node == null) {
                continue;
            }
            while (!node.inbox.isEmpty()) {
                Runnable r = node.inbox.poll();
                r.run();
            }
        }
    }

    /**
     * Lets everything pending happen, memory by memory and process by process in id order, until
     * nothing is left or {@code limit} steps ran; timers fire only if {@code timers}.
     */
    public void settle(int limit, boolean timers) {
        for (int k = 0; k < limit; k++) {
            boolean any = false;
            for (int p = 1; p <= n; p++) {
                for (int i = 1; i <= m; i++) {
                    any |= exec(p, i);
                    any |= reply(p, i);
                }
            }
            if (!any) {
                deliverAll();
            }
            if (!any && timers) {
                for (int p = 1; p <= n; p++) {
                    any |= tick(p);
                }
            }
            if (!any) {
                return;
            }
        }
    }

    private record Pending(MemoryOp op, Consumer<Reply> onReply, int incarnation, int memoryIncarnation) {}

    private static final class PendingTimer {
        final Runnable action;
        boolean cancelled;

        PendingTimer(Runnable action) {
            this.action = action;
        }
    }

    private final class Node implements Env {
        final int id;
        Protocol protocol;
        boolean crashed;
        int incarnation;
        final Deque<Pending>[] issued;
        final Deque<Runnable>[] replies;
        final Deque<PendingTimer> timers = new ArrayDeque<>();
        final Deque<Runnable> inbox = new ArrayDeque<>();

        @SuppressWarnings("unchecked")
        Node(int id) {
            this.id = id;
            this.issued = new Deque[m + 1];
            this.replies = new Deque[m + 1];
            for (int i = 1; i <= m; i++) {
                issued[i] = new ArrayDeque<>();
                replies[i] = new ArrayDeque<>();
            }
        }

        @Override
        public int self() {
            return id;
        }

        @Override
        public int processes() {
            return n;
        }

        @Override
        public int memories() {
            return m;
        }

        @Override
        public void send(int to, Message message) {
            if (crashed) {
                return;
            }
            int from = id;
            nodes[to].inbox.add(() -> {
                if (!nodes[to].crashed) {
                    nodes[to].protocol.onMessage(from, message);
                }
            });
        }

        @Override
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
            if (!crashed) {
                issued[memory].add(new Pending(op, onReply, incarnation, memoryIncarnation[memory]));
            }
        }

        @Override
        public Env.Timer setTimer(long delay, Runnable action) {
            PendingTimer t = new PendingTimer(action);
            timers.add(t);
            return () -> t.cancelled = true;
        }

        @Override
        public void decide(Bytes value) {
            log.add("p" + id + " decides " + value);
            decisions.forEach((q, v) -> {
                if (!v.equals(value)) {
                    disagreements.add("p" + q + " decided " + v + ", p" + id + " decided " + value);
                }
            });
            decisions.putIfAbsent(id, value);
        }
    }
}
