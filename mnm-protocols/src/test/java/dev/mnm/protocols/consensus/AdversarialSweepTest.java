package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.Sweep;
import dev.mnm.sim.Timing;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sweeps with the adversarial scheduler (every hop drawn from a very heavy tail, Ω unstable for up
 * to 600 delays with several leaders at once) beside the random faults of {@link SweepTest}. Every
 * run must keep agreement and validity, and decide once Ω is stable. {@code -Dadversarial.seeds=N}
 * changes the number of seeds.
 */
class AdversarialSweepTest {
    static final int SEEDS = Integer.getInteger("adversarial.seeds", 2_000);
    /** Hops of up to 400 delays, 4 times slower on a slow node: termination is awaited for 100,000 delays. */
    static final long HORIZON = 100_000 * Env.DELAY;

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Algorithms.PAXOS, 3, 0),
                Arguments.of(Algorithms.DISK_PAXOS, 3, 3),
                Arguments.of(Algorithms.PROTECTED_MEMORY_PAXOS, 3, 3),
                Arguments.of(Algorithms.PROTECTED_MEMORY_PAXOS, 2, 5));
    }

    static Sweep.Outcome sweep(ConsensusAlgorithm algorithm, int n, int m, int seeds) {
        return Sweep.run(SimConfig.of(algorithm, n, m).withTiming(Timing.ADVERSARIAL).withHorizon(HORIZON), 1, seeds);
    }

    @ParameterizedTest(name = "{0} n={1} m={2}")
    @MethodSource("configurations")
    void noViolations(ConsensusAlgorithm algorithm, int n, int m) {
        Sweep.Outcome outcome = sweep(algorithm, n, m, SEEDS);
        System.out.println("adversarial " + algorithm.name() + " n=" + n + " m=" + m + ": " + outcome.coverage()
                + ", " + outcome.events() + " events");
        assertThat(outcome.failures()).as(outcome.report()).isEmpty();
        assertThat(outcome.decidedRuns()).isEqualTo(SEEDS);
    }

    /** Issue 7's kinds 1 and 2 in PMP put back: phase 2 on every memory at once, acks counted from any. */
    @Test
    void findsThePhaseTwoOnUnconfirmedMemoriesBugByItself() {
        ConsensusAlgorithm mutant = new Algorithms.Spec("pmp-unconfirmed-acks", false,
                Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout,
                (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                    @Override
                    boolean waitsForConfirmation() {
                        return false;
                    }
                });
        Sweep.Outcome outcome = sweep(mutant, 3, 3, 10 * SEEDS);
        System.out.println("pmp-unconfirmed-acks, adversarial: " + outcome.failures().size() + "+ failing seeds\n"
                + outcome.report());
        assertThat(outcome.failures()).isNotEmpty();
        assertThat(outcome.failures().getFirst().violations().getFirst()).startsWith("agreement");
        // the random timing of the old sweeps does not find it in as many seeds
        Sweep.Outcome random = Sweep.run(SimConfig.of(mutant, 3, 3), 1, SEEDS);
        System.out.println("pmp-unconfirmed-acks, random timing: " + random.failures().size() + " failing seeds");
    }
}
