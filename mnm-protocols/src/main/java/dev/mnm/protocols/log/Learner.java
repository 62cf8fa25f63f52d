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
 * taken at different times and apply one from before the commit. So when a read's window is full
 * of entries none of which carries a commit point above the applied one (a leader wrote more than
 * a window at once, then went idle), the follower reads further ahead for the commit point alone
 * (liveness: it stayed behind for good before; the delay-bounded explorer found it).
 *
 * <p>With compaction the register of s also holds later positions s + kS once a snapshot above s
 * is durable ({@link Snapshots}); if Q0's memory in the read has moved on so, the other entries
 * read for s may be older, never chosen ones, so the read stops at s ({@link Chunk#reused}) and the
 * follower installs a snapshot instead. The same holds for a memory caught up from a snapshot at
 * position b ({@link ReplicatedLog#base}): it holds nothing below b.
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
    /**
     * How far past the applied point the next read starts: 0, or while every slot read held an
     * entry and none carried a commit point above the applied one, a span further each read.
     */
    private long ahead;
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
        long at = from + ahead;
        read(env, n, quorum, log.config(), at, span, log.excludesRestartedMemories(), log.stopsAtReusedPositions(), marks, read -> {
            polling = false;
            if (!log.following()) {
                return;
            }
            if (log.applied() != from) { // it led, or installed a snapshot, while this read was out: read again
                ahead = 0;
                schedule(0);
                return;
            }
            Map<Long, LogEntry> fresh = read.best;
            for (LogEntry e : fresh.values()) {
                knownCommit = Math.max(knownCommit, e.commit());
            }
            boolean full = fresh.size() == span && read.reused >= at + span;
            if (ahead > 0) { // a read only for a commit point (values come from a read that starts after it is known)
                boolean found = knownCommit > from;
                ahead = found || !full ? 0 : ahead + span;
                if (!found && ahead == 0) { // the end of the log, and nothing committed: idle
                    ReplicatedLog.Config cfg = log.config();
                    pause = Math.min(cfg.idlePoll(), Math.max(cfg.poll(), 2 * pause));
                }
                schedule(found || ahead > 0 ? 0 : pause);
                return;
            }
            if (full && knownCommit <= from) {
                // every slot read holds an entry, none says one is committed: the commit point is in a
                // later entry (a leader wrote more than a read's span at once, then went idle) — read on
                ahead = span;
                schedule(0);
                return;
            }
            Map<Long, LogEntry> chunk = fresh;
            long committed = committedBefore;
            if (!log.learnsFromOneRead()) { // the mutant: values merged across reads, the commit point of this one
                fresh.forEach((s, e) -> stale.merge(s, e, (a, b) -> a.propNr() >= b.propNr() ? a : b));
                chunk = stale;
                committed = knownCommit;
            }
            long s = from;
            while (s < committed && s < read.reused && chunk.containsKey(s)) {
                log.apply(s, chunk.get(s).command());
                s++;
            }
            if (s == from && read.reused == from && log.compacts()) {
                fetchSnapshot(read.baseAbove);
                return;
            }
            adaptSpan(fresh);
            boolean more = knownCommit > log.applied() && s > from;
            boolean idle = s == from && knownCommit == committedBefore;
            ReplicatedLog.Config cfg = log.config();
            pause = idle ? Math.min(cfg.idlePoll(), Math.max(cfg.poll(), 2 * pause)) : cfg.poll();
            schedule(more ? 0 : pause);
        });
    }

    private void schedule(long delay) {
        next = env.setTimer(delay, () -> {
            next = null;
            poll();
        });
    }

    /**
     * The next position this follower needs is gone from the log (a memory holds a later position
     * in its register, or was caught up from a later snapshot): read a snapshot above what it has
     * applied from the memories ({@link Snapshots#fetch}; from memory {@code hint} if one was caught
     * up from a later snapshot, else from any m − f_M) and install it; try again after a pause if
     * none was found.
     */
    private void fetchSnapshot(int hint) {
        polling = true;
        ReplicatedLog.Config cfg = log.config();
        Snapshots.fetch(env, n, cfg.slots(), hint, quorum, log.applied(), SNAPSHOT_TIMEOUT_POLLS * cfg.idlePoll(), snap -> {
            polling = false;
            if (!log.following()) {
                return;
            }
            boolean installed = snap != null && snap.index() > log.applied();
            if (installed) {
                log.install(snap);
                knowCommitted(snap.index());
            }
            schedule(installed ? 0 : cfg.idlePoll());
        });
    }

    /** How long a snapshot read may take, in idle polls, before it is given up and tried again (liveness only). */
    static final int SNAPSHOT_TIMEOUT_POLLS = 50;

    /**
     * What one read of positions [from, from + count) found on m − f_M memories: per position the
     * valid entry for that position with the highest proposal number; the first position some
     * memory no longer holds ({@code reused}: its register holds a later position, or the memory
     * was caught up from a snapshot above it); the highest position any register held.
     */
    static final class Chunk {
        final long from;
        final Map<Long, LogEntry> best = new HashMap<>();
        long reused = Long.MAX_VALUE;
        long highest = -1;
        /** A memory caught up from a snapshot above {@code from}, or 0. */
        int baseAbove;

        /** Only a mutant ({@link ReplicatedLog#stopsAtReusedPositions}) takes a reused register as an empty one. */
        private final boolean stopsAtReused;

        Chunk(long from, boolean stopsAtReused) {
            this.from = from;
            this.stopsAtReused = stopsAtReused;
        }

        void add(int memory, long base, Reply r) {
            if (base > from && stopsAtReused) {
                reused = Math.min(reused, from);
                baseAbove = memory;
            }
            if (!(r instanceof Reply.Values(List<Bytes> vs))) {
                return;
            }
            for (int k = 0; k < vs.size(); k++) {
                long s = from + k;
                LogEntry e = LogEntry.decode(vs.get(k));
                if (e == null) {
                    continue;
                }
                highest = Math.max(highest, e.position());
                if ((e.position() > s || s < base) && stopsAtReused) {
                    reused = Math.min(reused, s);
                } else if (e.position() == s) {
                    best.merge(s, e, (a, b) -> a.propNr() >= b.propNr() ? a : b);
                }
            }
        }
    }

    /**
     * Reads positions [from, from + span) (not past the end of the slot registers) from m − f_M
     * memories that hold the log. On each memory the {@link ReplicatedLog#joinedRegister} is read
     * first (per-memory order keeps it first): a memory that restarted empty and has not been
     * caught up is left out, since its empty slots could hide a committed entry behind an older one
     * elsewhere. A memory that was caught up when that first read executed still is when the slots
     * are read.
     */
    static void read(Env env, int n, int quorum, ReplicatedLog.Config cfg, long from, int span, boolean excludeRestarted,
                     boolean stopsAtReused, byte[] marks, Consumer<Chunk> then) {
        int count = ReplicatedLog.count(span, cfg.slots());
        Chunk chunk = new Chunk(from, stopsAtReused);
        Pfor.run(env, quorum, it -> readMarked(env, it.memory(), n, cfg.slots(), from, count, (holdsLog, base, r) -> {
            marks[it.memory()] = holdsLog ? HOLDS_LOG : RESTARTED;
            if (holdsLog || !excludeRestarted) {
                chunk.add(it.memory(), base, r);
                it.done();
            }
        }), () -> then.accept(chunk));
    }

    /** What one memory answered: whether its mark said it holds the log, from which position, and its slots. */
    interface MarkedRead {
        void accept(boolean holdsLog, long base, Reply slots);
    }

    /**
     * Reads memory i's {@link ReplicatedLog#joinedRegister}, then the registers of positions
     * [from, from + count) (count ≤ S): per-memory order keeps the mark first, so if it said the
     * memory holds the log, the memory still held it when the slots were read. A range that passes
     * the last slot register goes on at the first, in a second read right after. (Reading only to
     * the last register left a follower stuck just before each wrap: it learns the commit point
     * from later entries, and never read one.) Every read of slot values goes through here.
     */
    static void readMarked(Env env, int i, int n, int slots, long from, int count, MarkedRead then) {
        Reply[] mark = new Reply[1];
        env.memory(i, new MemoryOp.Read(ReplicatedLog.LOG_REGION, ReplicatedLog.joinedRegister(n, slots)),
                j -> mark[0] = j);
        int first = (int) Math.min(count, slots - from % slots);
        if (first == count) {
            env.memory(i, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, ReplicatedLog.register(n, slots, from), count),
                    r -> then.accept(ReplicatedLog.joined(mark[0]), ReplicatedLog.base(mark[0]), r));
            return;
        }
        Reply[] head = new Reply[1];
        env.memory(i, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, ReplicatedLog.register(n, slots, from), first),
                r -> head[0] = r);
        env.memory(i, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, ReplicatedLog.register(n, slots, from + first),
                count - first), r -> {
            Reply both = r;
            if (head[0] instanceof Reply.Values(List<Bytes> a) && r instanceof Reply.Values(List<Bytes> b)) {
                List<Bytes> all = new java.util.ArrayList<>(a);
                all.addAll(b);
                both = new Reply.Values(all);
            } else if (!(head[0] instanceof Reply.Values)) {
                both = head[0];
            }
            then.accept(ReplicatedLog.joined(mark[0]), ReplicatedLog.base(mark[0]), both);
        });
    }
}
