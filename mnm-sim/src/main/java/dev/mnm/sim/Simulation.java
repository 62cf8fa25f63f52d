package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryHost;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deterministic simulated run of a consensus algorithm: virtual time, one event queue ordered by
 * (time, sequence number), one {@link Chooser} for every nondeterministic choice, faults, and the
 * consensus invariants checked after every event. Single-threaded; a run is a pure function of its
 * {@link SimConfig}.
 */
public final class Simulation {
    /** An explicit limit on the work of one run. */
    public static final long MAX_EVENTS = 20_000_000;
    /** How long after a crash the leader oracle notices it, once stable. */
    static final long DETECTION = 2 * Env.DELAY;

    private final SimConfig config;
    private final Chooser chooser;
    private final Trace trace;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final int n;
    private final int m;
    private final MemoryHost[] memories;
    private final Node[] nodes;
    private final Bytes[] inputs;
    private final SimResult.Decision[] decisions;
    private final int[] slowProcess;
    private final int[] slowMemory;
    private final List<Fault.Partition> partitions = new ArrayList<>();
    private final boolean[] willCrash;
    private final List<String> violations = new ArrayList<>();
    private final ConsensusInvariants invariants;
    private final Map<String, Long> opsByKind = new TreeMap<>();
    private final Map<String, Long> messagesByKind = new TreeMap<>();
    private long now;
    private long seq;
    private long events;
    private long messages;
    private long memoryOps;
    private long stableAt;
    private int omegaLeader;
    private int plannedProcessCrashes;
    private int plannedMemoryCrashes;
    private boolean partitionsHeal = true;

    private Simulation(SimConfig config, Trace trace) {
        this.config = config;
        this.chooser = new SeededChooser(config.seed());
        this.trace = trace;
        this.n = config.processes();
        this.m = config.memories();
        ConsensusAlgorithm algorithm = config.algorithm();
        MemoryLayout layout = algorithm.memoryLayout(n);
        this.memories = new MemoryHost[m + 1];
        for (int i = 1; i <= m; i++) {
            memories[i] = new MemoryHost(i, layout);
        }
        this.nodes = new Node[n + 1];
        this.inputs = new Bytes[n + 1];
        this.decisions = new SimResult.Decision[n + 1];
        this.slowProcess = new int[n + 1];
        this.slowMemory = new int[m + 1];
        this.willCrash = new boolean[n + 1];
        java.util.Arrays.fill(slowProcess, 1);
        java.util.Arrays.fill(slowMemory, 1);
        for (int p = 1; p <= n; p++) {
            inputs[p] = Bytes.utf8("v" + p);
        }
        this.invariants = new ConsensusInvariants(inputs, decisions);
        for (int p = 1; p <= n; p++) {
            nodes[p] = new Node(p);
            nodes[p].protocol = algorithm.create(nodes[p], inputs[p], config.fM());
        }
    }

    /** Runs {@code config} to the end. */
    public static SimResult run(SimConfig config) {
        return run(config, null);
    }

    /** Runs {@code config} to the end, writing every event to {@code trace} if it is not null. */
    public static SimResult run(SimConfig config, Trace trace) {
        Optional<String> problem = config.resilienceProblem();
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return new Simulation(config, trace).execute();
    }

    private SimResult execute() {
        List<Fault> faults = new ArrayList<>(config.faults());
        stableAt = config.stableAt();
        if (config.randomFaults()) {
            stableAt = Math.max(stableAt, RandomFaults.draw(chooser, config, faults));
        }
        for (Fault f : faults) {
            install(f);
        }
        for (int p = 1; p <= n; p++) {
            Node node = nodes[p];
            at(0, () -> node.protocol.start());
        }
        at(stableAt, this::refreshOmega);
        while (!queue.isEmpty()) {
            Event e = queue.poll();
            if (e.time > config.horizon()) {
                break;
            }
            now = e.time;
            e.action.run();
            events++;
            invariants.check(violations);
            if (!violations.isEmpty() || allCorrectDecided()) {
                break;
            }
            if (events >= MAX_EVENTS) {
                violations.add("run exceeded " + MAX_EVENTS + " events");
                break;
            }
        }
        boolean terminationExpected = plannedProcessCrashes <= config.fP() && plannedMemoryCrashes <= config.fM()
                && stableAt < config.horizon() && partitionsHeal;
        if (violations.isEmpty() && terminationExpected && !allCorrectDecided()) {
            List<Integer> undecided = new ArrayList<>();
            for (int p = 1; p <= n; p++) {
                if (!willCrash[p] && decisions[p] == null) {
                    undecided.add(p);
                }
            }
            violations.add("termination: correct processes " + undecided + " undecided after "
                    + (double) now / Env.DELAY + " delays");
        }
        Map<Integer, SimResult.Decision> decided = new TreeMap<>();
        Set<Integer> crashedP = new TreeSet<>();
        Set<Integer> crashedM = new TreeSet<>();
        for (int p = 1; p <= n; p++) {
            if (decisions[p] != null) {
                decided.put(p, decisions[p]);
            }
            if (nodes[p].crashed) {
                crashedP.add(p);
            }
        }
        for (int i = 1; i <= m; i++) {
            if (memories[i].crashed()) {
                crashedM.add(i);
            }
        }
        if (trace != null) {
            trace.event(now, "end", "violations", violations.size());
        }
        return new SimResult(config, decided, crashedP, crashedM, List.copyOf(violations), terminationExpected,
                now, new SimResult.Counts(events, messages, memoryOps, Map.copyOf(opsByKind),
                        Map.copyOf(messagesByKind)));
    }

    private boolean allCorrectDecided() {
        for (int p = 1; p <= n; p++) {
            if (!willCrash[p] && decisions[p] == null) {
                return false;
            }
        }
        return true;
    }

    private void install(Fault f) {
        switch (f) {
            case Fault.CrashProcess c -> {
                checkProcess(c.process());
                if (!willCrash[c.process()]) {
                    willCrash[c.process()] = true;
                    plannedProcessCrashes++;
                }
                at(c.time(), () -> crashProcess(c.process()));
            }
            case Fault.CrashMemory c -> {
                if (c.memory() < 1 || c.memory() > m) {
                    throw new IllegalArgumentException("no memory " + c.memory() + " (memories are 1.." + m + ")");
                }
                plannedMemoryCrashes++;
                at(c.time(), () -> crashMemory(c.memory()));
            }
            case Fault.Slow s -> {
                if (s.memory()) {
                    slowMemory[s.id()] = s.factor();
                } else {
                    checkProcess(s.id());
                    slowProcess[s.id()] = s.factor();
                }
            }
            case Fault.Partition p -> {
                partitions.add(p);
                partitionsHeal &= p.until() < config.horizon();
            }
            case Fault.LeaderChange l -> {
                checkProcess(l.process());
                at(l.time(), () -> tellLeader(l.process(), l.leader()));
            }
        }
    }

    private void checkProcess(int p) {
        if (p < 1 || p > n) {
            throw new IllegalArgumentException("no process " + p + " (processes are 1.." + n + ")");
        }
    }

    private void crashProcess(int p) {
        if (nodes[p].crashed) {
            return;
        }
        nodes[p].crashed = true;
        trace("crash-process", "process", p);
        if (now >= stableAt) {
            at(now + DETECTION, this::refreshOmega);
        }
    }

    private void crashMemory(int i) {
        if (!memories[i].crashed()) {
            memories[i].crash();
            trace("crash-memory", "memory", i);
        }
    }

    /** Ω once stable: the lowest-id live process, told to every live process when it changes. */
    private void refreshOmega() {
        int leader = 0;
        for (int p = 1; p <= n && leader == 0; p++) {
            if (!nodes[p].crashed) {
                leader = p;
            }
        }
        if (leader == 0 || leader == omegaLeader) {
            return;
        }
        omegaLeader = leader;
        for (int p = 1; p <= n; p++) {
            tellLeader(p, leader);
        }
    }

    private void tellLeader(int p, int leader) {
        Node node = nodes[p];
        if (!node.crashed) {
            trace("leader", "process", p, "leader", leader);
            node.protocol.onLeader(leader);
        }
    }

    private long hop(int processFactor, int otherFactor) {
        long base = config.timing() == Timing.COMMON_CASE ? Env.DELAY : chooser.between(Env.DELAY / 2, 3 * Env.DELAY);
        return base * Math.max(processFactor, otherFactor);
    }

    private void at(long time, Runnable action) {
        queue.add(new Event(time, seq++, action));
    }

    private void trace(String kind, Object... fields) {
        if (trace != null) {
            trace.event(now, kind, fields);
        }
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final Runnable action;

        Event(long time, long seq, Runnable action) {
            this.time = time;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** A pending memory operation of one process on one memory. */
    private record PendingOp(MemoryOp op, Consumer<Reply> onReply) {}

    /** One simulated process: its protocol instance and the {@link Env} it sees. */
    private final class Node implements Env {
        final int id;
        Protocol protocol;
        boolean crashed;
        private final boolean[] busy = new boolean[m + 1];
        @SuppressWarnings("unchecked")
        private final ArrayDeque<PendingOp>[] waiting = new ArrayDeque[m + 1];

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
            long arrival = now + hop(slowProcess[id], slowProcess[to]);
            for (Fault.Partition p : partitions) {
                boolean fromIn = (p.side() & (1L << id)) != 0;
                boolean toIn = (p.side() & (1L << to)) != 0;
                if (fromIn != toIn && now >= p.from() && now < p.until()) {
                    arrival = Math.max(arrival, p.until() + hop(slowProcess[id], slowProcess[to]));
                }
            }
            trace("send", "from", id, "to", to, "msg", message);
            int from = id;
            at(arrival, () -> {
                Node target = nodes[to];
                if (!target.crashed) {
                    trace("deliver", "from", from, "to", to, "msg", message);
                    target.protocol.onMessage(from, message);
                }
            });
        }

        @Override
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
            if (memory < 1 || memory > m) {
                throw new IllegalArgumentException("no memory " + memory + " (memories are 1.." + m + ")");
            }
            memoryOps++;
            opsByKind.merge(op.getClass().getSimpleName(), 1L, Long::sum);
            if (busy[memory]) {
                if (waiting[memory] == null) {
                    waiting[memory] = new ArrayDeque<>();
                }
                waiting[memory].add(new PendingOp(op, onReply));
            } else {
                dispatch(memory, op, onReply);
            }
        }

        private void dispatch(int memory, MemoryOp op, Consumer<Reply> onReply) {
            busy[memory] = true;
            trace("mem-issue", "process", id, "memory", memory, "op", op);
            at(now + hop(slowProcess[id], slowMemory[memory]), () -> {
                Optional<Reply> reply = memories[memory].execute(id, op);
                if (reply.isEmpty()) {
                    return; // a crashed memory never answers
                }
                trace("mem-exec", "process", id, "memory", memory, "op", op, "reply", reply.get());
                at(now + hop(slowProcess[id], slowMemory[memory]), () -> {
                    if (crashed) {
                        return;
                    }
                    trace("mem-reply", "process", id, "memory", memory, "reply", reply.get());
                    busy[memory] = false;
                    ArrayDeque<PendingOp> q = waiting[memory];
                    if (q != null && !q.isEmpty()) {
                        PendingOp next = q.poll();
                        dispatch(memory, next.op(), next.onReply());
                    }
                    onReply.accept(reply.get());
                });
            });
        }

        @Override
        public Timer setTimer(long delay, Runnable action) {
            boolean[] cancelled = new boolean[1];
            at(now + Math.max(0, delay), () -> {
                if (!cancelled[0] && !crashed) {
                    action.run();
                }
            });
            return () -> cancelled[0] = true;
        }

        @Override
        public void decide(Bytes value) {
            trace("decide", "process", id, "value", value);
            invariants.decided(id, value, now);
        }
    }
}
