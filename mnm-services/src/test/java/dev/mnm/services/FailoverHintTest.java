package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 3, the fast half, in the simulator with the network defaults (one time unit a
 * microsecond, every hop 100 µs): when the leader crashes and the others are told at once (on the
 * network: its connections close), the next process commits a command within a few round trips —
 * phase 1 on the memories, then one write round trip — instead of after 2–3 missed 100 ms heartbeats (the third miss is what suspects).
 */
class FailoverHintTest {
    /** Microseconds from p1's crash to p2's first commit of a command submitted then. */
    static long failover(boolean hinted) {
        ReplicatedLog.Config cfg = LocalCluster.config(1);
        World world = new World(3, 3, ReplicatedLog.layout(3, cfg.slots()), Timing.COMMON_CASE, new SeededChooser(1), null);
        ReplicatedLog[] logs = new ReplicatedLog[4];
        for (int p = 1; p <= 3; p++) {
            logs[p] = new ReplicatedLog(world.env(p), cfg, command -> command);
            world.install(p, logs[p]);
            int q = p;
            world.at(0, () -> logs[q].start());
        }
        long crash = 5_000_000;
        long[] committed = {-1};
        world.at(crash, () -> {
            world.crashProcess(1);
            if (hinted) {
                logs[2].hint(1);
                logs[3].hint(1);
            }
            submitUntilDone(world, logs[2], committed);
        });
        while (committed[0] < 0 && world.step(crash + 5_000_000)) {
            // run
        }
        return committed[0] - crash;
    }

    private static void submitUntilDone(World world, ReplicatedLog log, long[] committed) {
        log.submit(Bytes.utf8("x"), outcome -> {
            if (outcome instanceof ReplicatedLog.Outcome.Done) {
                committed[0] = world.now();
            } else {
                world.at(world.now() + 1_000, () -> submitUntilDone(world, log, committed));
            }
        });
    }

    @Test
    void aHintedCrashIsFailedOverInAFewRoundTrips() {
        long hinted = failover(true);
        long unhinted = failover(false);
        System.out.printf("fail-over in the simulator (100 µs hops): %.1f ms with the hint, %.1f ms from heartbeats alone%n",
                hinted / 1e3, unhinted / 1e3);
        assertThat(hinted).as("µs with the hint").isPositive().isLessThanOrEqualTo(2_000);
        assertThat(unhinted).as("µs without: 2–3 missed heartbeats of 100 ms").isGreaterThanOrEqualTo(200_000);
    }
}
