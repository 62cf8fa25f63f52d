package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, schedule B, against the real class: p1 is silent; Ω names p2 at p2 and p3 at p3, so
 * both recover at once. p2's phase 1 completes on M1 and M2 (its changePermission on M3 slow), p3's
 * on M2 and M3 (its changePermission on M1 slow). The broken log wrote slot 0 on every memory and
 * counted any ack: p2 committed {@code SET x A} with M1 and M3 (its late permission on M3 landed
 * before its write there), p3 committed {@code SET x B} with M2 and M1, and both clients got OK.
 */
class ScheduleBTest {
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, 64, 10 * Env.DELAY, 4, 5 * Env.DELAY, 16);

    static List<String> scheduleB(boolean mutant) {
        ManualWorld w = new ManualWorld(3, 3, ReplicatedLog.layout(3, CFG.slots()));
        ReplicatedLog[] logs = new ReplicatedLog[4];
        for (int p = 1; p <= 3; p++) {
            logs[p] = mutant ? new ReplicatedLog(w.env(p), CFG, cmd -> cmd) {
                @Override
                boolean countsUnconfirmedMemories() {
                    return true;
                }
            } : new ReplicatedLog(w.env(p), CFG, cmd -> cmd);
            w.install(p, logs[p]);
        }
        w.crash(1); // p1 stops heart-beating (it never even started)
        for (int p = 2; p <= 3; p++) {
            w.start(p);
            w.drain(p, 1, 2, 3); // the first heartbeat and the first read of the log: Ω still names p1
        }
        List<String> ok = new ArrayList<>();
        // p2 recovers with proposal 2: phase 1 and the (empty) suffix on M1 and M2; M3 slow
        logs[2].onOmega(2);
        w.drain(2, 1, 2, 1, 2);
        assertThat(logs[2].leading()).as(w.steps()).isTrue();
        logs[2].submit(Bytes.utf8("SET x A"), o -> ok.add("A " + o));
        // p3 recovers with proposal 3: phase 1 and the suffix on M2 and M3; M1 slow
        logs[3].onOmega(3);
        w.drain(3, 2, 3, 2, 3);
        assertThat(logs[3].leading()).as(w.steps()).isTrue();
        logs[3].submit(Bytes.utf8("SET x B"), o -> ok.add("B " + o));
        // p2's write of slot 0 on M1 acks; its slow permission on M3 lands, then whatever follows it there
        w.roundTrip(2, 1);
        w.drain(2, 3, 2);
        // p3's slow permission on M1 lands, then whatever follows it there; then M2 and M3
        w.drain(3, 1, 2, 3);
        return ok;
    }

    @Test
    void scheduleBNeverAcknowledgesTwoCommandsForOneSlot() {
        List<String> outcomes = scheduleB(false);
        assertThat(outcomes.stream().filter(o -> o.contains("Done")).count()).as(outcomes.toString()).isLessThanOrEqualTo(1);
    }

    @Test
    void theBugPutBackAcknowledgesBoth() {
        List<String> outcomes = scheduleB(true);
        assertThat(outcomes).as(outcomes.toString()).hasSize(2).allMatch(o -> o.contains("Done"));
    }
}
