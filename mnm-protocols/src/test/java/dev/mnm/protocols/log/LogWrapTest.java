package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Followers keep up across the end of the slot registers. Found by a new user's trial: a
 * follower's read stopped at the last register, and since a follower learns that a position is
 * committed from the commit point carried by later entries, it never learned it for the last
 * positions before each wrap — and stayed there until the leader had gone a whole turn further.
 * Here: a log of 64 slots read 16 at a time, one command every 10 delays, common-case timing.
 */
class LogWrapTest {
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, 64, 10 * Env.DELAY, 4, 5 * Env.DELAY, 16);

    @Test
    void followersPassEveryWrapOfTheLog() {
        World world = new World(3, 3, ReplicatedLog.layout(3, CFG.slots()), Timing.COMMON_CASE, new SeededChooser(1), null);
        ReplicatedLog[] logs = new ReplicatedLog[4];
        List<List<String>> applied = new ArrayList<>();
        applied.add(null);
        for (int p = 1; p <= 3; p++) {
            List<String> mine = new ArrayList<>();
            applied.add(mine);
            logs[p] = new ReplicatedLog(world.env(p), CFG, new LogAdversarialSweepTest.SequenceMachine(mine));
            world.install(p, logs[p]);
            int q = p;
            world.at(0, () -> logs[q].start());
        }
        int commands = 100; // the log wraps at 64: below a turn and a half, a stuck follower is not rescued by reuse
        for (int k = 0; k < commands; k++) {
            String cmd = "c" + k;
            world.at(Env.DELAY * (50 + 10L * k), () -> {
                for (int p = 1; p <= 3; p++) {
                    if (logs[p].leading()) {
                        logs[p].submit(Bytes.utf8(cmd), o -> { });
                        return;
                    }
                }
            });
        }
        while (world.step(Env.DELAY * (100 + 10L * commands))) {
            // run
        }
        int leader = logs[1].leading() ? 1 : logs[2].leading() ? 2 : 3;
        assertThat(logs[leader].applied()).isEqualTo(commands);
        for (int p = 1; p <= 3; p++) {
            assertThat(logs[p].applied()).as("process " + p + " (the leader applied " + logs[leader].applied() + ")")
                    .isGreaterThanOrEqualTo(commands - 2);
            assertThat(applied.get(p)).isEqualTo(applied.get(leader).subList(0, applied.get(p).size()));
        }
    }
}
