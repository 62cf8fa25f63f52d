package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryHost;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A consensus run without time, advanced one {@link Step} at a time by whoever drives it (the
 * explorer, a replay, the shrinker). Every process proposes {@code v<p>} and starts before any
 * step. What is pending is explicit: the messages of each link (any undelivered one may be
 * delivered next — links do not keep order), the operations of each (process, memory) queue pair
 * (only the oldest may execute next) and their replies (only the oldest may be received next), and
 * the timers. The semantics are {@link World}'s: a crashed process receives nothing, but what it
 * sent or issued before crashing still travels and executes; a crashed memory executes nothing
 * more, but replies it already produced still arrive. Uniform agreement, validity and single
 * decision are checked after every step ({@link ConsensusInvariants}); {@link #settle} is the fair
 * continuation that judges termination.
 *
 * <h2>Fingerprint</h2>
 * {@link #fingerprint()} is a 64-bit hash of: every memory's registers, permissions and crashed
 * flag; for every process a hash of the sequence of inputs it has received (start, messages with
 * their sender and payload, replies with their memory and payload, Ω outputs, timer firings) and
 * its crashed flag; for every queue pair the number of operations executed and the payloads of the
 * replies still pending; for every link the set of message numbers delivered; the timers fired;
 * the number of Ω changes and of steps taken. This determines the whole state: a process is a
 * deterministic state machine, so its state — and everything it has ever sent, issued or set — is
 * a function of its input sequence; what is still pending is what was emitted minus what the
 * counters say was consumed; the replies in flight are hashed explicitly because their content was
 * fixed when they executed. So two schedules that differ only in the order of independent steps
 * (different processes, different memories) reach the same fingerprint, and the explorer merges
 * them. Step and Ω counts are included so that states merged always have the same remaining
 * budget. The hash is maintained incrementally (an XOR of one mixed term per component), and
 * {@link #predict} computes a successor's fingerprint without taking the step.
 */
final class StepWorld {
    private static final int START = 1;
    private static final int MESSAGE = 2;
    private static final int REPLY = 3;
    private static final int LEADER = 4;
    private static final int TIMER = 5;

    final SimConfig setup;
    final int n;
    final int m;
    private final MemoryHost[] memories;
    private final Proc[] procs;
    private final Link[][] links;
    private final QueuePair[][] pairs;
    private final SimResult.Decision[] decisions;
    private final ConsensusInvariants invariants;
    private final List<String> violations = new ArrayList<>();
    /** The readable account of the steps taken, or null if nobody reads it. */
    private final List<String> lines;
    private int leaderChanges;
    private int processCrashes;
    private int memoryCrashes;
    private int depth;
    private long seq;

    // the fingerprint: one component per slot, combined by XOR of mixed terms
    private final int procBase;
    private final int execBase;
    private final int replyBase;
    private final int linkBase;
    private final int timerBase;
    private final int leaderSlot;
    private final int depthSlot;
    private final long[] slot;
    private long fingerprint;

    private record Sent(Message message, long hash, long seq) {}

    private record Issued(MemoryOp op, Consumer<Reply> onReply, long seq) {}

    private record Answer(Reply reply, long hash, long seq) {}

    private static final class Link {
        final List<Sent> sent = new ArrayList<>();
        final BitSet delivered = new BitSet();
    }

    private static final class QueuePair {
        final List<Issued> ops = new ArrayList<>();
        final ArrayDeque<Answer> answers = new ArrayDeque<>();
        int executed;
        int received;
    }

    private static final class PendingTimer {
        final Runnable action;
        final long seq;
        boolean cancelled;
        boolean fired;

        PendingTimer(Runnable action, long seq) {
            this.action = action;
            this.seq = seq;
        }
    }

    StepWorld(SimConfig setup, boolean describe) {
        this.setup = setup;
        this.n = setup.processes();
        this.m = setup.memories();
        this.lines = describe ? new ArrayList<>() : null;
        this.memories = new MemoryHost[m + 1];
        for (int i = 1; i <= m; i++) {
            memories[i] = new MemoryHost(i, setup.algorithm().memoryLayout(n));
        }
        this.links = new Link[n + 1][n + 1];
        this.pairs = new QueuePair[n + 1][m + 1];
        for (int p = 1; p <= n; p++) {
            for (int q = 1; q <= n; q++) {
                links[p][q] = new Link();
            }
            for (int i = 1; i <= m; i++) {
                pairs[p][i] = new QueuePair();
            }
        }
        procBase = m + 1;
        execBase = procBase + n + 1;
        replyBase = execBase + (n + 1) * (m + 1);
        linkBase = replyBase + (n + 1) * (m + 1);
        timerBase = linkBase + (n + 1) * (n + 1);
        leaderSlot = timerBase + n + 1;
        depthSlot = leaderSlot + 1;
        slot = new long[depthSlot + 1];
        for (int s = 0; s < slot.length; s++) {
            fingerprint ^= term(s, 0);
        }
        for (int i = 1; i <= m; i++) {
            set(i, memoryValue(memories[i]));
        }
        for (int p = 1; p <= n; p++) {
            for (int i = 1; i <= m; i++) {
                set(replyBase + p * (m + 1) + i, answersValue(0, pairs[p][i].answers, 0, false));
            }
            for (int q = 1; q <= n; q++) {
                set(linkBase + p * (n + 1) + q, bits(links[p][q].delivered));
            }
            set(timerBase + p, bits(new BitSet()));
        }
        this.decisions = new SimResult.Decision[n + 1];
        Bytes[] inputs = new Bytes[n + 1];
        for (int p = 1; p <= n; p++) {
            inputs[p] = Bytes.utf8("v" + p);
        }
        this.invariants = new ConsensusInvariants(inputs, decisions);
        this.procs = new Proc[n + 1];
        for (int p = 1; p <= n; p++) {
            procs[p] = new Proc(p);
            procs[p].protocol = setup.algorithm().create(procs[p], inputs[p], setup.fM());
        }
        for (int p = 1; p <= n; p++) {
            Proc proc = procs[p];
            input(proc, START, 0, 0, () -> proc.protocol.start());
        }
        invariants.check(violations);
    }

    long fingerprint() {
        return fingerprint;
    }

    int depth() {
        return depth;
    }

    int leaderChanges() {
        return leaderChanges;
    }

    int processCrashes() {
        return processCrashes;
    }

    int memoryCrashes() {
        return memoryCrashes;
    }

    /** The messages, memory operations and timers process {@code p} has issued. */
    int emitted(int p) {
        return procs[p].emitted;
    }

    List<String> violations() {
        return violations;
    }

    List<String> lines() {
        return lines;
    }

    boolean crashed(int p) {
        return procs[p].crashed;
    }

    int belief(int p) {
        return procs[p].belief;
    }

    boolean memoryCrashed(int i) {
        return memories[i].crashed();
    }

    /** Whether every process that has not crashed has decided. */
    boolean allLiveDecided() {
        return undecidedLive().isEmpty();
    }

    List<Integer> undecidedLive() {
        List<Integer> out = new ArrayList<>();
        for (int p = 1; p <= n; p++) {
            if (!procs[p].crashed && decisions[p] == null) {
                out.add(p);
            }
        }
        return out;
    }

    /** The deliveries, executions, replies and timer firings that may happen next, oldest first. */
    List<Step> events() {
        record Candidate(Step step, long seq) {}
        List<Candidate> c = new ArrayList<>();
        for (int p = 1; p <= n; p++) {
            for (int i = 1; i <= m; i++) {
                QueuePair qp = pairs[p][i];
                if (!qp.answers.isEmpty() && !procs[p].crashed) {
                    c.add(new Candidate(new Step.Reply(p, i), qp.answers.peek().seq()));
                }
                if (qp.executed < qp.ops.size() && !memories[i].crashed()) {
                    c.add(new Candidate(new Step.Execute(p, i), qp.ops.get(qp.executed).seq()));
                }
            }
            for (int q = 1; q <= n; q++) {
                Link l = links[p][q];
                if (procs[q].crashed) {
                    continue;
                }
                for (int k = l.delivered.nextClearBit(0); k < l.sent.size(); k = l.delivered.nextClearBit(k + 1)) {
                    c.add(new Candidate(new Step.Deliver(p, q, k), l.sent.get(k).seq()));
                }
            }
            if (!procs[p].crashed) {
                List<PendingTimer> timers = procs[p].timers;
                for (int k = 0; k < timers.size(); k++) {
                    if (!timers.get(k).fired && !timers.get(k).cancelled) {
                        c.add(new Candidate(new Step.Timer(p, k), timers.get(k).seq));
                    }
                }
            }
        }
        c.sort(Comparator.comparingLong(Candidate::seq));
        return c.stream().map(Candidate::step).toList();
    }

    /** Whether {@code s} can be taken now. */
    boolean enabled(Step s) {
        return switch (s) {
            case Step.Deliver d -> isProcess(d.from()) && isProcess(d.to()) && !procs[d.to()].crashed
                    && d.k() >= 0 && d.k() < links[d.from()][d.to()].sent.size()
                    && !links[d.from()][d.to()].delivered.get(d.k());
            case Step.Execute x -> isProcess(x.process()) && isMemory(x.memory()) && !memories[x.memory()].crashed()
                    && pairs[x.process()][x.memory()].executed < pairs[x.process()][x.memory()].ops.size();
            case Step.Reply r -> isProcess(r.process()) && isMemory(r.memory()) && !procs[r.process()].crashed
                    && !pairs[r.process()][r.memory()].answers.isEmpty();
            case Step.Timer t -> isProcess(t.process()) && !procs[t.process()].crashed && t.k() >= 0
                    && t.k() < procs[t.process()].timers.size() && !procs[t.process()].timers.get(t.k()).fired
                    && !procs[t.process()].timers.get(t.k()).cancelled;
            case Step.Leader l -> isProcess(l.process()) && isProcess(l.leader()) && !procs[l.process()].crashed;
            case Step.CrashProcess c -> isProcess(c.process()) && !procs[c.process()].crashed;
            case Step.CrashMemory c -> isMemory(c.memory()) && !memories[c.memory()].crashed();
        };
    }

    private boolean isProcess(int p) {
        return p >= 1 && p <= n;
    }

    private boolean isMemory(int i) {
        return i >= 1 && i <= m;
    }

    /** Takes {@code s}, which must be {@link #enabled}, and checks the invariants. */
    void apply(Step s) {
        if (!enabled(s)) {
            throw new IllegalStateException("step " + s.token() + " is not enabled");
        }
        depth++;
        set(depthSlot, depth);
        switch (s) {
            case Step.Deliver d -> {
                Link l = links[d.from()][d.to()];
                Sent msg = l.sent.get(d.k());
                l.delivered.set(d.k());
                set(linkBase + d.from() * (n + 1) + d.to(), bits(l.delivered));
                step("p" + d.to() + " receives " + msg.message() + " from p" + d.from());
                Proc to = procs[d.to()];
                input(to, MESSAGE, d.from(), msg.hash(), () -> to.protocol.onMessage(d.from(), msg.message()));
            }
            case Step.Execute x -> {
                QueuePair qp = pairs[x.process()][x.memory()];
                Issued op = qp.ops.get(qp.executed++);
                Reply reply = memories[x.memory()].execute(x.process(), op.op()).orElseThrow();
                qp.answers.add(new Answer(reply, Hash64.of(reply), seq++));
                set(x.memory(), memoryValue(memories[x.memory()]));
                set(execBase + x.process() * (m + 1) + x.memory(), qp.executed);
                set(replyBase + x.process() * (m + 1) + x.memory(), answersValue(qp.received, qp.answers, 0, false));
                step("p" + x.process() + ": " + describe(op.op()) + " on M" + x.memory() + " executes ("
                        + describe(reply) + ")");
            }
            case Step.Reply r -> {
                QueuePair qp = pairs[r.process()][r.memory()];
                Answer a = qp.answers.poll();
                Issued op = qp.ops.get(qp.received++);
                set(replyBase + r.process() * (m + 1) + r.memory(), answersValue(qp.received, qp.answers, 0, false));
                step("p" + r.process() + " receives the reply of " + describe(op.op()) + " on M" + r.memory() + ": "
                        + describe(a.reply()));
                input(procs[r.process()], REPLY, r.memory(), a.hash(), () -> op.onReply().accept(a.reply()));
            }
            case Step.Timer t -> {
                Proc p = procs[t.process()];
                PendingTimer timer = p.timers.get(t.k());
                timer.fired = true;
                set(timerBase + t.process(), firedTimers(p, -1));
                step("p" + t.process() + "'s timer " + t.k() + " fires");
                input(p, TIMER, t.k(), 0, timer.action);
            }
            case Step.Leader l -> {
                Proc p = procs[l.process()];
                p.belief = l.leader();
                set(leaderSlot, ++leaderChanges);
                step("Ω tells p" + l.process() + " that p" + l.leader() + " leads");
                input(p, LEADER, l.leader(), 0, () -> p.protocol.onLeader(l.leader()));
            }
            case Step.CrashProcess c -> {
                procs[c.process()].crashed = true;
                processCrashes++;
                set(procBase + c.process(), procValue(procs[c.process()].inputHash, true));
                step("p" + c.process() + " crashes");
            }
            case Step.CrashMemory c -> {
                memories[c.memory()].crash();
                memoryCrashes++;
                set(c.memory(), memoryValue(memories[c.memory()]));
                step("M" + c.memory() + " crashes");
            }
        }
        invariants.check(violations);
        if (!violations.isEmpty()) {
            say("      VIOLATION " + violations.getFirst());
        }
    }

    /** The fingerprint the state would have after {@code s} (which must be enabled), without taking it. */
    long predict(Step s) {
        long f = fingerprint ^ delta(depthSlot, depth + 1);
        switch (s) {
            case Step.Deliver d -> {
                Link l = links[d.from()][d.to()];
                BitSet after = (BitSet) l.delivered.clone();
                after.set(d.k());
                f ^= delta(linkBase + d.from() * (n + 1) + d.to(), bits(after));
                f ^= delta(procBase + d.to(), procValue(next(procs[d.to()], MESSAGE, d.from(), l.sent.get(d.k()).hash()), false));
            }
            case Step.Execute x -> {
                QueuePair qp = pairs[x.process()][x.memory()];
                MemoryHost copy = memories[x.memory()].copy();
                Reply reply = copy.execute(x.process(), qp.ops.get(qp.executed).op()).orElseThrow();
                f ^= delta(x.memory(), memoryValue(copy));
                f ^= delta(execBase + x.process() * (m + 1) + x.memory(), qp.executed + 1);
                f ^= delta(replyBase + x.process() * (m + 1) + x.memory(),
                        answersValue(qp.received, qp.answers, Hash64.of(reply), true));
            }
            case Step.Reply r -> {
                QueuePair qp = pairs[r.process()][r.memory()];
                Answer first = qp.answers.peek();
                ArrayDeque<Answer> rest = new ArrayDeque<>(qp.answers);
                rest.poll();
                f ^= delta(replyBase + r.process() * (m + 1) + r.memory(), answersValue(qp.received + 1, rest, 0, false));
                f ^= delta(procBase + r.process(), procValue(next(procs[r.process()], REPLY, r.memory(), first.hash()), false));
            }
            case Step.Timer t -> {
                f ^= delta(timerBase + t.process(), firedTimers(procs[t.process()], t.k()));
                f ^= delta(procBase + t.process(), procValue(next(procs[t.process()], TIMER, t.k(), 0), false));
            }
            case Step.Leader l -> {
                f ^= delta(leaderSlot, leaderChanges + 1);
                f ^= delta(procBase + l.process(), procValue(next(procs[l.process()], LEADER, l.leader(), 0), false));
            }
            case Step.CrashProcess c -> f ^= delta(procBase + c.process(), procValue(procs[c.process()].inputHash, true));
            case Step.CrashMemory c -> {
                MemoryHost copy = memories[c.memory()].copy();
                copy.crash();
                f ^= delta(c.memory(), memoryValue(copy));
            }
        }
        return f;
    }

    /**
     * The fair continuation: Ω becomes stable on the lowest-id live process (told to every live
     * process that believes otherwise), then the oldest pending event is taken, again and again,
     * until every live process has decided, nothing is pending, an invariant breaks or
     * {@code maxSteps} steps were taken. If faults are within f_P and f_M and a live process is
     * still undecided, that is a termination violation. Returns the steps taken.
     */
    List<Step> settle(int maxSteps) {
        List<Step> taken = new ArrayList<>();
        int leader = 0;
        for (int p = n; p >= 1; p--) {
            leader = procs[p].crashed ? leader : p;
        }
        if (leader == 0 || !violations.isEmpty()) {
            return taken;
        }
        say("      then the fair continuation: Ω stable on p" + leader + ", the oldest pending event first");
        for (int p = 1; p <= n; p++) {
            if (!procs[p].crashed && procs[p].belief != leader) {
                take(new Step.Leader(p, leader), taken);
            }
        }
        boolean exhausted = false;
        while (violations.isEmpty() && !allLiveDecided()) {
            List<Step> events = events();
            if (events.isEmpty()) {
                break;
            }
            if (taken.size() >= maxSteps) {
                exhausted = true;
                break;
            }
            take(events.getFirst(), taken);
        }
        if (violations.isEmpty() && processCrashes <= setup.fP() && memoryCrashes <= setup.fM() && !allLiveDecided()) {
            violations.add("termination: correct processes " + undecidedLive() + " undecided after a fair continuation of "
                    + taken.size() + " steps with Ω stable on p" + leader
                    + (exhausted ? " (step limit reached)" : " (nothing left pending)"));
            say("      VIOLATION " + violations.getFirst());
        }
        return taken;
    }

    private void take(Step s, List<Step> taken) {
        apply(s);
        taken.add(s);
    }

    private void step(String text) {
        say(String.format("%4d. %s", depth, text));
    }

    private void say(String line) {
        if (lines != null) {
            lines.add(line);
        }
    }

    private void input(Proc p, int tag, long a, long b, Runnable action) {
        p.inputHash = next(p, tag, a, b);
        set(procBase + p.id, procValue(p.inputHash, p.crashed));
        action.run();
    }

    private static long next(Proc p, int tag, long a, long b) {
        return Hash64.chain(p.inputHash, Hash64.chain(Hash64.chain(tag, a), b));
    }

    private static long procValue(long inputHash, boolean crashed) {
        return Hash64.chain(inputHash, crashed ? 1 : 0);
    }

    private static long memoryValue(MemoryHost mem) {
        return Hash64.chain(mem.fingerprint(), mem.crashed() ? 1 : 0);
    }

    private static long answersValue(int received, ArrayDeque<Answer> answers, long extra, boolean withExtra) {
        long h = Hash64.chain(11, received);
        for (Answer a : answers) {
            h = Hash64.chain(h, a.hash());
        }
        return withExtra ? Hash64.chain(h, extra) : h;
    }

    private static long firedTimers(Proc p, int alsoFired) {
        BitSet b = new BitSet();
        for (int k = 0; k < p.timers.size(); k++) {
            if (p.timers.get(k).fired || k == alsoFired) {
                b.set(k);
            }
        }
        return bits(b);
    }

    private static long bits(BitSet b) {
        long h = 13;
        for (long word : b.toLongArray()) {
            h = Hash64.chain(h, word);
        }
        return h;
    }

    private void set(int s, long value) {
        fingerprint ^= delta(s, value);
        slot[s] = value;
    }

    private long delta(int s, long value) {
        return term(s, slot[s]) ^ term(s, value);
    }

    private static long term(int s, long value) {
        return Hash64.chain(0x51_7CC1_B727_220AL + s, value);
    }

    static String describe(MemoryOp op) {
        return switch (op) {
            case MemoryOp.Read r -> "Read r" + r.register();
            case MemoryOp.ReadRange r -> "ReadRange r" + r.from() + ".." + (r.from() + r.count() - 1);
            case MemoryOp.Write w -> "Write r" + w.register() + "=" + value(w.value());
            case MemoryOp.Cas c -> "CAS r" + c.register() + " " + value(c.expected()) + "→" + value(c.value());
            case MemoryOp.Fadd f -> "FADD r" + f.register() + " +" + f.delta();
            case MemoryOp.ChangePermission c -> "changePermission " + c.permission();
        };
    }

    static String describe(Reply reply) {
        return switch (reply) {
            case Reply.Ack a -> "ack";
            case Reply.Nak k -> "nak";
            case Reply.Value v -> value(v.value());
            case Reply.Values v -> v.values().stream().map(StepWorld::value).toList().toString();
        };
    }

    private static String value(Bytes b) {
        return b.length() == 0 ? "⊥" : b.toString();
    }

    /** One process: its protocol instance, the {@link Env} it sees, and what it has received and emitted. */
    private final class Proc implements Env {
        final int id;
        Protocol protocol;
        boolean crashed;
        long inputHash = 17;
        int belief;
        int emitted;
        final List<PendingTimer> timers = new ArrayList<>();

        Proc(int id) {
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
            if (!isProcess(to)) {
                throw new IllegalArgumentException("no process " + to + " (processes are 1.." + n + ")");
            }
            emitted++;
            links[id][to].sent.add(new Sent(message, Hash64.of(message), seq++));
        }

        @Override
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
            if (!isMemory(memory)) {
                throw new IllegalArgumentException("no memory " + memory + " (memories are 1.." + m + ")");
            }
            emitted++;
            pairs[id][memory].ops.add(new Issued(op, onReply, seq++));
        }

        @Override
        public Timer setTimer(long delay, Runnable action) {
            emitted++;
            PendingTimer t = new PendingTimer(action, seq++);
            timers.add(t);
            return () -> t.cancelled = true;
        }

        @Override
        public void decide(Bytes value) {
            say("        p" + id + " decides " + value);
            invariants.decided(id, value, depth);
        }
    }
}
