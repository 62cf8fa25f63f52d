package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.Reply;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-made schedules against log compaction (review of {@link Snapshots}), n = m = 3, f_M = 1, a
 * log of 4 slots (snapshots every H = 2 positions), every replica's state machine the
 * {@link LogAdversarialSweepTest.SequenceMachine} (a snapshot that does not extend what a replica
 * applied throws). At most one memory is crashed or restarted-and-not-yet-marked at a time.
 * No violation found; these are the closest schedules, kept as regressions.
 */
class CompactionAttackTest {
    static final int S = 4;
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, S, 10 * Env.DELAY, 4, 5 * Env.DELAY, 4);
    static final int N = 3;
    static final int MARK = ReplicatedLog.joinedRegister(N, S);

    ManualWorld w;
    final ReplicatedLog[] logs = new ReplicatedLog[N + 1];
    /** Every incarnation's applied sequence. */
    final List<List<String>> replicas = new ArrayList<>();
    @SuppressWarnings("unchecked")
    final List<String>[] applied = new List[N + 1];
    final Map<String, Integer> acked = new LinkedHashMap<>();
    final List<String> outcomes = new ArrayList<>();

    ReplicatedLog.Config cfg = CFG;

    CompactionAttackTest() {
        init(CFG);
    }

    /** (Re)builds the world with {@code config}: p1 leads on all three memories, nothing written yet. */
    void init(ReplicatedLog.Config config) {
        cfg = config;
        w = new ManualWorld(N, 3, ReplicatedLog.layout(N, S));
        replicas.clear();
        acked.clear();
        outcomes.clear();
        for (int p = 1; p <= N; p++) {
            logs[p] = make(p);
            w.install(p, logs[p]);
            w.start(p);
        }
        w.settle(1_000, false); // first heartbeats and reads: Ω names p1, which runs phase 1 on all three and leads
        assertThat(logs[1].leading()).as(w.steps()).isTrue();
    }

    ReplicatedLog make(int p) {
        List<String> mine = new ArrayList<>();
        replicas.add(mine);
        applied[p] = mine;
        return new ReplicatedLog(w.env(p), cfg, new LogAdversarialSweepTest.SequenceMachine(mine));
    }

    void submit(int p, String c) {
        logs[p].submit(Bytes.utf8(c), o -> {
            outcomes.add(c + "@p" + p + " " + o);
            if (o instanceof ReplicatedLog.Outcome.Done(Bytes pos)) {
                acked.put(c, Integer.parseInt(pos.utf8()));
            }
        });
    }

    /** Submits c at leader p and runs p's operations on {@code mems} until nothing is pending there. */
    void commit(int p, String c, int... mems) {
        submit(p, c);
        for (int k = 0; k < 3; k++) {
            w.drain(p, mems);
        }
        assertThat(acked).as(outcomes + "\n" + w.steps()).containsKey(c);
    }

    void lead(int p, int... mems) {
        assertThat(logs[p].leading()).as("p" + p + " already leads").isFalse();
        logs[p].onOmega(p);
        for (int k = 0; k < 400 && !logs[p].leading(); k++) {
            for (int i : mems) {
                w.roundTrip(p, i);
            }
        }
        assertThat(logs[p].leading()).as(w.steps()).isTrue();
    }

    void restartMemory(int i) {
        if (!w.memory(i).crashed()) {
            w.crashMemory(i);
        }
        w.restartMemory(i, h -> ReplicatedLog.bootRestarted(h, N, S));
    }

    /** p restarts as a new instance that remembers nothing; its first heartbeat and read run on {@code mems}. */
    void restartProcess(int p, int... mems) {
        logs[p] = make(p);
        w.restart(p, logs[p]);
        w.start(p);
        for (int k = 0; k < 3; k++) {
            w.drain(p, mems);
        }
    }

    void follow(int p, int... mems) {
        for (int k = 0; k < 40; k++) {
            logs[p].learner().poll();
            w.drain(p, mems);
            w.drain(p, mems);
        }
    }

    boolean marked(int i) {
        return ReplicatedLog.joined(new Reply.Value(w.memory(i).peek(MARK)));
    }

    long base(int i) {
        return ReplicatedLog.base(new Reply.Value(w.memory(i).peek(MARK)));
    }

    /** The entry in the register of {@code position} on memory i (null if empty). */
    LogEntry entry(int i, long position) {
        return LogEntry.decode(w.memory(i).peek(ReplicatedLog.register(N, S, position)));
    }

    String command(LogEntry e) {
        List<Bytes> cs = Batch.decode(e.command());
        return cs.isEmpty() ? "no-op" : cs.get(0).utf8();
    }

    /** The index of the snapshot whose header is in buffer b of memory i, or -1. */
    long header(int i, int b) {
        Snapshots.Header h = Snapshots.Header.decode(new Reply.Value(w.memory(i).peek(Snapshots.header(N, S, b))), S);
        return h == null ? -1 : h.index();
    }

    String memories() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            sb.append("M").append(i).append(w.memory(i).crashed() ? " (crashed)" : "").append(" mark base ").append(base(i))
                    .append(marked(i) ? "" : " RESTARTED").append(" regs [");
            for (int r = 0; r < S; r++) {
                LogEntry e = LogEntry.decode(w.memory(i).peek(ReplicatedLog.register(N, S, r)));
                sb.append(e == null ? "-" : e.position() + ":" + command(e) + "@" + e.propNr()).append(r < S - 1 ? ", " : "");
            }
            sb.append("] buffers [").append(header(i, 0)).append(", ").append(header(i, 1)).append(", ").append(header(i, 2))
                    .append("]\n");
        }
        return sb.toString();
    }

    void trace(String what) {
        if (Boolean.getBoolean("attack.trace")) {
            System.out.println("== " + what + "\n" + memories() + "applied " + replicas + "\n");
        }
    }

    void assertSafe() {
        String violation = LogAdversarialSweepTest.check(replicas, acked);
        assertThat(violation).as(replicas + "\nacked " + acked + "\n" + outcomes + "\n" + memories() + w.steps()).isNull();
    }

    /**
     * Suspicions 1 and 4, a stale leader that keeps its permission on the third memory: p1
     * commits c0..c5 with M1 and M2 (snapshots 2, 4, 6 durable there; registers 0, 1 reused),
     * everything it sends M3 held. p2 recovers on M1 and M2 (its phase 1 on M3 held): it reads a
     * reused register at 0, installs 6, and its durableBound is 2 — below the real durable 6. It
     * commits d6..d11 on M1, M2 (snapshots 8, 10). Then p1's held operations on M3 run (it still
     * holds M3): its old positions and snapshots, and, since p1 still leads in its own eyes,
     * phantoms X6..X9 (proposal 1) in every register of M3 — a register of 8 or 9 there is a lower
     * proposal at a position p2 chose. p2's phase 1 on M3 lands (confirmed late: gets only the
     * slot in flight, position 12, so registers 1..3 of M3 keep p1's phantoms); M1 crashes;
     * follower p3 (applied 0) learns from M2 and M3, M1 restarts and is caught up by p3 as
     * leader, M2 crashes, and fresh incarnations of p1 and p2 learn from M1 and M3 only.
     */
    @Test
    void staleLeaderPhantomsOnTheMemoryItStillHolds() {
        for (int k = 0; k <= 5; k++) {
            commit(1, "c" + k, 1, 2);
        }
        assertThat(entry(1, 4).position()).isEqualTo(4);
        assertThat(header(1, 0)).as(memories()).isEqualTo(6);

        trace("p1 committed c0..c5 with M1, M2");
        lead(2, 1, 2);
        trace("p2 leads");
        assertThat(logs[2].applied()).as(memories() + w.steps()).isEqualTo(6); // installed 6 from M1/M2
        for (int k = 6; k <= 11; k++) {
            commit(2, "d" + k, 1, 2);
        }
        // p1's held writes land on M3, and p1, still leading in its eyes, writes phantoms there
        w.drain(1, 3);
        for (int k = 6; k <= 9; k++) {
            submit(1, "X" + k);
        }
        w.drain(1, 3);
        assertThat(command(entry(3, 8))).as(memories()).isEqualTo("X8");
        assertThat(entry(3, 8).position()).isEqualTo(8);
        assertThat(command(entry(2, 8))).as(memories()).isEqualTo("d8");
        assertThat(entry(2, 8).position()).isEqualTo(8);
        trace("p1's phantoms on M3");
        // p2 starts position 12 and its phase 1 on M3 lands: M3 confirmed late, gets 12 only
        submit(2, "d12");
        w.drain(2, 3);
        assertThat(entry(3, 9).position()).as(memories()).isEqualTo(9); // p1's phantom X9 stays
        trace("M3 confirmed late by p2");
        // M1 crashes; p2 commits with M2, M3
        w.crashMemory(1);
        w.drain(2, 2, 3);
        for (int k = 13; k <= 14; k++) {
            commit(2, "d" + k, 2, 3);
        }
        // follower p3 from position 0, on M2 and M3
        follow(3, 2, 3);
        assertSafe();
        assertThat(applied[3]).as(memories()).contains("d11");
        trace("p3 followed");
        // M1 restarts; p3 leads and catches it up
        restartMemory(1);
        lead(3, 1, 2, 3);
        for (int k = 0; k < 4; k++) {
            w.drain(3, 1, 2, 3);
        }
        assertThat(marked(1)).as(memories() + w.steps()).isTrue();
        trace("M1 caught up by p3");
        commit(3, "e0", 1, 2, 3);
        w.drain(2, 1, 2, 3); // p2's leftovers: refused, deposed
        w.drain(1, 1, 2);
        // M2 crashes: M1 (caught up) and M3 (p1's phantoms below p3's) remain; fresh p1, p2 learn
        w.crashMemory(2);
        commit(3, "e1", 1, 3);
        restartProcess(1, 1, 3);
        restartProcess(2, 1, 3);
        follow(1, 1, 3);
        follow(2, 1, 3);
        trace("end");
        assertSafe();
        assertThat(applied[1]).as(memories()).contains("e0");
        assertThat(applied[2]).as(memories()).contains("e0");
    }

    /**
     * Suspicions 3 and 4 with RestartAttack2Test's lower leader: M1 restarts empty. p2 (proposal
     * 2) leads on M2, M3 with X at position 0, its writes held, and its phase 1 on M1 held; p3
     * (3) leads on M2, M3, passes phase 1 on M1 (restarted: joining) and its catch-up there is
     * held; p3 commits Y0..Y7 on M2, M3 (snapshots up to 8, every register reused). p2's phase 1
     * on M1 lands (p3's minProp there is ignored: M1 is unmarked), so p2 catches M1 up from its
     * own snapshot 0, feeds X at 0 and marks M1 with base 0: M1 counts again holding a stale
     * snapshot and a never-chosen X at a position where Y0 was chosen and then reused. Both
     * leaders are refused; M2 crashes; p1 (applied 0) learns and leads on M1 and M3, and fresh
     * p2, p3 learn there.
     */
    @Test
    void lowerLeaderMarksARestartedMemoryWithAStaleSnapshot() {
        restartMemory(1);
        lead(2, 2, 3);
        submit(2, "X"); // position 0, to M2, M3: held
        lead(3, 2, 3);
        for (int k = 0; k < 4; k++) { // p3's phase 1 on M1: restarted, joining; its catch-up is issued, held
            w.roundTrip(3, 1);
        }
        assertThat(w.pending(3, 1)).as(w.steps()).isPositive();
        for (int k = 0; k <= 7; k++) {
            commit(3, "Y" + k, 2, 3);
        }
        trace("p3 committed Y0..Y7 on M2, M3");
        w.drain(2, 1); // p2's phase 1 on M1, its catch-up from snapshot 0, X fed, the mark
        trace("p2 marked M1");
        assertThat(marked(1)).as(memories() + w.steps()).isTrue();
        assertThat(base(1)).isZero();
        assertThat(command(entry(1, 0))).isEqualTo("X");
        w.drain(3, 1);
        w.drain(2, 2, 3);
        assertThat(logs[2].leading()).isFalse();
        assertThat(logs[3].leading()).isFalse();
        submit(1, "P"); // p1 still leads from the start in its own eyes: refused, deposed
        w.drain(1, 1, 2, 3);
        assertThat(logs[1].leading()).isFalse();
        w.crashMemory(2);
        follow(1, 1, 3);
        assertSafe();
        lead(1, 1, 3);
        commit(1, "Z", 1, 3);
        commit(1, "Z2", 1, 3);
        trace("p1 leads on M1, M3");
        restartProcess(2, 1, 3);
        restartProcess(3, 1, 3);
        follow(2, 1, 3);
        follow(3, 1, 3);
        trace("end");
        assertSafe();
        assertThat(applied[1]).as(memories()).containsExactly("Y0", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "Z2");
        assertThat(applied[2]).startsWith("Y0", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z");
        assertThat(applied[3]).startsWith("Y0", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z");
    }

    /**
     * Suspicion 3, the catch-up racing with reuse (reads of one slot, so the leader outruns the
     * copy): M1 restarts; p2 leads on M2, M3 and commits f0..f2 (snapshot 2); its phase 1 on M1
     * lands, so it catches M1 up from snapshot 2 and copies slot by slot while it commits a
     * command per step. The copy meets a register the leader reused and starts again from a
     * newer snapshot, more than once; when the commands stop, M1 is marked with a base above 2.
     * Then M2 crashes: the leader goes on with M1 and M3, a follower and a fresh incarnation
     * learn there, and a new leader recovers there.
     */
    @Test
    void catchUpRacesWithReuse() {
        init(new ReplicatedLog.Config(1, S, 10 * Env.DELAY, 4, 5 * Env.DELAY, 1));
        restartMemory(1);
        lead(2, 2, 3);
        for (int k = 0; k <= 2; k++) {
            commit(2, "f" + k, 2, 3);
        }
        for (int k = 0; k < 4; k++) { // four commands in flight to M2, M3, not executed yet
            submit(2, "g" + k);
        }
        for (int k = 0; k < 4; k++) { // p2's phase 1 on M1: joining; catch-up from snapshot 2 begins, its read queued behind them
            w.roundTrip(2, 1);
        }
        trace("catch-up begins");
        long[] snapshotsOnM1 = new long[64];
        int seen = 0;
        for (int step = 4; step < 60 && !marked(1); step++) {
            submit(2, "g" + step);
            for (int i = 1; i <= 3; i++) {
                w.exec(2, i);
                w.reply(2, i);
            }
            long b = Math.max(header(1, 0), Math.max(header(1, 1), header(1, 2)));
            if (seen == 0 || snapshotsOnM1[seen - 1] != b) {
                snapshotsOnM1[seen++] = b;
            }
        }
        for (int k = 0; k < 6; k++) {
            w.drain(2, 1, 2, 3);
        }
        trace("M1 caught up");
        assertThat(marked(1)).as(memories() + outcomes).isTrue();
        assertThat(seen).as(java.util.Arrays.toString(snapshotsOnM1)).isGreaterThan(1);
        assertThat(base(1)).as("the copy started again from a newer snapshot; " + memories()).isGreaterThan(2);
        assertThat(logs[2].leading()).isTrue();
        w.crashMemory(2);
        for (int k = 0; k < 3; k++) {
            commit(2, "h" + k, 1, 3);
        }
        follow(3, 1, 3);
        assertSafe();
        assertThat(applied[3]).contains("h2");
        restartProcess(1, 1, 3);
        follow(1, 1, 3);
        lead(3, 1, 3);
        commit(3, "i0", 1, 3);
        commit(3, "i1", 1, 3);
        commit(3, "i2", 1, 3);
        follow(1, 1, 3);
        trace("end");
        assertSafe();
        // (reading one slot at a time, a follower learns a commit point only from snapshots: it
        // reached p3's snapshot, and stops below i0, whose commit point is in the next slot)
        assertThat(applied[1]).as(logs[1].status().toString()).contains("h2");
    }
}
