package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Env;
import dev.mnm.sim.Timing;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The KV service's log in the simulator under the adversarial scheduler with random faults
 * (memory crash, process crashes and restarts): every history linearizable, no fork.
 * {@code -Dlogsim.seeds=N} changes the number of seeds.
 */
class LogSimulationTest {
    static final int SEEDS = Integer.getInteger("logsim.seeds", 2_000);

    @Test
    void adversarialRunsAreLinearizable() {
        List<String> failures = new ArrayList<>();
        int ok = 0;
        int info = 0;
        for (long seed = 1; seed <= SEEDS && failures.size() < 3; seed++) {
            LogSimulation.Result r = LogSimulation.run(
                    new LogSimulation.Config(3, 30, Timing.ADVERSARIAL, seed, true, 4_000 * Env.DELAY));
            ok += r.ok();
            info += r.info();
            if (!r.passed()) {
                failures.add("seed " + seed + ": " + r.violations() + "\n  replay: " + r.config().replayCommand());
            }
        }
        System.out.println("log KV workload, adversarial, " + SEEDS + " seeds: " + ok + " ok, " + info + " info");
        assertThat(failures).isEmpty();
        assertThat(ok).as("the runs did serve").isGreaterThan(SEEDS * 15);
    }

    @Test
    void aCommonCaseRunCompletesEveryCommand() {
        LogSimulation.Result r = LogSimulation.run(
                new LogSimulation.Config(4, 50, Timing.COMMON_CASE, 1, false, 4_000 * Env.DELAY));
        assertThat(r.violations()).isEmpty();
        assertThat(r.ok()).isEqualTo(200);
        assertThat(r.info()).isZero();
    }
}
