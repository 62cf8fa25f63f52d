package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attacks on memory restarts (issue 8 item 2), against the real classes; n = m = 3, f_M = 1, and
 * at most one memory crashed or not yet caught up (not yet marked) at any time.
 *
 * <p>Found by a review: the catch-up marked a restarted memory as soon as it had copied the slots
 * below the leader's own commit point, and wrote the slots in flight — among them every slot phase
 * 1 adopted, which an earlier leader may have committed — only after the mark. A memory could so
 * count again while it lacked a committed slot (fixed: the slots in flight go first, and the
 * memory's acknowledgements count once its mark is there; {@code catchUpMarksLast() = false}
 * puts the bug back):
 * <ol>
 *   <li>p1 leads (proposal 1) and commits {@code A} in slot 0 with M1 and M2 (Done); its write on
 *       M3 is slow.</li>
 *   <li>M1 crashes and restarts empty (failure 1 of 1).</li>
 *   <li>p2 (applied 0) recovers with proposal 2: M1 joining, M2 and M3 confirmed; it adopts A from
 *       M2, leads, writes slot 0 to M2 and M3 (slow), and catches M1 up: commit point 0, so
 *       nothing is copied; the mark on M1 executes, its write of slot 0 there is slow. M1 is
 *       caught up (0 of 1 failed), and only M2 holds A.</li>
 *   <li>M2 crashes (1 of 1).</li>
 *   <li>p3 recovers with proposal 3 on M1 and M3 (both hold the log by their marks), finds slot 0
 *       empty on both, leads, and commits {@code B} in slot 0 (Done).</li>
 *   <li>The slow writes of p1 and p2 execute and are refused.</li>
 * </ol>
 * p1 applied A at slot 0 and p3 applied B: two acknowledged commands at one slot.
 */
class RestartAttackTest {
    static final ReplicatedLog.Config CFG = ScheduleBTest.CFG;

    record Result(List<List<String>> applied, List<String> outcomes, String steps) {}

    static Result markBeforeAdoptedSlots(boolean mutant) {
        ManualWorld w = new ManualWorld(3, 3, ReplicatedLog.layout(3, CFG.slots()));
        ReplicatedLog[] logs = new ReplicatedLog[4];
        List<List<String>> applied = new ArrayList<>();
        applied.add(null);
        for (int p = 1; p <= 3; p++) {
            List<String> mine = new ArrayList<>();
            applied.add(mine);
            ReplicatedLog.StateMachine sm = cmd -> {
                mine.add(cmd.utf8());
                return cmd;
            };
            logs[p] = mutant ? new ReplicatedLog(w.env(p), CFG, sm) {
                @Override
                boolean catchUpMarksLast() {
                    return false;
                }
            } : new ReplicatedLog(w.env(p), CFG, sm);
            w.install(p, logs[p]);
            w.start(p);
        }
        List<String> outcomes = new ArrayList<>();
        w.settle(1_000, false); // first heartbeats and reads: Ω names p1, which runs phase 1 and leads
        assertThat(logs[1].leading()).as(w.steps()).isTrue();

        // 1. p1 commits A in slot 0 with M1 and M2; its write on M3 stays in flight
        logs[1].submit(Bytes.utf8("A"), o -> outcomes.add("A " + o));
        w.roundTrip(1, 1);
        w.roundTrip(1, 2);
        assertThat(outcomes).as(w.steps()).containsExactly("A Done[reply=A]");

        // 2. M1 crashes and restarts empty: the one memory failed / not caught up
        w.crashMemory(1);
        w.restartMemory(1, h -> ReplicatedLog.bootRestarted(h, 3, CFG.slots()));

        // 3. p2 recovers with proposal 2: phase 1 on M1 (restarted: joining), M2 and M3 (confirmed)
        logs[2].onOmega(2);
        w.drain(2, 1); // permission, minProp, minProps, mark: M1 joins later
        assertThat(w.pending(2, 1)).isZero();
        for (int k = 0; k < 100 && !logs[2].leading(); k++) { // phase 1 on M2, M3; the suffix from both
            w.roundTrip(2, 2);
            w.roundTrip(2, 3);
        }
        assertThat(logs[2].leading()).as(w.steps()).isTrue();
        // p2 leads: slot 0 (A) in flight to M2 and M3, and to M1 with the catch-up's copies of the
        // minProps (p1's and p2's) and its mark. The adversary runs M1 only until the mark has
        // executed (the bug: the mark came before slot 0)
        assertThat(w.pending(2, 1)).isEqualTo(4);
        int mark = ReplicatedLog.joinedRegister(3, CFG.slots());
        while (!ReplicatedLog.joined(new dev.mnm.core.Reply.Value(w.memory(1).peek(mark)))) {
            w.exec(2, 1);
            w.reply(2, 1);
        }

        // 4. M2 crashes: again one memory failed; M1 and M3 both count
        w.crashMemory(2);

        // 5. p3 recovers with proposal 3 on M1 and M3, and commits B
        logs[3].onOmega(3);
        w.drain(3, 1, 3, 1, 3, 1, 3);
        assertThat(logs[3].leading()).as(w.steps()).isTrue();
        logs[3].submit(Bytes.utf8("B"), o -> outcomes.add("B " + o));
        w.drain(3, 1, 3);

        // 6. the slow writes land now, and are refused (p3 holds the permissions)
        w.drain(1, 3);
        w.drain(2, 1, 3);
        return new Result(applied, outcomes, w.steps());
    }

    @Test
    void theBugPutBackAcknowledgesTwoCommandsAtOneSlot() {
        Result r = markBeforeAdoptedSlots(true);
        assertThat(r.outcomes()).as(r.steps()).contains("A Done[reply=A]", "B Done[reply=B]");
        assertThat(r.applied().get(1)).startsWith("A");
        assertThat(r.applied().get(3)).startsWith("B");
    }

    @Test
    void aMarkedMemoryHoldsEveryCommittedSlot() {
        Result r = markBeforeAdoptedSlots(false);
        assertThat(r.outcomes()).as(r.steps()).contains("A Done[reply=A]");
        for (int p = 1; p <= 3; p++) {
            for (int q = p + 1; q <= 3; q++) {
                List<String> a = r.applied().get(p);
                List<String> b = r.applied().get(q);
                int common = Math.min(a.size(), b.size());
                assertThat(b.subList(0, common))
                        .as("p" + q + " applied " + b + ", p" + p + " applied " + a + "; outcomes " + r.outcomes()
                                + "\n" + r.steps())
                        .isEqualTo(a.subList(0, common));
            }
        }
    }
}
