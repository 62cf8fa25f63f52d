package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Second review of the restart catch-up (n = m = 3, f_M = 1, at most one memory crashed or
 * unmarked at a time). No violation found; these are the closest schedules, kept as regressions.
 */
class RestartAttack2Test {
    static final ReplicatedLog.Config CFG = ScheduleBTest.CFG;
    static final int MARK = ReplicatedLog.joinedRegister(3, CFG.slots());

    final ManualWorld w = new ManualWorld(3, 3, ReplicatedLog.layout(3, CFG.slots()));
    final ReplicatedLog[] logs = new ReplicatedLog[4];
    final List<List<String>> applied = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();

    RestartAttack2Test() {
        applied.add(null);
        for (int p = 1; p <= 3; p++) {
            List<String> mine = new ArrayList<>();
            applied.add(mine);
            logs[p] = new ReplicatedLog(w.env(p), CFG, cmd -> {
                mine.add(cmd.utf8());
                return cmd;
            });
            w.install(p, logs[p]);
            w.start(p);
        }
        w.settle(1_000, false);
    }

    void submit(int p, String c) {
        logs[p].submit(Bytes.utf8(c), o -> outcomes.add(c + "@p" + p + " " + o));
    }

    void lead(int p, int... mems) {
        logs[p].onOmega(p);
        for (int k = 0; k < 200 && !logs[p].leading(); k++) {
            for (int i : mems) {
                w.roundTrip(p, i);
            }
        }
        assertThat(logs[p].leading()).as(w.steps()).isTrue();
    }

    boolean marked(int i) {
        return ReplicatedLog.joined(new dev.mnm.core.Reply.Value(w.memory(i).peek(MARK)));
    }

    void restart(int i) {
        w.crashMemory(i);
        w.restartMemory(i, h -> ReplicatedLog.bootRestarted(h, 3, CFG.slots()));
    }

    /** Every pair of replicas agrees on their common prefix, and every Done command is where its leader applied it. */
    void assertSafe() {
        for (int p = 1; p <= 3; p++) {
            for (int q = p + 1; q <= 3; q++) {
                List<String> a = applied.get(p);
                List<String> b = applied.get(q);
                int common = Math.min(a.size(), b.size());
                assertThat(b.subList(0, common)).as("p" + q + " " + b + " vs p" + p + " " + a + "; " + outcomes
                        + "\n" + w.steps()).isEqualTo(a.subList(0, common));
            }
        }
    }

    void pollFollower(int p, int... mems) {
        for (int k = 0; k < 3; k++) {
            logs[p].learner().poll();
            w.drain(p, mems);
        }
    }

    /**
     * A LOWER leader marks the memory while a higher one commits elsewhere: p2 (2) leads on M2, M3
     * with X in slot 0 (writes held); p3 (3) takes M2, M3, starts catching M1 up (mark held),
     * commits Y in slot 0 and Z in slot 1 on M2, M3. Then p2's delayed phase 1 on M1 takes the
     * permission back (restarted: p3's minProp there is ignored), feeds X at number 2 and marks
     * M1: M1 counts again holding (2, X) in a slot committed as (3, Y). M2 crashes. Safe: the
     * commit quorum of Y was {M2, M3}, so M3 still holds (3, Y) and every quorum with M1 meets it.
     */
    @Test
    void lowerLeaderMarksWhileHigherCommitsElsewhere() {
        restart(1);
        lead(2, 2, 3);
        submit(2, "X"); // slot 0 to M2, M3: held
        lead(3, 2, 3);
        for (int k = 0; k < 4; k++) { // p3's phase 1 on M1: restarted, joining; catch-up issues the minProps and the mark
            w.roundTrip(3, 1);
        }
        assertThat(w.pending(3, 1)).as(w.steps()).isEqualTo(4); // p1's, p2's and p3's minProps, then the mark
        submit(3, "Y");
        w.drain(3, 2, 3);
        submit(3, "Z");
        w.drain(3, 2, 3);
        assertThat(outcomes).as(w.steps()).contains("Y@p3 Done[reply=Y]", "Z@p3 Done[reply=Z]");
        w.drain(2, 1); // p2: permission, minProp, minProps (3 ignored), mark read, slot 0 = (2, X), mark
        assertThat(marked(1)).as(w.steps()).isTrue();
        assertThat(LogEntry.decode(w.memory(1).peek(ReplicatedLog.register(3, CFG.slots(), 0))).command()).isEqualTo(Batch.encode(List.of(Bytes.utf8("X"))));
        w.drain(3, 1); // p3's mark and writes on M1: refused, p3 deposed
        w.crashMemory(2);
        submit(1, "P"); // p1 still leads with proposal 1 from the start: its write on M3 is refused, it follows
        w.drain(1, 3);
        assertThat(logs[1].leading()).isFalse();
        pollFollower(1, 1, 3);
        assertThat(applied.get(1)).as(w.steps()).startsWith("Y");
        w.drain(2, 3); // p2's slot 0 on M3: refused
        lead(1, 1, 3);
        submit(1, "W");
        w.drain(1, 1, 3);
        w.drain(1, 1, 3);
        assertThat(applied.get(1)).as(outcomes + "\n" + w.steps()).startsWith("Y", "Z");
        assertSafe();
    }

    /**
     * The catching-up leader is deposed after its mark executed and before its ack, and a second
     * leader recovers on the just-marked memory: p1 commits A on M1, M2; M1 restarts; p2 adopts A
     * on M2, M3 (writes held), feeds A and marks M1 (ack held); p3 recovers on M1 and M3 only, M2
     * crashes. p3 finds (2, A) on M1 only and keeps A.
     */
    @Test
    void secondLeaderRecoversOnAJustMarkedMemory() {
        assertThat(logs[1].leading()).isTrue();
        submit(1, "A");
        w.roundTrip(1, 1);
        w.roundTrip(1, 2);
        assertThat(outcomes).contains("A@p1 Done[reply=A]");
        restart(1);
        lead(2, 2, 3);
        for (int k = 0; k < 100 && !marked(1); k++) { // phase 1, slot 0 = (2, A), the mark: executed, acks held
            w.exec(2, 1);
            if (!marked(1)) {
                w.reply(2, 1);
            }
        }
        assertThat(marked(1)).as(w.steps()).isTrue();
        logs[3].onOmega(3);
        for (int k = 0; k < 200 && !logs[3].leading(); k++) {
            w.roundTrip(3, 1);
            w.roundTrip(3, 3);
        }
        w.crashMemory(2);
        for (int k = 0; k < 200 && !logs[3].leading(); k++) {
            w.roundTrip(3, 1);
            w.roundTrip(3, 3);
        }
        assertThat(logs[3].leading()).as(w.steps()).isTrue();
        submit(3, "B");
        w.drain(3, 1, 3);
        w.drain(3, 1, 3);
        w.drain(2, 3);
        w.drain(1, 3);
        assertThat(applied.get(3)).as(outcomes + "\n" + w.steps()).startsWith("A");
        assertSafe();
    }
}
