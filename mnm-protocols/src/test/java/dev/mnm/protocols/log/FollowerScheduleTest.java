package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 kind 3, against the real class: a follower must not take a slot's value from a read made
 * before it knew the slot committed, nor from a memory the new leader has not caught up.
 *
 * <p>p1 leads (proposal 1) and writes {@code W} into slot 0; only M3 gets it. p2 recovers
 * (proposal 2) on M1 and M2 — its permission on M3 is slow — and commits {@code V} in slot 0 there.
 * Follower p3's read of the log reaches M1 before V does. p2's permission on M3 lands; M3 is
 * confirmed late and gets what is in flight, slot 1 ({@code X}, commit point 1) — but not slot 0,
 * where M3 still holds p1's W. p3's read reaches M3 now: commit point 1 and, in slot 0, W. The broken
 * follower applied W at slot 0 while p2 had applied V.
 */
class FollowerScheduleTest {
    static List<List<String>> schedule(boolean mutant) {
        ManualWorld w = new ManualWorld(3, 3, ReplicatedLog.layout(3, ScheduleBTest.CFG.slots()));
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
            logs[p] = mutant ? new ReplicatedLog(w.env(p), ScheduleBTest.CFG, sm) {
                @Override
                boolean learnsFromOneRead() {
                    return false;
                }
            } : new ReplicatedLog(w.env(p), ScheduleBTest.CFG, sm);
            w.install(p, logs[p]);
            w.start(p);
        }
        w.settle(1_000, false); // first heartbeats: Ω names p1, which runs phase 1 and leads
        assertThat(logs[1].leading()).as(w.steps()).isTrue();
        // p1 writes W into slot 0; only M3 executes it
        logs[1].submit(Bytes.utf8("W"), o -> { });
        w.roundTrip(1, 3);
        // p2 recovers with proposal 2 on M1 and M2 (phase 1, then the empty suffix); M3 is slow
        logs[2].onOmega(2);
        w.drain(2, 1, 2, 1, 2);
        assertThat(logs[2].leading()).as(w.steps()).isTrue();
        // follower p3 reads the log (its joined mark, then the slots); the read reaches M1 now, M3 later
        logs[3].learner().poll();
        w.exec(3, 1);
        w.exec(3, 1);
        // p2 commits V in slot 0 on M1 and M2, and starts X in slot 1
        logs[2].submit(Bytes.utf8("V"), o -> { });
        w.drain(2, 1, 2);
        logs[2].submit(Bytes.utf8("X"), o -> { });
        // p2's slow permission on M3 lands: phase 1 there passes, M3 is confirmed and gets slot 1 only
        w.drain(2, 3);
        // p3's read reaches M3: commit point 1, and p1's W in slot 0
        w.exec(3, 3);
        w.exec(3, 3);
        w.reply(3, 1);
        w.reply(3, 1);
        w.reply(3, 3);
        w.reply(3, 3);
        // later reads, taken after p3 knew the commit point
        for (int k = 0; k < 3; k++) {
            logs[3].learner().poll();
            w.drain(3, 1, 2, 3);
        }
        return applied;
    }

    @Test
    void aFollowerAppliesOnlyTheCommittedValue() {
        List<List<String>> applied = schedule(false);
        assertThat(applied.get(2)).startsWith("V");
        assertThat(applied.get(3)).as("p3 learns slot 0 from a read made after it knew the commit point")
                .containsExactly("V");
    }

    @Test
    void theBugPutBackAppliesAValueThatWasNeverCommitted() {
        List<List<String>> applied = schedule(true);
        assertThat(applied.get(2)).startsWith("V");
        assertThat(applied.get(3)).startsWith("W");
    }
}
