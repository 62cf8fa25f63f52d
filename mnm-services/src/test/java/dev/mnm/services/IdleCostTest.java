package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 4 as an exact count: the network defaults ({@link LocalCluster#config}), run in the
 * simulator where one time unit is a microsecond as on the network and every hop takes 100 µs,
 * with no client at all. What an idle cluster costs is its memory operations (each a round trip
 * through two event loops and the process thread): at most 400 per second (330 today) for 3 processes and 3
 * memories once the start-up is over. The old defaults (2 ms heartbeat, 5 ms polls) issue about
 * 15,800 per second — the 75–85% of a core that was seen.
 */
class IdleCostTest {
    static long memoryOpsPerIdleSecond(ReplicatedLog.Config cfg) {
        World world = new World(3, 3, ReplicatedLog.layout(3, cfg.slots()), Timing.COMMON_CASE, new SeededChooser(1), null);
        for (int p = 1; p <= 3; p++) {
            ReplicatedLog log = new ReplicatedLog(world.env(p), cfg, new KvStateMachine());
            world.install(p, log);
            world.at(0, log::start);
        }
        long second = 1_000_000;
        while (world.step(10 * second)) {
            // start-up: phase 1, grace period
        }
        long before = world.counts().memoryOps();
        while (world.step(70 * second)) {
            // idle
        }
        return (world.counts().memoryOps() - before) / 60;
    }

    @Test
    void anIdleClusterIssuesAtMost400MemoryOperationsASecond() {
        long ops = memoryOpsPerIdleSecond(LocalCluster.config(1));
        System.out.println("idle 3+3 cluster, network defaults: " + ops + " memory operations per second");
        assertThat(ops).isLessThanOrEqualTo(400);
    }

    @Test
    void theOldDefaultsFail() {
        long ops = memoryOpsPerIdleSecond(new ReplicatedLog.Config(1, LocalCluster.SLOTS, 2_000, 50, 5_000, 64));
        System.out.println("idle 3+3 cluster, the old defaults: " + ops + " memory operations per second");
        assertThat(ops).isGreaterThan(400);
    }
}
