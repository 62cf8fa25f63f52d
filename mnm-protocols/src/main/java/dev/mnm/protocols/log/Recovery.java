package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Permission;
import dev.mnm.core.Reply;
import dev.mnm.core.Words;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Becoming leader: phase 1 of Alg. 6 (lines 11–20) for the whole unfinished suffix of the log at
 * once, with proposal number b above every number seen.
 *
 * <p>On every memory i, in this order and one operation at a time: take exclusive write
 * permission (line 13), write b into this process's minProp register (line 14), read every minProp
 * (line 15). Memory i is <em>confirmed</em> if the write acked and no minProp exceeds b (lines
 * 17–18); a failure on any memory, at any time, ends the attempt. Once m − f_M memories are
 * confirmed, the log is read from this process's applied point, chunk by chunk, from confirmed
 * memories only — each read issued after this process's permission there — until a chunk is empty
 * on every memory that answered; per slot the entry with the highest proposal number is adopted
 * (lines 19–20); an entry numbered above b also ends the attempt. Then the {@link LeaderTerm}
 * writes them all again with b (phase 2). A memory confirmed later joins the chunk read under way,
 * or the term.
 *
 * <p>Invariant: the reads that phase 1 adopts from were made on memories where b already held the
 * permission and had seen no higher minProp, so (the argument of {@code ProtectedMemoryPaxos}) any
 * entry a lower leader had chosen is among them on at least one memory of the quorum, and no lower
 * leader's write can land there afterwards. The bug of issue 7 kind 3 was to read the suffix from
 * any m − f_M memories, where a lower leader could still write.
 *
 * <p>Where the seed is silent: every process, p1 included, runs this before it leads — also at
 * start — because a process that restarted cannot know what it wrote before (issue 7 kind 4). Its
 * number b must also differ from every number an earlier incarnation used: {@link ReplicatedLog}
 * starts a recovery only after this instance has read every minProp from m − f_M memories, and b
 * is above all it read. That suffices: a number that wrote any entry was first written into its
 * process's minProp register on a quorum, which every quorum read meets, and only that process
 * writes the register, always upwards.
 */
final class Recovery {
    private final Env env;
    private final ReplicatedLog log;
    final long propNr;
    private final int n;
    private final int m;
    private final int quorum;
    private final boolean[] confirmed;
    /** Per process, the highest minProp read on a confirmed memory (for {@link CatchUp}). */
    final long[] proposals;
    /** Memories that restarted empty, where b's phase 1 passed: the term copies the log into them. */
    private final boolean[] joining;
    private int confirmedCount;
    private boolean over;
    private LeaderTerm term;
    // the chunk read under way
    private long chunkFrom = -1;
    private boolean[] asked;
    private int answers;
    private Learner.Chunk chunk;
    private int count;
    private final Map<Long, Bytes> adopted = new HashMap<>();
    private long last;
    /** The highest log position any register read held. */
    private long highest = -1;

    Recovery(Env env, ReplicatedLog log, long propNr) {
        this.env = env;
        this.log = log;
        this.propNr = propNr;
        this.n = env.processes();
        this.m = env.memories();
        this.quorum = m - log.config().fM();
        this.confirmed = new boolean[m + 1];
        this.proposals = new long[n];
        this.joining = new boolean[m + 1];
        this.last = log.applied() - 1;
    }

    void start() {
        for (int i = 1; i <= m; i++) {
            phase1(i);
        }
    }

    /**
     * Memory i restarted (a hint from the runtime: what was issued to the old memory is lost with
     * it): run phase 1 there again, so that a leader catches it up without waiting for a write to
     * be refused there. Liveness only: a second phase 1 on one memory is as safe as a late one.
     */
    void probe(int i) {
        if (!over && !confirmed[i]) {
            phase1(i);
        }
    }

    /** Lines 13–15 on memory {@code mem}, one operation at a time, then its joined mark. */
    private void phase1(int mem) {
        env.memory(mem, new MemoryOp.ChangePermission(ReplicatedLog.LOG_REGION,          // line 13
                Permission.exclusiveWriter(env.self(), n)), a -> {
            if (over) {
                return;
            }
            env.memory(mem, new MemoryOp.Write(ReplicatedLog.LOG_REGION, env.self() - 1,   // line 14
                    Words.ofLong(propNr)), w -> {
                if (over) {
                    return;
                }
                boolean wrote = w instanceof Reply.Ack;
                env.memory(mem, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, 0, n),     // line 15
                        r -> {
                            if (over) {
                                return;
                            }
                            env.memory(mem, new MemoryOp.Read(ReplicatedLog.LOG_REGION,
                                    ReplicatedLog.joinedRegister(n, log.config().slots())),
                                    j -> phase1Done(mem, wrote, r, ReplicatedLog.joined(j)));
                        });
            });
        });
    }

    /** Ends this attempt (a higher number was seen, or the process stopped leading). */
    void abandon() {
        over = true;
    }

    /**
     * Memory i finished phase 1 (lines 15–18). A memory that restarted empty ({@code holdsLog}
     * false) is neither confirmed nor a reason to stop: its minProp registers are empty, so they
     * say nothing, and its slots would hide committed entries; it counts only once the term has
     * copied the log into it ({@link CatchUp}).
     */
    private void phase1Done(int i, boolean wrote, Reply r, boolean holdsLog) {
        if (over || confirmed[i]) {
            return;
        }
        if (!holdsLog && log.excludesRestartedMemories()) {
            if (wrote) { // b holds the permission there: once leader, copy the log into it
                joining[i] = true;
                if (term != null) {
                    term.catchUp(i);
                }
            }
            return;
        }
        boolean ok = wrote && r instanceof Reply.Values;                                    // line 17
        if (r instanceof Reply.Values(List<Bytes> vs)) {
            for (Bytes v : vs) {
                long seen = FailureDetector.word(v);
                log.saw(seen);
                ok &= seen <= propNr;                                                       // line 18
            }
        }
        if (!ok) {
            log.recoveryFailed(this);
            return;
        }
        List<Bytes> vs = ((Reply.Values) r).values();
        for (int q = 0; q < n; q++) {
            proposals[q] = Math.max(proposals[q], FailureDetector.word(vs.get(q)));
        }
        confirmed[i] = true;
        confirmedCount++;
        if (term != null) {
            term.confirmLate(i);
        } else if (chunkFrom >= 0) {
            ask(i); // joins the chunk read under way
        } else if (confirmedCount == quorum) {                                              // line 16
            readChunk(log.applied());
        }
    }

    private void readChunk(long from) {
        count = ReplicatedLog.count(log.config().chunk(), log.config().slots());
        if (!log.compacts() && from >= log.config().slots()) {
            finish();
            return;
        }
        chunkFrom = from;
        asked = new boolean[m + 1];
        answers = 0;
        chunk = new Learner.Chunk(from, log.stopsAtReusedPositions());
        for (int i = 1; i <= m; i++) {
            if (confirmed[i]) {
                ask(i);
            }
        }
    }

    private void ask(int i) {
        if (asked[i]) {
            return;
        }
        asked[i] = true;
        long from = chunkFrom;
        Learner.readMarked(env, i, n, log.config().slots(), from, count, (holdsLog, base, r) -> {
            if (over || term != null || chunkFrom != from) {
                return;
            }
            if (!holdsLog && log.excludesRestartedMemories()) { // it restarted empty since it was confirmed: start again, and catch it up then
                log.recoveryFailed(this);
                return;
            }
            chunk.add(i, base, r);
            if (++answers == quorum) {
                chunkDone();
            }
        });
    }

    private void chunkDone() {
        highest = Math.max(highest, chunk.highest);
        if (chunk.reused < chunkFrom + count) {
            installSnapshot();
            return;
        }
        for (Map.Entry<Long, LogEntry> e : chunk.best.entrySet()) {
            LogEntry entry = e.getValue();
            log.saw(entry.propNr());
            if (entry.propNr() >= propNr) {
                log.recoveryFailed(this); // a leader numbered at least b wrote: b is not above every number
                return;
            }
            adopted.put(e.getKey(), entry.command());                                       // lines 19–20
            last = Math.max(last, e.getKey());
        }
        if (chunk.best.isEmpty()) {
            finish();
        } else {
            readChunk(chunkFrom + count);
        }
    }

    /**
     * A confirmed memory no longer holds a position this process has not applied (a later leader
     * reused its register, which it does only once a snapshot above that position is durable): install
     * a snapshot above the applied point and read the log again from there; if none is found, this
     * attempt fails and a later one tries again.
     */
    private void installSnapshot() {
        long above = log.applied();
        chunkFrom = -2; // no chunk read under way; late replies are ignored
        Snapshots.fetch(env, n, log.config().slots(), chunk.baseAbove, quorum, above,
                Learner.SNAPSHOT_TIMEOUT_POLLS * log.config().idlePoll(), snap -> {
                    if (over || term != null) {
                        return;
                    }
                    if (snap == null || snap.index() <= log.applied()) {
                        env.note("phase 1 needs a snapshot above position " + above + " and found none yet");
                        log.recoveryFailed(this);
                        return;
                    }
                    log.install(snap);
                    adopted.clear();
                    last = log.applied() - 1;
                    readChunk(log.applied());
                });
    }

    /**
     * A snapshot index that was durable when the highest position seen was written: a leader writes
     * position s only if it knows a durable snapshot above s − S, and snapshots stand at multiples of
     * S / 2, so one at the first multiple of S / 2 at or above highest − S + 1 was. The new term
     * starts from it ({@link LeaderTerm#start}).
     */
    private long durableBound() {
        long half = log.config().slots() / 2;
        long lowest = highest - log.config().slots() + 1;
        return lowest <= 0 ? 0 : (lowest + half - 1) / half * half;
    }

    private void finish() {
        chunkFrom = -1;
        term = log.becomeLeader(this, confirmed);
        term.start(log.applied(), log.adoptsRecoveredEntries() ? adopted : Map.of(), last, durableBound());
        for (int i = 1; i <= m; i++) {
            if (joining[i]) {
                term.catchUp(i);
            }
        }
        log.flushQueued();
    }
}
