package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Permission;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.Sweep;
import org.junit.jupiter.api.Test;

/**
 * Deliberately broken variants of the algorithms: the same sweep as {@link SweepTest} must catch
 * each of them, or the sweep proves nothing.
 */
class MutantTest {
    private static Sweep.Outcome sweep(ConsensusAlgorithm mutant, int n, int m) {
        Sweep.Outcome outcome = Sweep.run(SimConfig.of(mutant, n, m), 1, SweepTest.SEEDS);
        System.out.println(mutant.name() + ": " + outcome.failures().size() + "+ failing seeds, first:\n"
                + (outcome.ok() ? "none" : outcome.failures().getFirst().failureReport()));
        return outcome;
    }

    @Test
    void paxosThatIgnoresAcceptedValuesBreaksAgreement() {
        ConsensusAlgorithm mutant = new Algorithms.Spec("paxos-ignores-promises", true,
                Algorithms.PAXOS::memoryLayout, (env, input, fM) -> new Paxos(env, input) {
                    @Override
                    Bytes adopt(Bytes highestAccepted) {
                        return input;
                    }
                });
        Sweep.Outcome outcome = sweep(mutant, 3, 0);
        assertThat(outcome.failures()).isNotEmpty();
        assertThat(outcome.failures().getFirst().violations().getFirst()).startsWith("agreement");
    }

    @Test
    void diskPaxosWithoutTheReadAfterItsWriteBreaksAgreement() {
        ConsensusAlgorithm mutant = new Algorithms.Spec("disk-paxos-no-second-read", false,
                n -> MemoryLayout.singleRegion(n, Permission.allReadWrite(n), LegalChange.STATIC),
                (env, input, fM) -> new DiskPaxos(env, input, fM) {
                    @Override
                    boolean readsAfterWrite() {
                        return false;
                    }
                });
        Sweep.Outcome outcome = sweep(mutant, 3, 3);
        assertThat(outcome.failures()).isNotEmpty();
        assertThat(outcome.failures().getFirst().violations().getFirst()).startsWith("agreement");
    }

    @Test
    void protectedMemoryPaxosThatSkipsTakingThePermissionNeverTakesOver() {
        ConsensusAlgorithm mutant = new Algorithms.Spec("pmp-no-permission", false,
                Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout,
                (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                    @Override
                    boolean takesPermission() {
                        return false;
                    }
                });
        Sweep.Outcome outcome = sweep(mutant, 3, 3);
        assertThat(outcome.failures()).isNotEmpty();
        assertThat(outcome.failures().getFirst().violations().getFirst()).startsWith("termination");
    }

    @Test
    void protectedMemoryPaxosThatIgnoresWhatPhaseOneReadBreaksAgreement() {
        ConsensusAlgorithm mutant = new Algorithms.Spec("pmp-ignores-phase-1", false,
                Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout,
                (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                    @Override
                    Bytes adopt(Bytes highestAccepted) {
                        return input;
                    }
                });
        Sweep.Outcome outcome = sweep(mutant, 3, 3);
        assertThat(outcome.failures()).isNotEmpty();
        assertThat(outcome.failures().getFirst().violations().getFirst()).startsWith("agreement");
    }
}
