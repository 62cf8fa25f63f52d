package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Env;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Log compaction under the adversarial scheduler: the faults and checks of
 * {@link LogAdversarialSweepTest} with a log of 8 slots whose state machine snapshots its whole
 * applied sequence, so that 250 commands reuse every slot register many times, followers and
 * recovering leaders install snapshots, and restarted memories are caught up from one. A snapshot
 * carries the sequence it stands for, so a replica that installs a wrong one fails its own check.
 * {@code -Dlog.seeds=N}, {@code -Dlog.seed=S} as there.
 */
class LogCompactionSweepTest {
    static final int SLOTS = 8;
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, SLOTS, 10 * Env.DELAY, 4, 5 * Env.DELAY, 4);

    static List<String> sweep(BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> factory, int[] acked) {
        return LogAdversarialSweepTest.sweep("LogCompactionSweepTest", SLOTS, true, factory, LogAdversarialSweepTest.SEEDS, acked);
    }

    @Test
    void aCompactingLogNeverForksNorMovesAnAcknowledgedCommand() {
        int[] acked = new int[1];
        List<String> failures = sweep((env, sm) -> new ReplicatedLog(env, CFG, sm), acked);
        System.out.println("log with compaction (8 slots), adversarial, " + LogAdversarialSweepTest.SEEDS + " seeds: "
                + acked[0] + " commands acknowledged, " + LogAdversarialSweepTest.SequenceMachine.restores.get()
                + " snapshots installed, failures: " + failures);
        assertThat(failures).isEmpty();
        assertThat(LogAdversarialSweepTest.SequenceMachine.restores.get()).as("snapshots were installed").isPositive();
        assertThat(acked[0]).as("the runs did serve").isGreaterThan(LogAdversarialSweepTest.SEEDS * 10);
    }

    @Test
    void catchesAReaderThatTakesAReusedRegisterAsEmpty() {
        assertCaught("reused register read as empty", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean stopsAtReusedPositions() {
                return false;
            }
        });
    }

    static void assertCaught(String kind, BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> mutant) {
        List<String> failures = sweep(mutant, new int[1]);
        System.out.println("log compaction mutant " + kind + ": " + failures);
        assertThat(failures).as(kind + " caught").isNotEmpty();
    }
}
