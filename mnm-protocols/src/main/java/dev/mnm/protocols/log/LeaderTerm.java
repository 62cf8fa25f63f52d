package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A leader's term with proposal number b, after phase 1 (see {@link Recovery}): phase 2 of Alg. 6
 * (lines 21–24) per slot. The leader writes (b, commit point, batch) into the slot on every memory
 * it has <em>confirmed</em>, and the slot is chosen once m − f_M confirmed memories acknowledge:
 * one write round trip. Up to {@link ReplicatedLog#MAX_IN_FLIGHT} slots are written at once;
 * commands arriving meanwhile share the next slot. Chosen slots are applied in order.
 *
 * <p>Invariant: an acknowledgement counts only from a memory confirmed for b — b's own
 * changePermission, write of b and read of every minProp executed there in that order, with no
 * minProp above b — and the write was issued after that read returned. By the argument of
 * {@code ProtectedMemoryPaxos} (an ack from a confirmed memory precedes any later leader's phase-1
 * read there, or that leader's permission made it a nak), a later leader's phase 1 sees every
 * chosen entry on at least one memory of its quorum. A memory confirmed late gets every slot still
 * in flight, in slot order, before new ones. A nak means another process took the permission: the
 * term ends and every command in flight is answered {@code Unknown}.
 */
final class LeaderTerm {
    private final Env env;
    private final ReplicatedLog log;
    final long propNr;
    private final int n;
    private final int quorum;
    final boolean[] confirmed;
    private final boolean countsUnconfirmed;
    /** Per process, the highest minProp phase 1 read on a confirmed memory ({@link Recovery#proposals}). */
    final long[] proposals;
    private final CatchUp catchUp;
    /** A snapshot index known durable: positions below durable + S may be written ({@link Snapshots}). */
    long durable;
    /** The snapshot being written to the confirmed memories (null if none), and which of them acknowledged its header. */
    Snapshots.Snapshot writing;
    private long writingCrc;
    private boolean[] snapshotAcked;
    private int snapshotAcks;
    long commit;
    private long next;
    boolean over;
    private int unacked;
    final TreeMap<Long, Slot> inFlight = new TreeMap<>();
    private final ArrayDeque<Bytes> batchCommands = new ArrayDeque<>();
    private final ArrayDeque<Consumer<ReplicatedLog.Outcome>> batchDone = new ArrayDeque<>();

    /** One slot being written: its batch, the confirmed memories that acked, whom to tell. */
    static final class Slot {
        final Bytes batch;
        final List<Consumer<ReplicatedLog.Outcome>> dones;
        final boolean[] acked;
        int acks;

        Slot(Bytes batch, List<Consumer<ReplicatedLog.Outcome>> dones, int m) {
            this.batch = batch;
            this.dones = dones;
            this.acked = new boolean[m + 1];
        }
    }

    LeaderTerm(Env env, ReplicatedLog log, long propNr, boolean[] confirmed, long[] proposals, boolean countsUnconfirmed) {
        this.proposals = proposals;
        this.env = env;
        this.log = log;
        this.propNr = propNr;
        this.n = env.processes();
        this.quorum = env.memories() - log.config().fM();
        this.confirmed = confirmed.clone();
        this.catchUp = new CatchUp(env, log, this);
        this.countsUnconfirmed = countsUnconfirmed;
    }

    /**
     * Starts the term at slot {@code from} (this process's applied point): the slots phase 1 found
     * are written again with b, holes below the last found slot get no-ops (lines 19–21).
     * {@code durable} is a snapshot index phase 1 knows durable ({@code Recovery#durableBound}); if
     * this process's own snapshot is later, it is written now.
     */
    void start(long from, Map<Long, Bytes> adopted, long last, long durable) {
        commit = from;
        next = from;
        this.durable = durable;
        if (log.compacts()) {
            snapshotTaken(log.localSnapshot());
        }
        for (long s = from; s <= last; s++) {
            Bytes found = adopted.get(s);
            issue(found != null ? found : Batch.encode(List.of()), List.of());
        }
    }

    /** Memory i restarted empty and b's phase 1 passed there: copy the log into it ({@link CatchUp}). */
    void catchUp(int i) {
        catchUp.start(i);
    }

    /**
     * Writes the snapshot being written to confirmed memory i — at its start, or when i is
     * confirmed later — and counts its header's acknowledgement. (A memory confirmed late that did
     * not get it could leave the snapshot short of m − f_M acknowledgements for good, and the
     * leader waiting for it: {@code CompactionAttackLivenessTest}.)
     */
    void sendSnapshot(int i) {
        Snapshots.Snapshot s = writing;
        Snapshots.write(env, n, log.config().slots(), i, s, writingCrc, this::naked, r -> {
            if (over) {
                return;
            }
            if (!(r instanceof Reply.Ack)) {
                log.deposed(this);
                return;
            }
            if (writing != s || snapshotAcked[i]) {
                return;
            }
            snapshotAcked[i] = true;
            if (++snapshotAcks == quorum) {
                durable = s.index();
                writing = null;
                flush();
            }
        });
    }

    /**
     * This process took the snapshot {@code s} (at a multiple of S / 2): if it is above the durable
     * one, write it to every confirmed memory; once m − f_M acknowledge its header it is durable and
     * positions up to s + S − 1 may be written. One snapshot is written at a time; a later one
     * replaces it when this one is durable (or at once, if this one is still being written: both
     * are above the durable one, and at most S / 2 apart, so in other buffers than it).
     */
    void snapshotTaken(Snapshots.Snapshot s) {
        catchUp.snapshotTaken(s);
        if (over || s.index() <= durable || writing != null && s.index() <= writing.index()) {
            return;
        }
        if (Snapshots.parts(s.state()) > Snapshots.partsPerBuffer(log.config().slots())) {
            env.note("the state takes " + s.state().length() + " bytes, more than a snapshot holds ("
                    + (long) Snapshots.partsPerBuffer(log.config().slots()) * Snapshots.PART_BYTES
                    + "): the log cannot reuse its slots");
            return;
        }
        writing = s;
        writingCrc = Snapshots.crc(s.state());
        snapshotAcked = new boolean[confirmed.length];
        snapshotAcks = 0;
        for (int i = 1; i < confirmed.length; i++) {
            if (confirmed[i]) {
                sendSnapshot(i);
            }
        }
    }

    void naked(Reply r) {
        if (!over && !(r instanceof Reply.Ack)) {
            log.deposed(this);
        }
    }

    /** Positions [from, from + count) read from m − f_M confirmed memories ({@link Learner.Chunk}). */
    void readConfirmed(long from, int count, Consumer<Learner.Chunk> then) {
        Learner.Chunk best = new Learner.Chunk(from, log.stopsAtReusedPositions());
        int[] answers = {0};
        for (int j = 1; j < confirmed.length; j++) {
            if (confirmed[j]) {
                int mem = j;
                Learner.readMarked(env, j, n, log.config().slots(), from, count, (holdsLog, base, r) -> {
                    if (over || answers[0] >= quorum) {
                        return;
                    }
                    if (!holdsLog) { // a confirmed memory restarted empty: step down; the next phase 1 catches it up
                        log.deposed(this);
                        return;
                    }
                    best.add(mem, base, r);
                    if (++answers[0] == quorum) {
                        then.accept(best);
                    }
                });
            }
        }
    }

    /** What this term knows of memory i, for operators. */
    String memoryState(int i) {
        return confirmed[i] ? "holds the log" : catchUp.under(i) ? "restarted empty, being caught up"
                : "not confirmed by this leader's phase 1";
    }

    /** Memory i was confirmed after the term began: it gets every slot in flight, in order. */
    void confirmLate(int i) {
        if (over || confirmed[i]) {
            return;
        }
        confirmed[i] = true;
        for (long s : inFlight.keySet()) {
            write(i, s);
        }
        if (writing != null) {
            sendSnapshot(i);
        }
    }

    void append(Bytes command, Consumer<ReplicatedLog.Outcome> done) {
        batchCommands.add(command);
        batchDone.add(done);
        flush();
    }

    private void flush() {
        while (!over && unacked < ReplicatedLog.MAX_IN_FLIGHT && !batchCommands.isEmpty()) {
            if (next >= durable + log.config().slots() && log.compacts()) {
                return; // the register of position next still holds a position no durable snapshot covers: wait for one
            }
            if (next >= log.config().slots() && !log.compacts()) {
                while (!batchDone.isEmpty()) {
                    batchCommands.poll();
                    batchDone.poll().accept(new ReplicatedLog.Outcome.Refused("the log is full: all " + log.config().slots()
                            + " slots are used, and the state machine takes no snapshots")); // nothing written
                }
                return;
            }
            List<Bytes> batch = new ArrayList<>();
            List<Consumer<ReplicatedLog.Outcome>> dones = new ArrayList<>();
            int bytes = 0;
            while (!batchCommands.isEmpty()
                    && (batch.isEmpty() || bytes + batchCommands.peek().length() <= ReplicatedLog.MAX_BATCH_BYTES)) {
                Bytes c = batchCommands.poll();
                bytes += c.length();
                batch.add(c);
                dones.add(batchDone.poll());
            }
            issue(Batch.encode(batch), dones);
        }
    }

    private void issue(Bytes batch, List<Consumer<ReplicatedLog.Outcome>> dones) {
        long s = next++;
        inFlight.put(s, new Slot(batch, dones, env.memories()));
        unacked++;
        for (int i = 1; i <= env.memories(); i++) {
            if (confirmed[i] || catchUp.feeding(i) || countsUnconfirmed) {
                write(i, s);
            }
        }
    }

    void write(int i, long s) {
        Slot slot = inFlight.get(s);
        Bytes entry = new LogEntry(s, propNr, commit, slot.batch).encode();
        env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, ReplicatedLog.register(n, log.config().slots(), s), entry), r -> {
            if (over) {
                return;
            }
            if (!(r instanceof Reply.Ack)) {
                log.deposed(this);
                return;
            }
            if (slot.acked[i] || !confirmed[i] && !countsUnconfirmed) { // a memory being caught up: not yet
                return;
            }
            slot.acked[i] = true;
            if (++slot.acks == quorum) {                                           // line 22
                unacked--;
                advance();
                flush();
            }
        });
    }

    /** Applies chosen slots in order. */
    private void advance() {
        while (!over && !inFlight.isEmpty() && inFlight.firstKey() == commit && inFlight.firstEntry().getValue().acks >= quorum) {
            Slot slot = inFlight.pollFirstEntry().getValue();
            List<Bytes> replies = log.apply(commit++, slot.batch);
            for (int k = 0; k < slot.dones.size(); k++) {
                slot.dones.get(k).accept(new ReplicatedLog.Outcome.Done(replies.get(k)));
            }
        }
    }

    /** Ends the term: commands in flight may or may not be chosen; those never written certainly are not. */
    void end() {
        if (over) {
            return;
        }
        over = true;
        for (Slot slot : inFlight.values()) {
            slot.dones.forEach(k -> k.accept(new ReplicatedLog.Outcome.Unknown("leadership lost while the command was in flight")));
        }
        inFlight.clear();
        while (!batchDone.isEmpty()) {
            batchCommands.poll();
            batchDone.poll().accept(new ReplicatedLog.Outcome.NotLeader(0));
        }
    }
}
