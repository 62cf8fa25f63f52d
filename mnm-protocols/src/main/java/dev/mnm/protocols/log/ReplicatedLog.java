package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Message;
import dev.mnm.core.Permission;
import dev.mnm.core.Protocol;
import dev.mnm.core.Region;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A replicated log in the style of Mu (OSDI'20) over Protected Memory Paxos (seed 003 Alg. 6), one
 * Alg. 6 instance per slot, sans-IO. This class holds the roles and the state machine; each
 * concern is a file of its own, stating its invariant:
 * <ul>
 *   <li>{@link FailureDetector}: Ω from heartbeat counters in memory (liveness only);</li>
 *   <li>{@link Recovery}: becoming leader, phase 1 of Alg. 6 over the unfinished suffix;</li>
 *   <li>{@link LeaderTerm}: the leader's append path, phase 2 per slot, one write round trip;</li>
 *   <li>{@link CatchUp}: the leader copying the log into a memory that restarted empty;</li>
 *   <li>{@link Learner}: followers applying what is committed;</li>
 *   <li>{@link Snapshots}: log compaction — snapshots of the state in the memories, so that
 *   positions reuse the slot registers.</li>
 * </ul>
 *
 * <p>Each memory holds, in region 0 (exclusive writer, initially p1; anyone may take it):
 * {@code minProp[q]} for every process q (registers 0..n−1), the {@link #joinedRegister} (register
 * n, so that one read takes it with the minProps), the log slots (registers n+1..n+S; position s in
 * register n + 1 + s mod S), each a {@link LogEntry} (position, proposal number, commit point,
 * batch of commands), and the snapshot buffers
 * ({@link Snapshots}); in region 1 (everyone reads and writes) a heartbeat
 * counter per process.
 *
 * <p>Safety (no two processes apply different commands at a slot; an acknowledged command is
 * applied by every later leader at its slot): a slot is chosen only by m − f_M acknowledgements from
 * memories confirmed by the writer's phase 1 ({@link LeaderTerm}); a leader adopts what its phase 1
 * read on confirmed memories ({@link Recovery}); a follower takes values only from a read issued
 * after it knew them committed ({@link Learner}); nobody writes a slot without phase 1, not even p1
 * at start. A memory that restarted empty boots marked {@link #RESTARTED} with its log region
 * write-locked; phase 1 and followers leave it out of their quorums (its empty slots could hide a
 * committed entry behind an older one), and a leader whose phase 1 passed there copies every
 * committed slot into it and then marks it ({@link CatchUp}), after which it counts
 * again. So with at most f_M memories crashed or not yet caught up, every quorum still meets every
 * commit quorum on a memory that holds the log. With compaction, a register holding a later
 * position than the one read, or a memory caught up from a snapshot above it, means the position
 * is gone: the reader installs a snapshot instead of taking the entry the other memories hold
 * (which may be an older, never chosen one).
 *
 * <p>Where the seeds are silent: compaction as in {@link Snapshots} when the state machine
 * snapshots (one that does not fills the log once, then refuses commands); reads go through
 * the log; a command submitted while this process recovers, or while Ω names it and it has not
 * begun to, waits for the outcome of the recovery (commands never written are answered
 * {@code NotLeader}: certainly not applied).
 */
public class ReplicatedLog implements Protocol {
    public static final int LOG_REGION = 0;
    public static final int HEARTBEAT_REGION = 1;

    /**
     * What commands do to the service's state; apply runs in log order, once per entry. A state
     * machine that can snapshot its state lets the log reuse its slots ({@link Snapshots}); one
     * that cannot fills the log once, after which commands are refused.
     */
    public interface StateMachine {
        Bytes apply(Bytes command);

        /**
         * The whole state as bytes, or null if this state machine does not snapshot. The bytes
         * must depend only on the commands applied (for example: keys in sorted order), since
         * several processes may write the snapshot of one log position.
         */
        default Bytes snapshot() {
            return null;
        }

        /** Replaces the whole state with one {@link #snapshot} returned (possibly in another process). */
        default void restore(Bytes snapshot) {
            throw new UnsupportedOperationException("this state machine does not snapshot");
        }
    }

    /** How a submitted command ended. */
    public sealed interface Outcome {
        /** Committed and applied; {@code reply} is what the state machine returned. */
        record Done(Bytes reply) implements Outcome {}

        /** Not accepted here: {@code leader} is who this process thinks leads (0 if unknown). Certainly not applied. */
        record NotLeader(int leader) implements Outcome {}

        /** Leadership was lost while it was in flight: it may or may not be applied. */
        record Unknown(String why) implements Outcome {}

        /** Never written, and never will be: {@code why} names the rule it breaks (its size). */
        record Refused(String why) implements Outcome {}
    }

    /**
     * @param slots         log capacity
     * @param heartbeat     time units between heartbeat ticks
     * @param suspectAfter  ticks without progress before a process is suspected
     * @param poll          time units between a follower's reads of the log while they find new entries
     * @param chunk         slots read per log read
     * @param idlePoll      the longest pause between a follower's reads: each read that finds nothing
     *                      new doubles the pause, from {@code poll} up to this (liveness only)
     */
    public record Config(int fM, int slots, long heartbeat, int suspectAfter, long poll, int chunk, long idlePoll) {
        /** A follower reads every {@code poll} time units, busy or idle. */
        public Config(int fM, int slots, long heartbeat, int suspectAfter, long poll, int chunk) {
            this(fM, slots, heartbeat, suspectAfter, poll, chunk, poll);
        }
    }

    /** Slots being written at once; commands arriving meanwhile are batched into the next slot. */
    static final int MAX_IN_FLIGHT = 4;
    /** The most bytes of commands one slot carries, unless one command alone is larger. */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /**
     * The largest command one entry takes. A slot holds at most this (plus framing), so a read of
     * {@code chunk} slots stays within what a memory node sends in one frame; a service splits
     * anything larger into several commands.
     */
    public static final int MAX_COMMAND_BYTES = 300_000;

    private enum Role { FOLLOWER, RECOVERING, LEADER }

    private final Env env;
    private final Config cfg;
    private final StateMachine sm;
    private final int n;
    private final FailureDetector detector;
    private final Learner learner;
    private Role role = Role.FOLLOWER;
    private long applied;
    private long highestSeen;
    private final boolean compacts;
    /** The state at the last multiple of S / 2 this process applied or installed (null without compaction). */
    private Snapshots.Snapshot local;
    private Recovery recovery;
    private LeaderTerm term;
    private final ArrayDeque<Bytes> queuedCommands = new ArrayDeque<>();
    private final ArrayDeque<Consumer<Outcome>> queuedDone = new ArrayDeque<>();

    public ReplicatedLog(Env env, Config cfg, StateMachine sm) {
        this.env = env;
        this.cfg = cfg;
        this.sm = sm;
        this.n = env.processes();
        if (cfg.slots() < 2 || cfg.slots() % 2 != 0) {
            throw new IllegalArgumentException("the log needs an even number of slots, at least 2: " + cfg.slots());
        }
        Bytes initial = sm.snapshot();
        this.compacts = initial != null;
        this.local = compacts ? new Snapshots.Snapshot(0, initial) : null;
        this.detector = new FailureDetector(env, cfg, this::onOmega);
        this.learner = new Learner(env, this, env.memories() - cfg.fM());
    }

    /** Every memory's layout for n processes and a log of {@code slots} entries. */
    public static MemoryLayout layout(int n, int slots) {
        int log = n + slots + 1 + Snapshots.registers(slots);
        return new MemoryLayout(log + n, List.of(
                new Region(0, log, Permission.exclusiveWriter(1, n)),
                new Region(log, log + n, Permission.allReadWrite(n))),
                (p, region, current, requested) -> region == LOG_REGION
                        && requested.equals(Permission.exclusiveWriter(p, n)));
    }

    /**
     * The register saying whether this memory holds the log: empty on a memory that has been there
     * since the cluster began, {@link #RESTARTED} on one that restarted empty (it boots so), the
     * number of the leader that copied the log into it afterwards. In the log region, so only the
     * permission holder writes it.
     */
    public static int joinedRegister(int n, int slots) {
        return n;
    }

    /** What {@link #joinedRegister} holds on a memory that restarted and has not been caught up. */
    public static final Bytes RESTARTED = Bytes.utf8("restarted");

    /**
     * Prepares a memory that restarted empty: {@link #joinedRegister} says {@link #RESTARTED}, and
     * nobody may write the log region until a process takes the permission — so not even p1, whose
     * permission the layout grants at the cluster's start, can count an acknowledgement from it
     * before a leader has copied the log into it.
     */
    public static void bootRestarted(dev.mnm.core.MemoryHost memory, int n, int slots) {
        memory.boot(joinedRegister(n, slots), RESTARTED);
        memory.bootPermission(LOG_REGION, Permission.readOnly(n));
    }

    /** Where the heartbeat counters begin. */
    static int heartbeatBase(int n, int slots) {
        return n + slots + 1 + Snapshots.registers(slots);
    }

    /** The slot register of log position {@code position}: positions reuse the S registers in turn. */
    static int register(int n, int slots, long position) {
        return n + 1 + (int) (position % slots);
    }

    /**
     * How many of {@code want} positions one read takes: at most a whole turn of the registers (a
     * read that passes the last register goes on at the first, {@link Learner#readMarked}).
     */
    static int count(int want, int slots) {
        return Math.min(want, slots);
    }

    /** Whether a read of {@link #joinedRegister} says the memory holds the log. */
    static boolean joined(Reply r) {
        return r instanceof Reply.Value(Bytes v) && !v.equals(RESTARTED);
    }

    /** What a caught-up memory's mark says: b and the snapshot index from which it holds the log. */
    static Bytes mark(long propNr, long base) {
        return Bytes.of(java.nio.ByteBuffer.allocate(16).putLong(propNr).putLong(base).array());
    }

    /** The position from which a memory holds the log, by its mark: 0 unless a catch-up started it at a snapshot. */
    static long base(Reply r) {
        return r instanceof Reply.Value(Bytes v) && v.length() == 16 ? java.nio.ByteBuffer.wrap(v.toArray()).getLong(8) : 0;
    }

    @Override
    public void start() {
        if (env.self() == 1 && p1SkipsPhaseOne()) { // kind 4 put back: trust the initial permission
            role = Role.LEADER;
            highestSeen = 1;
            boolean[] all = new boolean[env.memories() + 1];
            java.util.Arrays.fill(all, true);
            term = new LeaderTerm(env, this, 1, all, new long[n], false);
            term.start(applied, java.util.Map.of(), applied - 1, 0);
        }
        if (runsFailureDetector()) {
            detector.tick();
        }
        learner.poll();
    }

    @Override
    public void onMessage(int from, Message message) {
        throw new IllegalStateException("the log exchanges no messages");
    }

    public boolean leading() {
        return role == Role.LEADER;
    }

    /** Who this process thinks leads. */
    public int leader() {
        return detector.leader();
    }

    /**
     * A hint from the runtime that process {@code q} has crashed (its connection closed): Ω stops
     * naming it at once ({@link FailureDetector#hint}). Liveness only.
     */
    public void hint(int q) {
        detector.hint(q);
    }

    /**
     * A hint from the runtime that memory {@code i} restarted — a new, empty memory, which lost
     * whatever this process had issued to the old one: a leader (or a process recovering) runs
     * phase 1 on it again, which leads to its catch-up ({@link CatchUp}). Liveness only.
     */
    public void memoryRestarted(int i) {
        if (recovery != null && role != Role.FOLLOWER) {
            recovery.probe(i);
        }
    }

    /** Entries applied so far. */
    public long applied() {
        return applied;
    }

    /**
     * What an operator sees of this process.
     *
     * @param role            "leader", "recovering" (phase 1 under way) or "follower"
     * @param leader          whom Ω names here (this process's failure detector)
     * @param proposal        the proposal number this process leads or recovers with; 0 if neither
     * @param highestProposal the highest proposal number this process has seen
     * @param commitIndex     entries known committed here (a follower may lag the leader)
     * @param applied         entries applied to the state machine here
     * @param snapshot        the log position of this process's last snapshot (taken or installed);
     *                        -1 if the state machine takes none
     * @param memories        per memory (index 0 unused), whether it holds the log as far as this
     *                        process knows: a leader from its term, a follower from its last read
     */
    public record Status(String role, int leader, long proposal, long highestProposal, long commitIndex, long applied,
                         long snapshot, List<String> memories) {}

    public Status status() {
        long proposal = role == Role.LEADER ? term.propNr : role == Role.RECOVERING ? recovery.propNr : 0;
        long commit = role == Role.LEADER ? applied : Math.max(applied, learner.knownCommit());
        List<String> memories = new ArrayList<>();
        memories.add("");
        for (int i = 1; i <= env.memories(); i++) {
            byte mark = learner.marks[i];
            memories.add(role == Role.LEADER ? term.memoryState(i)
                    : mark == Learner.HOLDS_LOG ? "holds the log"
                    : mark == Learner.RESTARTED ? "restarted empty, not caught up yet" : "not read yet");
        }
        return new Status(role.name().toLowerCase(java.util.Locale.ROOT), detector.leader(), proposal, highestSeen,
                commit, applied, compacts ? local.index() : -1, List.copyOf(memories));
    }

    /** Appends {@code command} if this process leads; {@code done} hears how it ended. */
    public void submit(Bytes command, Consumer<Outcome> done) {
        if (command.length() > MAX_COMMAND_BYTES) {
            done.accept(new Outcome.Refused("a command of " + command.length() + " bytes; one log entry takes at most "
                    + MAX_COMMAND_BYTES));
            return;
        }
        switch (role) {
            case LEADER -> term.append(command, done);
            case RECOVERING -> {
                queuedCommands.add(command);
                queuedDone.add(done);
            }
            case FOLLOWER -> {
                if (detector.leader() == env.self()) { // Ω names this process: it recovers at the next tick
                    queuedCommands.add(command);
                    queuedDone.add(done);
                } else {
                    done.accept(new Outcome.NotLeader(detector.leader()));
                }
            }
        }
    }

    // ---- for the parts ----

    Config config() {
        return cfg;
    }

    /** The follower part, for tests that schedule its reads by hand. */
    Learner learner() {
        return learner;
    }

    boolean following() {
        return role == Role.FOLLOWER;
    }

    void saw(long propNr) {
        highestSeen = Math.max(highestSeen, propNr);
    }

    /**
     * Applies the chosen batch of {@code slot}, which must be the next one; the state machine's
     * replies. At every multiple of S / 2 the state is snapshotted, and a leader writes it to the
     * memories ({@link LeaderTerm#snapshotTaken}).
     */
    List<Bytes> apply(long slot, Bytes batch) {
        if (slot != applied) {
            throw new IllegalStateException("applying slot " + slot + " at " + applied);
        }
        List<Bytes> replies = new ArrayList<>();
        for (Bytes command : Batch.decode(batch)) {
            replies.add(sm.apply(command));
        }
        applied++;
        if (compacts && applied % (cfg.slots() / 2) == 0) {
            local = new Snapshots.Snapshot(applied, sm.snapshot());
            if (role == Role.LEADER) {
                term.snapshotTaken(local);
            }
        }
        return replies;
    }

    /** Whether the log reuses its slots (the state machine snapshots). */
    boolean compacts() {
        return compacts;
    }

    /** The last snapshot this process took or installed (null without compaction). */
    Snapshots.Snapshot localSnapshot() {
        return local;
    }

    /** Replaces the state with a snapshot read from the memories, above what this process applied. */
    void install(Snapshots.Snapshot s) {
        if (s.index() <= applied || s.index() % (cfg.slots() / 2) != 0) {
            throw new IllegalStateException("installing a snapshot at " + s.index() + " with " + applied + " applied");
        }
        sm.restore(s.state());
        applied = s.index();
        local = s;
        env.note("installed the snapshot at log position " + s.index());
    }

    // ---- roles ----

    /** Ω names {@code leader} (the failure detector's verdict; a test may play Ω itself). */
    void onOmega(int leader) {
        if (role == Role.LEADER && detector.highestProposal() > term.propNr) {
            // its phase 1 took the permission on a memory before writing that number there: the next write
            // here would be refused anyway; step down now rather than claim to lead until then
            deposed(term, "a higher proposal number, " + detector.highestProposal() + ", is in the minProps");
        }
        if (leader == env.self() && role == Role.FOLLOWER && (detector.hasRead() || !waitsForFirstRead())) {
            saw(detector.highestProposal());
            long k = highestSeen / n;
            long propNr = k * n + env.self() > highestSeen ? k * n + env.self() : (k + 1) * n + env.self();
            saw(propNr);
            role = Role.RECOVERING;
            recovery = new Recovery(env, this, propNr);
            recovery.start();
        } else if (leader != env.self() && role == Role.FOLLOWER) {
            flushQueued(); // Ω moved on before this process recovered: tell them whom it names now
        }
        learner.nudge();
    }

    LeaderTerm becomeLeader(Recovery r, boolean[] confirmed) {
        role = Role.LEADER;
        term = new LeaderTerm(env, this, r.propNr, confirmed, r.proposals, countsUnconfirmedMemories());
        env.note("leading with proposal " + r.propNr);
        return term;
    }

    /** Called by the term once it has started: commands that waited for the recovery go in now. */
    void flushQueued() {
        while (!queuedCommands.isEmpty()) {
            Consumer<Outcome> done = queuedDone.poll();
            Bytes command = queuedCommands.poll();
            if (role == Role.LEADER) {
                term.append(command, done);
            } else {
                done.accept(new Outcome.NotLeader(detector.leader())); // never written: certainly not applied
            }
        }
    }

    void recoveryFailed(Recovery r) {
        if (r != recovery) {
            return;
        }
        if (role == Role.LEADER) {
            deposed(term); // phase 1 failed late on some memory: a rival with a higher number is there
            return;
        }
        env.note("phase 1 with proposal " + r.propNr + " failed: a write was refused or a higher number is there");
        r.abandon();
        recovery = null;
        role = Role.FOLLOWER; // lines 17–18: try again on a later tick if still named
        flushQueued();
        learner.poll();
    }

    void deposed(LeaderTerm t) {
        deposed(t, "a write was refused (another process took the write permission, or the memory restarted empty)");
    }

    private void deposed(LeaderTerm t, String why) {
        if (t != term || role != Role.LEADER) {
            return;
        }
        env.note("deposed: " + why);
        if (recovery != null) {
            recovery.abandon();
            recovery = null;
        }
        role = Role.FOLLOWER;
        term.end();
        term = null;
        flushQueued();
        learner.knowCommitted(applied);
        learner.poll();
    }

    /**
     * Whether this process runs its heartbeat failure detector; the explorer's adapter
     * ({@link LogSlotConsensus}) plays Ω itself instead, through {@link #onOmega}.
     */
    boolean runsFailureDetector() {
        return true;
    }

    // ---- mutants: issue 7's kinds put back by tests ----

    /** Lines 19–20; a test overrides this to build the mutant that drops what phase 1 found. */
    boolean adoptsRecoveredEntries() {
        return true;
    }

    /** Kind 1 put back when true: phase 2 writes to, and counts acks from, memories it has not confirmed. */
    boolean countsUnconfirmedMemories() {
        return false;
    }

    /** Kind 3 (follower) put back when false: slot values are merged across reads taken at different times. */
    boolean learnsFromOneRead() {
        return true;
    }

    /**
     * Whether recovery waits until this instance has read every minProp from m − f_M memories, so
     * that its proposal number is above any an earlier incarnation used (a number that wrote an
     * entry was written into that process's minProp on a quorum first). A test overrides this to put
     * back the review's bug: a restarted process named by Ω at once reused its old number, and two
     * entries with one number and different commands stood in one slot.
     */
    boolean waitsForFirstRead() {
        return true;
    }

    /**
     * Whether a memory that restarted empty is left out of every quorum until a leader has copied
     * the log into it. A test overrides this to put back the bug of issue 8 item 2: an empty memory
     * counted as the old one, so a quorum can miss an acknowledged command.
     */
    boolean excludesRestartedMemories() {
        return true;
    }

    /**
     * Whether the catch-up of a restarted memory writes the slots in flight before its mark. A test
     * overrides this to put back the review's bug: the mark first, so the memory counted again
     * while it lacked a slot an earlier leader had committed ({@code RestartAttackTest}).
     */
    boolean catchUpMarksLast() {
        return true;
    }

    /**
     * Whether a reader stops at a position some memory no longer holds (its register holds a later
     * position, or the memory's mark says it was caught up from a later snapshot). A test overrides
     * this to build the mutant that takes such a register as empty and the entry from the other
     * memories read — which may be an older, never chosen one.
     */
    boolean stopsAtReusedPositions() {
        return true;
    }

    /** Kind 4 put back when true: p1 leads from the start with proposal 1 and no phase 1, as if it had never run before. */
    boolean p1SkipsPhaseOne() {
        return false;
    }
}
