package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Pfor;
import dev.mnm.core.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a follower learns committed entries: it reads the log from m − f_M memories and applies
 * slots below the commit point it knew <em>before</em> that read began, taking each slot's value
 * from the entry with the highest proposal number in that one read.
 *
 * <p>Invariant: slot s committed with value v at proposal b0 means a quorum Q0 of memories held an
 * entry (b0, v) at s; afterwards no memory's entry at s is overwritten except by a leader with a
 * higher proposal number (a lower one has lost the permission, and the log's leaders write only to
 * memories they confirmed), and every leader above b0 writes v at s (Paxos, by phase 1). A read
 * issued after s was known committed covers a quorum that meets Q0, so its highest entry at s has
 * a number ≥ b0 and the value v. A commit point is a fact that stays true, so it may come from any
 * earlier read; values never do — the bug of issue 7 kind 3 was to merge slot values across reads
 * taken at different times and apply one from before the commit.
 */
final class Learner {
    private final Env env;
    private final ReplicatedLog log;
    private final int n;
    private final int quorum;
    private long knownCommit;
    private boolean polling;
    /** The pause before the next read: {@code poll}, doubled after each read that found nothing new. */
    private long pause;
    static final byte HOLDS_LOG = 1;
    static final byte RESTARTED = 2;
    /** Per memory, what its joined mark said at this follower's last read: 0 not read yet. */
    final byte[] marks;
    /** Slots per read ({@link #adaptSpan}). */
    private int span;
    /** The next read, if one is scheduled. */
    private Env.Timer next;
    /** Only the mutant of {@link ReplicatedLog#learnsFromOneRead()} keeps entries across reads. */
    private final Map<Long, LogEntry> stale = new HashMap<>();

    Learner(Env env, ReplicatedLog log, int quorum) {
        this.env = env;
        this.log = log;
        this.n = env.processes();
        this.quorum = quorum;
        this.span = log.config().chunk();
        this.marks = new byte[env.memories() + 1];
    }

    long knownCommit() {
        return knownCommit;
    }

    /** A commit point learned elsewhere (for example what this process applied as leader). */
    void knowCommitted(long commit) {
        knownCommit = Math.max(knownCommit, commit);
    }

    /**
     * Slots per read: {@code chunk}, halved while a read brings more than 2 MiB of entries (large
     * commands: one read of 64 slots of 300 KB would keep a memory node busy long enough to delay
     * everyone's heartbeats there), doubled back while reads bring less than 512 KiB. Liveness only.
     */
    private void adaptSpan(Map<Long, LogEntry> read) {
        long bytes = 0;
        for (LogEntry e : read.values()) {
            bytes += e.command().length();
        }
        if (bytes > 2L << 20) {
            span = Math.max(1, span / 2);
        } else if (bytes < 512L << 10) {
            span = Math.min(log.config().chunk(), span * 2);
        }
    }

    /** Starts the read loop if it has stopped (no read in flight, none scheduled); for periodic nudges. */
    void nudge() {
        if (!polling && next == null) {
            poll();
        }
    }

    /** One read of the log now and what it allows to apply; then the next after a pause. One loop at a time. */
    void poll() {
        if (polling || !log.following()) {
            return;
        }
        if (next != null) {
            next.cancel();
            next = null;
        }
        polling = true;
        long from = log.applied();
        long committedBefore = knownCommit;
        read(env, n, quorum, log.config(), from, span, log.excludesRestartedMemories(), marks, fresh -> {
            polling = false;
            if (!log.following()) {
                return;
            }
            for (LogEntry e : fresh.values()) {
                knownCommit = Math.max(knownCommit, e.commit());
            }
            Map<Long, LogEntry> chunk = fresh;
            long committed = committedBefore;
            if (!log.learnsFromOneRead()) { // the mutant: values merged across reads, the commit point of this one
                fresh.forEach((s, e) -> stale.merge(s, e, (a, b) -> a.propNr() >= b.propNr() ? a : b));
                chunk = stale;
                committed = knownCommit;
            }
            long s = from;
            while (s < committed && chunk.containsKey(s)) {
                log.apply(s, chunk.get(s).command());
                s++;
            }
            adaptSpan(fresh);
            boolean more = knownCommit > log.applied() && s > from;
            boolean idle = s == from && knownCommit == committedBefore;
            ReplicatedLog.Config cfg = log.config();
            pause = idle ? Math.min(cfg.idlePoll(), Math.max(cfg.poll(), 2 * pause)) : cfg.poll();
            next = env.setTimer(more ? 0 : pause, () -> {
                next = null;
                poll();
            });
        });
    }

    /**
     * Reads slots [from, from + chunk) from m − f_M memories that hold the log; per slot, the valid
     * entry with the highest proposal number among the replies. On each memory the
     * {@link ReplicatedLog#joinedRegister} is read first (per-memory order keeps it first): a
     * memory that restarted empty and has not been caught up is left out, since its empty slots
     * could hide a committed entry behind an older one elsewhere. A memory that was caught up when
     * that first read executed still is when the slots are read.
     */
    static void read(Env env, int n, int quorum, ReplicatedLog.Config cfg, long from, int span, boolean excludeRestarted,
                     byte[] marks, Consumer<Map<Long, LogEntry>> then) {
        int count = (int) Math.min(span, cfg.slots() - from);
        if (count <= 0) {
            then.accept(Map.of());
            return;
        }
        Map<Long, LogEntry> best = new HashMap<>();
        Pfor.run(env, quorum, it -> readMarked(env, it.memory(), n, cfg.slots(), from, count, (holdsLog, r) -> {
            marks[it.memory()] = holdsLog ? HOLDS_LOG : RESTARTED;
            if (holdsLog || !excludeRestarted) {
                merge(best, from, r);
                it.done();
            }
        }), () -> then.accept(Map.copyOf(best)));
    }

    /** What one memory answered: whether its mark said it holds the log, and its slots. */
    interface MarkedRead {
        void accept(boolean holdsLog, Reply slots);
    }

    /**
     * Reads memory i's {@link ReplicatedLog#joinedRegister}, then its slots [from, from + count):
     * per-memory order keeps the mark first, so if it said the memory holds the log, the memory
     * still held it when the slots were read. Every read of slot values goes through here.
     */
    static void readMarked(Env env, int i, int n, int slots, long from, int count, MarkedRead then) {
        boolean[] holdsLog = new boolean[1];
        env.memory(i, new MemoryOp.Read(ReplicatedLog.LOG_REGION, ReplicatedLog.joinedRegister(n, slots)),
                j -> holdsLog[0] = ReplicatedLog.joined(j));
        env.memory(i, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, n + (int) from, count),
                r -> then.accept(holdsLog[0], r));
    }

    /** Adds the valid entries of a read of slots from {@code from}, keeping per slot the highest proposal number. */
    static void merge(Map<Long, LogEntry> best, long from, Reply r) {
        if (r instanceof Reply.Values(List<Bytes> vs)) {
            for (int k = 0; k < vs.size(); k++) {
                LogEntry e = LogEntry.decode(vs.get(k));
                if (e != null) {
                    best.merge(from + k, e, (a, b) -> a.propNr() >= b.propNr() ? a : b);
                }
            }
        }
    }
}
