package dev.mnm.protocols.log;

import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import dev.mnm.core.Words;
import java.util.function.Consumer;

/**
 * A leader's catch-up of memories that restarted empty (issue 8 item 2), part of its
 * {@link LeaderTerm}: b's phase 1 passed on memory i, so b holds its permission there. The leader
 * writes into i its snapshot (with compaction), the minProps its phase 1 read, every committed
 * position from the snapshot on — each read from m − f_M confirmed memories after it was
 * committed (the {@link Learner}'s argument gives its chosen value) and written with b — then the
 * positions in flight, and last the mark (b and the snapshot index it holds the log from).
 *
 * <p>Invariant: per-memory order puts every copy before the mark, so whoever reads the mark and
 * then the slots sees the whole log from its base; i's acknowledgements count only once the mark
 * is acknowledged. If commits happen during the copy, the copy goes on until it has reached the
 * commit point; if the positions it copies are reused meanwhile, it starts again from a newer
 * snapshot; any nak ends the term.
 */
final class CatchUp {
    private final Env env;
    private final ReplicatedLog log;
    private final LeaderTerm term;
    private final int n;
    /** Memories being caught up. */
    private final boolean[] copying;
    /** Memories being caught up that get every slot written, but whose acknowledgements do not count yet. */
    private final boolean[] feeding;
    /** Memories waiting for a snapshot of this leader's at or above the durable one before their catch-up can begin. */
    private final boolean[] waitingForSnapshot;

    CatchUp(Env env, ReplicatedLog log, LeaderTerm term) {
        this.env = env;
        this.log = log;
        this.term = term;
        this.n = env.processes();
        this.copying = new boolean[env.memories() + 1];
        this.feeding = new boolean[env.memories() + 1];
        this.waitingForSnapshot = new boolean[env.memories() + 1];
    }

    /** Whether memory i gets every slot the term writes (its acknowledgements do not count yet). */
    boolean feeding(int i) {
        return feeding[i];
    }

    /** Whether memory i is being caught up. */
    boolean under(int i) {
        return copying[i] || feeding[i];
    }

    void start(int i) {
        if (term.over || term.confirmed[i] || copying[i] || feeding[i]) {
            return;
        }
        copying[i] = true;
        if (!log.compacts()) {
            copyProposals(i);
            copy(i, 0, 0);
            return;
        }
        Snapshots.Snapshot snap = log.localSnapshot();
        if (snap.index() < term.durable) { // positions below durable may be gone: wait for a snapshot at or above it
            waitingForSnapshot[i] = true;
            return;
        }
        Snapshots.write(env, n, log.config().slots(), i, snap, Snapshots.crc(snap.state()), term::naked, term::naked);
        copyProposals(i);
        copy(i, snap.index(), snap.index());
    }

    /** The leader took snapshot {@code s}: catch-ups that waited for a newer one begin again. */
    void snapshotTaken(Snapshots.Snapshot s) {
        for (int i = 1; i < waitingForSnapshot.length && !term.over; i++) {
            if (waitingForSnapshot[i] && s.index() >= term.durable) {
                waitingForSnapshot[i] = false;
                copying[i] = false;
                start(i);
            }
        }
    }

    /**
     * Writes into memory i, for every process, the highest minProp this leader's phase 1 read on
     * its confirmed memories. A number some process wrote on m − f_M memories that held the log was
     * among them (the quorums meet outside i, which did not hold it), so once i counts again that
     * number is still on m − f_M memories that hold the log, and a restarted process reading
     * minProps there picks a higher one ({@link FailureDetector}).
     */
    private void copyProposals(int i) {
        for (int q = 0; q < n; q++) {
            if (term.proposals[q] > 0) {
                env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, q, Words.ofLong(term.proposals[q])), term::naked);
            }
        }
    }

    /** Copies committed positions [from, commit) into memory i, which holds the log from {@code base}; then the rest. */
    private void copy(int i, long from, long base) {
        if (term.over) {
            return;
        }
        if (from >= term.commit) {
            // Everything committed is on its way; now the slots in flight (phase 1 adopted ones
            // among them, which an earlier leader may have committed), and every later slot, are
            // written to i too — all before the mark, which per-memory order executes last.
            if (!log.catchUpMarksLast()) { // the bug put back: mark, then confirm (slots in flight after the mark)
                mark(i, base, term::naked);
                copying[i] = false;
                term.confirmLate(i);
                return;
            }
            feeding[i] = true;
            for (long s : term.inFlight.keySet()) {
                term.write(i, s);
            }
            mark(i, base, r -> {
                if (term.over) {
                    return;
                }
                if (!(r instanceof Reply.Ack)) {
                    log.deposed(term);
                    return;
                }
                env.note("memory " + i + " restarted empty; the log is copied into it, it counts again");
                copying[i] = false;
                feeding[i] = false;
                term.confirmed[i] = true;
                if (term.writing != null) {
                    term.sendSnapshot(i);
                }
            });
            return;
        }
        int count = (int) Math.min(ReplicatedLog.count(log.config().chunk(), log.config().slots()), term.commit - from);
        term.readConfirmed(from, count, read -> {
            if (read.reused < from + count) { // gone: start again from a newer snapshot of this leader's, once it has one
                waitingForSnapshot[i] = log.localSnapshot().index() == base;
                if (!waitingForSnapshot[i]) {
                    copying[i] = false;
                    start(i);
                }
                return;
            }
            for (long s = from; s < from + count; s++) {
                LogEntry e = read.best.get(s);
                if (e == null) { // cannot be: a committed slot is on every quorum of memories holding the log
                    throw new IllegalStateException("committed slot " + s + " missing from a quorum read");
                }
                env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, ReplicatedLog.register(n, log.config().slots(), s),
                        new LogEntry(s, term.propNr, term.commit, e.command()).encode()), term::naked);
            }
            copy(i, from + count, base);
        });
    }

    /** Writes (b, base) into memory i's {@link ReplicatedLog#joinedRegister}: it holds the log from position base. */
    private void mark(int i, long base, Consumer<Reply> then) {
        env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, ReplicatedLog.joinedRegister(n, log.config().slots()),
                ReplicatedLog.mark(term.propNr, base)), then);
    }
}
