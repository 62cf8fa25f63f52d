package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hand-made schedules against the follower's read-ahead ({@link Learner#poll}): n = m = 3,
 * f_M = 1, reads of 2 slots, so four slots written at once by a leader fill a read window with
 * entries that carry no commit point above the follower's applied one.
 */
class LearnerAheadAttackTest {
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, 16, 10 * Env.DELAY, 4, 5 * Env.DELAY, 2);
    static final int N = 3;

    ManualWorld w;
    final ReplicatedLog[] logs = new ReplicatedLog[N + 1];
    final List<List<String>> seqs = new ArrayList<>();
    @SuppressWarnings("unchecked")
    final List<String>[] applied = new List[N + 1];
    final Map<String, Integer> acked = new HashMap<>();
    final List<String> outcomes = new ArrayList<>();

    LearnerAheadAttackTest() {
        w = new ManualWorld(N, 3, ReplicatedLog.layout(N, CFG.slots()));
        for (int p = 1; p <= N; p++) {
            List<String> mine = new ArrayList<>();
            seqs.add(mine);
            applied[p] = mine;
            logs[p] = new ReplicatedLog(w.env(p), CFG, new LogAdversarialSweepTest.SequenceMachine(mine));
            w.install(p, logs[p]);
            w.start(p);
        }
        w.settle(1_000, false); // Ω names p1, which runs phase 1 on all three and leads
        assertThat(logs[1].leading()).as(w.steps()).isTrue();
    }

    void submit(int p, String c) {
        logs[p].submit(Bytes.utf8(c), o -> {
            outcomes.add(c + "@p" + p + " " + o);
            if (o instanceof ReplicatedLog.Outcome.Done(Bytes pos)) {
                acked.put(c, Integer.parseInt(pos.utf8()));
            }
        });
    }

    void lead(int p, int... mems) {
        for (int attempt = 0; attempt < 3 && !logs[p].leading(); attempt++) { // a failed phase 1 saw the higher number
            logs[p].onOmega(p);
            for (int k = 0; k < 400 && !logs[p].leading(); k++) {
                for (int i : mems) {
                    w.roundTrip(p, i);
                }
            }
        }
        assertThat(logs[p].leading()).as(w.steps()).isTrue();
    }

    /** Reads of follower p until nothing changes, each a poll and round trips on {@code mems}. */
    void follow(int p, int... mems) {
        for (int k = 0; k < 40; k++) {
            logs[p].learner().poll();
            for (int r = 0; r < 3; r++) {
                w.drain(p, mems);
            }
        }
    }

    void assertSafe() {
        assertThat(LogAdversarialSweepTest.check(seqs, acked)).as(seqs + "\n" + outcomes + "\n" + w.steps()).isNull();
    }

    /** p1 writes c0..c3 at once (each carries commit point 0), all acknowledged, then c4 (commit point 4). */
    private void burstThenOne() {
        for (int k = 0; k < 4; k++) {
            submit(1, "c" + k);
        }
        w.drain(1, 1, 2, 3);
        w.drain(1, 1, 2, 3);
        submit(1, "c4");
        w.drain(1, 1, 2, 3);
    }

    /**
     * The liveness bug the change fixes: p1 writes c0..c3 at once (each carries commit point 0),
     * all acknowledged, then c4 (commit point 4), and goes idle. Follower p3's window [0, 2) is
     * full and says nothing is committed; it must read on to c4's commit point and apply c0..c3.
     */
    @Test
    void aFollowerReadsPastAFullWindowToTheCommitPoint() {
        burstThenOne();
        assertThat(acked).containsKeys("c0", "c1", "c2", "c3", "c4");
        follow(3, 1, 2, 3);
        assertSafe();
        assertThat(applied[3]).as(w.steps()).containsExactly("c0", "c1", "c2", "c3");
    }

    /**
     * Safety: the full window is a deposed leader's never-chosen entries. p1 (deposed) writes
     * W0..W3 on M3 only. p2 leads on M1, M2 and commits V0..V4 one by one (V_k carries commit
     * point k). Follower p3's first read reaches M1 before V0 lands and M3: it sees W0, W1 — a full
     * window, commit point 0 — and reads ahead at [2, 4), on M1 (V2, V3: commit point 3) and M3
     * (W2, W3). It must apply V0.. (from a later read), never a W.
     */
    @Test
    void aWindowFullOfADeposedLeadersEntriesIsNeverApplied() {
        for (int k = 0; k < 4; k++) {
            submit(1, "W" + k);
        }
        for (int k = 0; k < 4; k++) {
            w.exec(1, 3); // W0..W3 land on M3 only
        }
        lead(2, 1, 2);
        // p3's read at [0, 2): on M1 now (empty), on M3 (W0, W1)
        logs[3].learner().poll();
        w.exec(3, 1);
        w.exec(3, 1);
        w.exec(3, 3);
        w.exec(3, 3);
        w.reply(3, 1);
        w.reply(3, 1);
        w.reply(3, 3);
        w.reply(3, 3);
        // p2 commits V0..V4 one by one on M1, M2
        for (int k = 0; k <= 4; k++) {
            submit(2, "V" + k);
            w.drain(2, 1, 2);
        }
        // the ahead read at [2, 4): M1 (V2, V3) and M3 (W2, W3)
        logs[3].learner().poll();
        w.drain(3, 1, 3);
        assertThat(applied[3]).as("an ahead read applies nothing").isEmpty();
        assertThat(logs[3].learner().knownCommit()).as(w.steps()).isGreaterThanOrEqualTo(3);
        // the next reads, on M3 (W) and M2 (its old reads first, then V)
        follow(3, 3, 2);
        assertSafe();
        assertThat(applied[3]).as(w.steps()).startsWith("V0", "V1", "V2", "V3").doesNotContain("W0", "W1", "W2", "W3");
        // the deposed p1's writes land and are refused
        w.drain(1, 1, 2, 3);
        follow(3, 1, 2, 3);
        assertSafe();
    }

    /**
     * Liveness across roles: p3's ahead read is out when Ω names it; the read returns while it
     * recovers (ahead is left as it was), p3 leads and applies c0..c4, and is deposed by p2. As a
     * follower again its first read starts at applied + the stale ahead. It must still learn what
     * p2 commits, and nothing forks.
     */
    @Test
    void anAheadReadLeftOutAcrossALeadershipDoesNotStallTheFollower() {
        burstThenOne();
        // p3's read at [0, 2): full, commit point 0 → an ahead read is issued
        logs[3].learner().poll();
        w.drain(3, 1, 2);
        logs[3].learner().poll(); // the ahead read at [2, 4): issued, not executed
        assertThat(w.pending(3, 1)).isPositive();
        lead(3, 1, 2, 3); // its ahead read's ops go first: it returns while p3 recovers
        for (int k = 0; k < 4; k++) {
            w.drain(3, 1, 2, 3);
        }
        assertThat(applied[3]).as(w.steps()).startsWith("c0", "c1", "c2", "c3", "c4");
        lead(2, 1, 2, 3);
        submit(3, "X"); // refused: p3 is deposed and follows again
        w.drain(3, 1, 2, 3);
        assertThat(logs[3].leading()).isFalse();
        for (int k = 0; k < 6; k++) {
            submit(2, "d" + k);
            w.drain(2, 1, 2, 3);
        }
        submit(1, "P"); // p1 still leads in its own eyes: refused, it follows
        w.drain(1, 1, 2, 3);
        assertThat(logs[1].leading()).isFalse();
        follow(3, 1, 2, 3);
        follow(1, 1, 2, 3);
        assertSafe();
        assertThat(applied[3]).as(w.steps()).contains("d4");
        assertThat(applied[1]).as(w.steps()).contains("d4");
    }
}
