package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.sim.Fault;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Simulation;
import dev.mnm.sim.Timing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 003 §5.1, Theorem 5.1 against Paxos: with n = 2 processes, one of which crashes, and m = 3
 * memories, one of which crashes, the memory algorithms decide (n ≥ f_P + 1, m ≥ 2f_M + 1), while
 * Paxos with n = 2 and one crash cannot (it needs n ≥ 2f_P + 1) and stays undecided, and safe.
 */
class ResilienceTest {
    /** Crash times, in delays, of the crashed process: before it does anything, mid-write, after deciding. */
    @ParameterizedTest(name = "crash at {0} delays")
    @ValueSource(doubles = {0, 1, 1.5, 3})
    void memoryAlgorithmsDecideWithOneOfTwoProcessesAndOneOfThreeMemoriesCrashed(double at) {
        for (ConsensusAlgorithm a : new ConsensusAlgorithm[] {Algorithms.PROTECTED_MEMORY_PAXOS, Algorithms.DISK_PAXOS}) {
            for (int victim = 1; victim <= 2; victim++) {
                for (int memory = 1; memory <= 3; memory++) {
                    SimResult r = Simulation.run(SimConfig.of(a, 2, 3)
                            .withFault(new Fault.CrashProcess(victim, Math.round(at * Env.DELAY)))
                            .withFault(new Fault.CrashMemory(memory, 0)));
                    int survivor = 3 - victim;
                    assertThat(r.violations()).as(a.name() + " " + r.config().replayCommand()).isEmpty();
                    assertThat(r.terminationExpected()).isTrue();
                    assertThat(r.decisions()).as(a.name() + " " + r.config().replayCommand()).containsKey(survivor);
                }
            }
        }
    }

    @ParameterizedTest(name = "process {0} crashes")
    @ValueSource(ints = {1, 2})
    void paxosWithTwoProcessesAndOneCrashStaysUndecidedAndSafe(int victim) {
        SimConfig config = SimConfig.of(Algorithms.PAXOS, 2, 0).withFaultBounds(1, 0);
        assertThat(config.resilienceProblem()).hasValueSatisfying(rule -> assertThat(rule).contains("2f_P + 1"));

        SimResult r = Simulation.run(SimConfig.of(Algorithms.PAXOS, 2, 0)
                .withFault(new Fault.CrashProcess(victim, 0)));
        int survivor = 3 - victim;
        assertThat(r.violations()).isEmpty();
        assertThat(r.terminationExpected()).isFalse();
        assertThat(r.decisions()).isEmpty();
        assertThat(r.undecidedCorrect()).containsExactly(survivor);
        assertThat(r.counts().messagesByKind()).as("the survivor tried: it waits for a majority that cannot come")
                .containsKey(victim == 1 ? "Prepare" : "Accept");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void paxosWithTwoProcessesStaysSafeUnderRandomTimingToo(long seed) {
        SimResult r = Simulation.run(SimConfig.of(Algorithms.PAXOS, 2, 0).withTiming(Timing.RANDOM).withSeed(seed)
                .withFault(new Fault.CrashProcess(1, Env.DELAY)));
        assertThat(r.violations()).isEmpty();
        assertThat(r.decisions().values()).allSatisfy(d -> assertThat(d.value()).isEqualTo(Bytes.utf8("v1")));
        assertThat(r.decisions()).doesNotContainKey(2);
    }
}
