package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Simulation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Seed 003 §3's delay metric, measured by the simulator in common-case runs (n = 3, m = 3), and
 * the exact messages and memory operations of one decision. Every process learns it: the decider
 * sends n − 1 {@code Decided} messages.
 */
class CommonCaseTest {
    private static SimResult run(dev.mnm.core.ConsensusAlgorithm a) {
        SimResult r = Simulation.run(SimConfig.of(a, 3, 3));
        assertThat(r.violations()).isEmpty();
        assertThat(r.decisions()).hasSize(3);
        assertThat(r.decisions().values()).allSatisfy(d -> assertThat(d.value()).isEqualTo(Bytes.utf8("v1")));
        return r;
    }

    @Test
    void protectedMemoryPaxosIsTwoDeciding() {
        SimResult r = run(Algorithms.PROTECTED_MEMORY_PAXOS);
        assertThat(r.firstDecisionDelays()).isEqualTo(2.0);
        assertThat(r.counts().memoryOpsByKind()).isEqualTo(Map.of("Write", 3L));
        assertThat(r.counts().messagesByKind()).isEqualTo(Map.of("Decided", 2L));
    }

    @Test
    void diskPaxosDecidesInFourDelays() {
        SimResult r = run(Algorithms.DISK_PAXOS);
        assertThat(r.firstDecisionDelays()).isEqualTo(4.0);
        assertThat(r.counts().memoryOpsByKind()).isEqualTo(Map.of("Write", 3L, "ReadRange", 3L));
        assertThat(r.counts().messagesByKind()).isEqualTo(Map.of("Decided", 2L));
    }

    @Test
    void paxosInitialLeaderDecidesInTwoDelays() {
        SimResult r = run(Algorithms.PAXOS);
        assertThat(r.firstDecisionDelays()).isEqualTo(2.0);
        assertThat(r.counts().memoryOps()).isZero();
        assertThat(r.counts().messagesByKind()).isEqualTo(Map.of("Accept", 3L, "Accepted", 3L, "Decided", 2L));
    }
}
