package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Simulation;
import org.junit.jupiter.api.Test;

/** Seed 003 §3's delay metric, measured by the simulator in common-case runs (n = 3, m = 3). */
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
        System.out.println(r.counts());
    }

    @Test
    void diskPaxosDecidesInFourDelays() {
        SimResult r = run(Algorithms.DISK_PAXOS);
        assertThat(r.firstDecisionDelays()).isEqualTo(4.0);
        System.out.println(r.counts());
    }

    @Test
    void paxosInitialLeaderDecidesInTwoDelays() {
        SimResult r = run(Algorithms.PAXOS);
        assertThat(r.firstDecisionDelays()).isEqualTo(2.0);
        System.out.println(r.counts());
    }
}
