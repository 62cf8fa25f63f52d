package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryHost;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;
import dev.mnm.core.Reply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The simulated world every simulation shares: virtual time, one event queue ordered by (time,
 * sequence number), processes with their {@link Env}, memories, hop delays drawn from one
 * {@link Chooser}, crashes, slow nodes and partitions, and exact counts. It knows nothing of what
 * the processes compute.
 */
public final class World {
    private final Timing timing;
    private final Chooser chooser;
    private final Trace trace;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    final int n;
    final int m;
    final MemoryHost[] memories;
    private final Node[] nodes;
    private final int[] slowProcess;
    private final int[] slowMemory;
    private final List<Fault.Partition> partitions = new ArrayList<>();
    private final Map<String, Long> opsByKind = new TreeMap<>();
    private final Map<String, Long> messagesByKind = new TreeMap<>();
    private long now;
    private long seq;
    private long events;
    private long messages;
    private long memoryOps;
    /** Memory round trips on the causal chain of the callback now running. */
    private int depth;
    private Decisions decisions = (p, v) -> {
        throw new UnsupportedOperationException("process " + p + " decided, but nothing here takes decisions");
    };
    private IntConsumer onCrash = p -> { };
    // Schedule recording (for the shrinker): every event that has an effect, as a Step.
    private Consumer<Step> schedule = s -> { };
    /** Messages sent so far on each link [from][to]: a message's number on its link names it in a {@link Step.Deliver}. */
    private final int[][] sentOnLink;

    /** Where decisions go. */
    interface Decisions {
        void decided(int process, Bytes value);
    }

    /** Per memory, how many times it restarted: operations and replies of an older incarnation are lost. */
    private final int[] memoryIncarnation;

    public World(int n, int m, MemoryLayout layout, Timing timing, Chooser chooser, Trace trace) {
        this(n, m, layout, null, timing, chooser, trace);
    }

    /**
     * With {@code extra} not null, memory m + 1 has that layout: an additional memory outside the
     * m that {@link Env#memories()} reports and that faults may crash.
     */
    World(int n, int m, MemoryLayout layout, MemoryLayout extra, Timing timing, Chooser chooser, Trace trace) {
        this.n = n;
        this.m = m;
        this.timing = timing;
        this.chooser = chooser;
        this.trace = trace;
        this.memories = new MemoryHost[m + (extra == null ? 1 : 2)];
        this.memoryIncarnation = new int[memories.length];
        for (int i = 1; i <= m; i++) {
            memories[i] = new MemoryHost(i, layout);
        }
        if (extra != null) {
            memories[m + 1] = new MemoryHost(m + 1, extra);
        }
        this.nodes = new Node[n + 1];
        for (int p = 1; p <= n; p++) {
            nodes[p] = new Node(p);
        }
        this.sentOnLink = new int[n + 1][n + 1];
        this.slowProcess = new int[n + 1];
        this.slowMemory = new int[memories.length];
        Arrays.fill(slowProcess, 1);
        Arrays.fill(slowMemory, 1);
    }

    void onDecide(Decisions d) {
        this.decisions = d;
    }

    void onProcessCrash(IntConsumer c) {
        this.onCrash = c;
    }

    /** Hands every event that has an effect to {@code c}, as a {@link Step}, in the order they happen. */
    void recordSchedule(Consumer<Step> c) {
        this.schedule = c;
    }

    void record(Step s) {
        schedule.accept(s);
    }

    public Env env(int p) {
        return nodes[p];
    }

    public void install(int p, Protocol protocol) {
        nodes[p].protocol = protocol;
    }

    public Protocol protocol(int p) {
        return nodes[p].protocol;
    }

    public boolean crashed(int p) {
        return nodes[p].crashed;
    }

    public long now() {
        return now;
    }

    int depth() {
        return depth;
    }

    /** Runs {@code action} at {@code time} with no causal history (depth 0). */
    public void at(long time, Runnable action) {
        queue.add(new Event(time, seq++, 0, action));
    }

    private void at(long time, int depth, Runnable action) {
        queue.add(new Event(time, seq++, depth, action));
    }

    /** Runs the next event if there is one at or before {@code horizon}; false otherwise. */
    public boolean step(long horizon) {
        Event e = queue.peek();
        if (e == null || e.time > horizon) {
            return false;
        }
        queue.poll();
        now = e.time;
        depth = e.depth;
        e.action.run();
        events++;
        return true;
    }

    public void crashProcess(int p) {
        checkProcess(p);
        if (!nodes[p].crashed) {
            nodes[p].crashed = true;
            trace("crash-process", "process", p);
            record(new Step.CrashProcess(p));
            onCrash.accept(p);
        }
    }

    /**
     * Restarts crashed process p as {@code fresh}, a new instance with no memory of the old one:
     * replies, messages and timers meant for the old incarnation are dropped.
     */
    public void restartProcess(int p, Protocol fresh) {
        checkProcess(p);
        Node node = nodes[p];
        if (!node.crashed) {
            throw new IllegalStateException("process " + p + " is running");
        }
        node.incarnation++;
        node.crashed = false;
        node.protocol = fresh;
        trace("restart-process", "process", p);
        fresh.start();
    }

    public void crashMemory(int i) {
        if (i < 1 || i > m) {
            throw new IllegalArgumentException("no memory " + i + " to crash (memories are 1.." + m + ")");
        }
        if (!memories[i].crashed()) {
            memories[i].crash();
            trace("crash-memory", "memory", i);
            record(new Step.CrashMemory(i));
        }
    }

    /**
     * Restarts crashed memory i as a new, empty memory of the same layout, which {@code boot} may
     * prepare (for example mark as restarted) before any operation. What was in flight to or from
     * the old incarnation is lost; what processes issue from now on reaches the new one.
     */
    public void restartMemory(int i, java.util.function.Consumer<MemoryHost> boot) {
        checkMemory(i);
        if (!memories[i].crashed()) {
            throw new IllegalStateException("memory " + i + " is running");
        }
        memories[i] = new MemoryHost(i, memories[i].layout());
        boot.accept(memories[i]);
        memoryIncarnation[i]++;
        trace("restart-memory", "memory", i);
    }

    void slow(boolean memory, int id, int factor) {
        if (memory) {
            checkMemory(id);
            slowMemory[id] = factor;
        } else {
            checkProcess(id);
            slowProcess[id] = factor;
        }
    }

    void partition(Fault.Partition p) {
        partitions.add(p);
    }

    void checkProcess(int p) {
        if (p < 1 || p > n) {
            throw new IllegalArgumentException("no process " + p + " (processes are 1.." + n + ")");
        }
    }

    void checkMemory(int i) {
        if (i < 1 || i >= memories.length) {
            throw new IllegalArgumentException("no memory " + i + " (memories are 1.." + (memories.length - 1) + ")");
        }
    }

    public SimResult.Counts counts() {
        return new SimResult.Counts(events, messages, memoryOps, Map.copyOf(opsByKind), Map.copyOf(messagesByKind));
    }

    void trace(String kind, Object... fields) {
        if (trace != null) {
            trace.event(now, kind, fields);
        }
    }

    private long hop(int processFactor, int otherFactor, int channel) {
        long base = switch (timing) {
            case COMMON_CASE -> Env.DELAY;
            case RANDOM -> chooser.chance(90) ? chooser.between(Env.DELAY / 2, 3 * Env.DELAY)
                    : chooser.between(3 * Env.DELAY, 12 * Env.DELAY); // a heavy tail: some hops are slow
            case ADVERSARIAL -> adversarialHop(channel);
        };
        return base * Math.max(processFactor, otherFactor);
    }

    /**
     * The adversarial scheduler, PCT-like: every channel — a (process, memory) queue pair or a
     * (sender, receiver) link — has a lag drawn from a very heavy tail that holds for an epoch of
     * {@link #EPOCH} and is then drawn again, plus a small per-hop jitter. So a channel can stay
     * slow for a whole phase while others race ahead (a late changePermission landing after a
     * rival's phase 1), which independent per-hop draws almost never produce. Any message, memory
     * execution or reply may be held back up to {@link Timing#ADVERSARIAL_MAX}; per-(process, memory)
     * FIFO still holds: arrivals never overtake.
     */
    private long adversarialHop(int channel) {
        long epoch = now / EPOCH;
        if (lagEpoch.getOrDefault(channel, -1L) != epoch) {
            lagEpoch.put(channel, epoch);
            int r = chooser.below(100);
            lag.put(channel, r < 45 ? 0
                    : r < 75 ? chooser.between(2 * Env.DELAY, 20 * Env.DELAY)
                    : r < 93 ? chooser.between(20 * Env.DELAY, 100 * Env.DELAY)
                    : chooser.between(100 * Env.DELAY, Timing.ADVERSARIAL_MAX));
        }
        return chooser.between(Env.DELAY / 10, 2 * Env.DELAY) + lag.get(channel);
    }

    /** How long an adversarial channel lag holds before it is drawn again. */
    static final long EPOCH = 50 * Env.DELAY;
    private final Map<Integer, Long> lag = new java.util.HashMap<>();
    private final Map<Integer, Long> lagEpoch = new java.util.HashMap<>();

    /** Channel numbers for {@link #adversarialHop}: links first, then both directions of each queue pair. */
    private int link(int from, int to) {
        return from * 64 + to;
    }

    private int queuePair(int process, int memory, boolean reply) {
        return 64 * 64 + (process * 64 + memory) * 2 + (reply ? 1 : 0);
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final int depth;
        final Runnable action;

        Event(long time, long seq, int depth, Runnable action) {
            this.time = time;
            this.seq = seq;
            this.depth = depth;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** One simulated process: its protocol instance and the {@link Env} it sees. */
    private final class Node implements Env {
        final int id;
        Protocol protocol;
        boolean crashed;
        /** Bumped by a restart: what was meant for an earlier incarnation is dropped. */
        int incarnation;
        /** Timers set so far: a timer's number names it in a {@link Step.Timer}. */
        private int timersSet;
        /** When this process's latest request to / reply from each memory arrives: queue pairs are FIFO. */
        private final long[] lastRequest = new long[memories.length];
        private final long[] lastReply = new long[memories.length];

        Node(int id) {
            this.id = id;
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
            checkProcess(to);
            messages++;
            messagesByKind.merge(message.getClass().getSimpleName(), 1L, Long::sum);
            long arrival = now + hop(slowProcess[id], slowProcess[to], link(id, to));
            for (Fault.Partition p : partitions) {
                boolean fromIn = (p.side() & (1L << id)) != 0;
                boolean toIn = (p.side() & (1L << to)) != 0;
                if (fromIn != toIn && now >= p.from() && now < p.until()) {
                    arrival = Math.max(arrival, p.until() + hop(slowProcess[id], slowProcess[to], link(id, to)));
                }
            }
            trace("send", "from", id, "to", to, "msg", message);
            int from = id;
            int k = sentOnLink[from][to]++;
            int targetIncarnation = nodes[to].incarnation;
            at(arrival, depth, () -> {
                Node target = nodes[to];
                if (!target.crashed && target.incarnation == targetIncarnation) {
                    trace("deliver", "from", from, "to", to, "msg", message);
                    record(new Step.Deliver(from, to, k));
                    target.protocol.onMessage(from, message);
                }
            });
        }

        @Override
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
            checkMemory(memory);
            memoryOps++;
            opsByKind.merge(op.getClass().getSimpleName(), 1L, Long::sum);
            int d = depth + 1;
            int mine = incarnation;
            int memoryMine = memoryIncarnation[memory];
            trace("mem-issue", "process", id, "memory", memory, "op", op);
            long arrival = Math.max(now + hop(slowProcess[id], slowMemory[memory], queuePair(id, memory, false)),
                    lastRequest[memory]);
            lastRequest[memory] = arrival;
            at(arrival, d, () -> {
                if (memoryIncarnation[memory] != memoryMine) {
                    return; // lost with the incarnation it was sent to
                }
                Optional<Reply> reply = memories[memory].execute(id, op);
                if (reply.isEmpty()) {
                    return; // a crashed memory never answers
                }
                trace("mem-exec", "process", id, "memory", memory, "op", op, "reply", reply.get());
                record(new Step.Execute(id, memory));
                long back = Math.max(now + hop(slowProcess[id], slowMemory[memory], queuePair(id, memory, true)),
                        lastReply[memory]);
                lastReply[memory] = back;
                at(back, d, () -> {
                    if (!crashed && incarnation == mine && memoryIncarnation[memory] == memoryMine) {
                        trace("mem-reply", "process", id, "memory", memory, "reply", reply.get());
                        record(new Step.Reply(id, memory));
                        onReply.accept(reply.get());
                    }
                });
            });
        }

        @Override
        public Timer setTimer(long delay, Runnable action) {
            boolean[] cancelled = new boolean[1];
            int mine = incarnation;
            int k = timersSet++;
            at(now + Math.max(0, delay), depth, () -> {
                if (!cancelled[0] && !crashed && incarnation == mine) {
                    record(new Step.Timer(id, k));
                    action.run();
                }
            });
            return () -> cancelled[0] = true;
        }

        @Override
        public void note(String text) {
            trace("note", "process", id, "text", text);
        }

        @Override
        public void decide(Bytes value) {
            trace("decide", "process", id, "value", value);
            decisions.decided(id, value);
        }
    }
}
