package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.Sweep;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded sweeps: random timing, random crashes of up to f_P processes (the leader among them) and
 * up to f_M memories, an unstable leader oracle, slow nodes and partitions. Every run must keep
 * uniform agreement and validity, and every correct process must decide. {@code -Dsweep.seeds=N}
 * changes the number of seeds; a failure prints its seed and the command that replays it.
 */
class SweepTest {
    static final int SEEDS = Integer.getInteger("sweep.seeds", 5_000);

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Algorithms.PAXOS, 3, 0),
                Arguments.of(Algorithms.PAXOS, 5, 0),
                Arguments.of(Algorithms.DISK_PAXOS, 3, 3),
                Arguments.of(Algorithms.DISK_PAXOS, 2, 5),
                Arguments.of(Algorithms.PROTECTED_MEMORY_PAXOS, 3, 3),
                Arguments.of(Algorithms.PROTECTED_MEMORY_PAXOS, 2, 5));
    }

    @ParameterizedTest(name = "{0} n={1} m={2}")
    @MethodSource("configurations")
    void noViolations(ConsensusAlgorithm algorithm, int n, int m) {
        Sweep.Outcome outcome = Sweep.run(SimConfig.of(algorithm, n, m), 1, SEEDS);
        assertThat(outcome.failures()).as(outcome.report()).isEmpty();
        assertThat(outcome.runs()).isEqualTo(SEEDS);
        assertThat(outcome.decidedRuns()).as("runs in which someone decided").isEqualTo(SEEDS);
        // the sweep must not be a row of easy runs: each kind of trouble in at least a tenth of them
        Sweep.Coverage c = outcome.coverage();
        System.out.println(algorithm.name() + " n=" + n + " m=" + m + ": " + c);
        assertThat(c.processCrashes()).isGreaterThan(SEEDS / 10);
        assertThat(c.leaderCrashes()).isGreaterThan(SEEDS / 10);
        assertThat(c.takeovers()).isGreaterThan(SEEDS / 10);
        if (m >= 3) {
            assertThat(c.memoryCrashes()).isGreaterThan(SEEDS / 10);
        }
    }
}
