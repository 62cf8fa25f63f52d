package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Review attack: a restarted process reuses the proposal number of its previous incarnation.
 *
 * <p>n = 3, m = 3, f_M = 1; p1 is down. p2 (incarnation 1) recovers with proposal 2, confirmed on
 * M1 and M3 (its changePermission on M2 slow), and writes {@code A} into slot 0: M3 executes it;
 * before M1 does, p3's changePermission lands on M1, so M1 naks it. p2 crashes and restarts. Ω names
 * the new incarnation before its failure detector's first read has come back, so it picks
 * proposal 2 again. Its phase 1 passes on M1 and M2 (nothing there above 2) and its suffix read on
 * M1 and M2 finds nothing; it commits {@code B} in slot 0 and {@code C} in slot 1 and answers both
 * Done. M3 still holds (2, A) in slot 0: the same number as (2, B) on M1 and M2. A follower whose
 * read hears M3 before M1 keeps the first of two equal numbers and applies A at slot 0.
 *
 * <p>Fixed: a process recovers only after its own read of every minProp from a quorum, which sees
 * the old incarnation's 2, so the new number is 5 and its entries outrank (2, A).
 * {@link #withTheDetectorsReadFirst} is the same schedule with Ω coming from the detector.
 */
class RestartSameNumberTest {
    static final ReplicatedLog.Config CFG = ScheduleBTest.CFG;

    record Run(List<List<String>> applied, List<String> outcomes, String steps) {}

    static Run schedule(boolean omegaBeforeDetector, boolean mutant) {
        ManualWorld w = new ManualWorld(3, 3, ReplicatedLog.layout(3, CFG.slots()));
        List<List<String>> applied = new ArrayList<>();
        applied.add(null);
        ReplicatedLog[] logs = new ReplicatedLog[5]; // logs[4]: p2's second incarnation
        for (int p = 1; p <= 4; p++) {
            List<String> mine = new ArrayList<>();
            applied.add(mine);
            if (p == 4) {
                break;
            }
            logs[p] = new ReplicatedLog(w.env(p), CFG, cmd -> {
                mine.add(cmd.utf8());
                return cmd;
            });
            w.install(p, logs[p]);
        }
        w.crash(1);
        for (int p = 2; p <= 3; p++) {
            w.start(p);
            w.drain(p, 1, 2, 3); // first heartbeat and log read: Ω names p1, nobody wrote anything
        }
        List<String> outcomes = new ArrayList<>();
        // 1. p2 (incarnation 1) recovers with proposal 2 on M1 and M3; its changePermission on M2 is slow
        logs[2].onOmega(2);
        w.drain(2, 1, 3, 1, 3);
        assertThat(logs[2].leading()).as(w.steps()).isTrue();
        // 2. it writes A into slot 0; M3 executes it
        logs[2].submit(Bytes.utf8("A"), o -> outcomes.add("A " + o));
        w.exec(2, 3);
        // 3. p3 is named too and its changePermission lands on M1 (the rest of its recovery is slow)
        logs[3].onOmega(3);
        w.exec(3, 1);
        // 4. p2's write of A on M1 executes now: nak. p2 crashes and restarts as a fresh instance;
        //    its changePermission on M2 (incarnation 1) is still queued and will execute first there
        w.exec(2, 1);
        w.crash(2);
        List<String> mine = applied.get(4);
        ReplicatedLog.StateMachine sm = cmd -> {
            mine.add(cmd.utf8());
            return cmd;
        };
        ReplicatedLog p2b = mutant ? new ReplicatedLog(w.env(2), CFG, sm) {
            @Override
            boolean waitsForFirstRead() {
                return false;
            }
        } : new ReplicatedLog(w.env(2), CFG, sm);
        logs[4] = p2b;
        w.restart(2, p2b);
        w.start(2);
        if (omegaBeforeDetector) {
            // 5. Ω names the new incarnation before its detector's first read came back: the broken log
            //    recovered at once, with proposal 2 again; the fixed one waits for that read
            p2b.onOmega(2);
        }
        // 6. its recovery (or, without step 5, its detector's read and then recovery) on M1 and M2
        for (int k = 0; k < 4; k++) {
            w.drain(2, 1, 2);
        }
        assertThat(p2b.leading()).as(w.steps()).isTrue();
        // 7. it commits B in slot 0 and C in slot 1 on M1 and M2
        p2b.submit(Bytes.utf8("B"), o -> outcomes.add("B " + o));
        w.drain(2, 1, 2);
        p2b.submit(Bytes.utf8("C"), o -> outcomes.add("C " + o));
        w.drain(2, 1, 2);
        // 8. p3's recovery fails on M1 (p2 holds it); p3 follows and reads the log, M3 answering first
        w.drain(3, 1);
        for (int k = 0; k < 4; k++) {
            logs[3].learner().poll();
            w.drain(3, 3, 1, 2);
        }
        return new Run(applied, outcomes, w.steps());
    }

    @Test
    void aRestartedLeaderNeverSharesItsNumberWithItsPreviousIncarnation() {
        Run r = schedule(true, false);
        assertThat(r.outcomes()).as(r.steps()).contains("B Done[reply=B]", "C Done[reply=C]");
        assertThat(r.applied().get(4)).as("p2 (second incarnation)").containsExactly("B", "C");
        assertThat(r.applied().get(3)).as("p3 must apply what p2 acknowledged at slot 0\n" + r.steps())
                .startsWith("B");
    }

    @Test
    void withTheDetectorsReadFirst() {
        Run r = schedule(false, false);
        assertThat(r.outcomes()).as(r.steps()).contains("B Done[reply=B]", "C Done[reply=C]");
        assertThat(r.applied().get(3)).as(r.steps()).containsExactly("B"); // slot 1's commit point is not written yet
    }

    @Test
    void theBugPutBackAppliesTheOldIncarnationsCommand() {
        Run r = schedule(true, true);
        assertThat(r.outcomes()).as(r.steps()).contains("B Done[reply=B]");
        assertThat(r.applied().get(3)).as(r.steps()).startsWith("A");
    }
}
