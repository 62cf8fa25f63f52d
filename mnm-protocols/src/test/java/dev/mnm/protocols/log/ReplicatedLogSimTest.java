package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The replicated log in the simulator: commits, fail-over by permission, fencing, followers learning. */
class ReplicatedLogSimTest {
    static final int N = 3;
    static final int M = 3;
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, 4096, 10 * Env.DELAY, 4, 5 * Env.DELAY, 64);

    /** A world of three processes, each applying commands to its own list. */
    static final class Cluster {
        final World world;
        final List<List<String>> applied = new ArrayList<>();
        final ReplicatedLog[] logs = new ReplicatedLog[N + 1];
        final List<String> acknowledged = new ArrayList<>();
        final List<Long> latencies = new ArrayList<>();

        Cluster(long seed, Timing timing) {
            this(seed, timing, false);
        }

        Cluster(long seed, Timing timing, boolean mutant) {
            world = new World(N, M, ReplicatedLog.layout(N, CFG.slots()), timing, new SeededChooser(seed), null);
            applied.add(null);
            for (int p = 1; p <= N; p++) {
                List<String> mine = new ArrayList<>();
                applied.add(mine);
                ReplicatedLog.StateMachine sm = cmd -> {
                    mine.add(cmd.utf8());
                    return Bytes.utf8("ok");
                };
                logs[p] = mutant ? new ReplicatedLog(world.env(p), CFG, sm) {
                    @Override
                    boolean adoptsRecoveredEntries() {
                        return false;
                    }
                } : new ReplicatedLog(world.env(p), CFG, sm);
                world.install(p, logs[p]);
                int q = p;
                world.at(0, () -> logs[q].start());
            }
        }

        /** Submits {@code cmd} at time {@code t} to whoever leads then. */
        void submit(long t, String cmd) {
            world.at(t, () -> {
                for (int p = 1; p <= N; p++) {
                    if (!world.crashed(p) && logs[p].leading()) {
                        logs[p].submit(Bytes.utf8(cmd), o -> {
                            if (o instanceof ReplicatedLog.Outcome.Done) {
                                acknowledged.add(cmd);
                                latencies.add(world.now() - t);
                            }
                        });
                        return;
                    }
                }
            });
        }

        void runUntil(long t) {
            while (world.step(t)) {
                // run
            }
        }
    }

    @Test
    void theLeaderCommitsInOneWriteRoundTripAndFollowersLearn() {
        Cluster c = new Cluster(1, Timing.COMMON_CASE);
        c.runUntil(30 * Env.DELAY);
        assertThat(c.logs[1].leading()).as("p1 ran phase 1 at start and leads").isTrue();
        for (int k = 0; k < 20; k++) {
            c.submit(Env.DELAY * (30 + k), "c" + k);
        }
        c.runUntil(400 * Env.DELAY);
        assertThat(c.acknowledged).hasSize(20);
        assertThat(c.latencies).as("one write round trip: 2 delays").containsOnly(2 * Env.DELAY);
        assertThat(c.applied.get(1)).containsExactlyElementsOf(c.acknowledged);
        // followers apply what the piggybacked commit point covers, taking values from a read issued
        // after they learned the commit point: the last entry written, c19, carried the commit point
        // of its write time, two delays of pipeline behind (Mu has the same lag)
        for (int p = 2; p <= N; p++) {
            assertThat(c.applied.get(p)).containsExactlyElementsOf(c.acknowledged.subList(0, 17));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void failOverKeepsEveryAcknowledgedCommandInOrder(long seed) {
        Cluster c = new Cluster(seed, Timing.RANDOM);
        for (int k = 0; k < 400; k++) {
            c.submit(Env.DELAY * (5 + 2L * k), "c" + k);
        }
        // after the start-up grace (ten suspicion periods: 400 delays here)
        c.world.at(500 * Env.DELAY, () -> c.world.crashProcess(1));
        c.world.at(300 * Env.DELAY, () -> c.world.crashMemory(3));
        c.runUntil(3_000 * Env.DELAY);
        assertThat(c.logs[2].leading()).as("p2 took over").isTrue();
        List<String> leader = c.applied.get(2);
        assertThat(leader).containsAll(c.acknowledged);
        assertThat(leader).doesNotHaveDuplicates();
        assertThat(c.acknowledged.size()).isGreaterThan(300);
        // p1's applied sequence before it crashed is a prefix of p2's; p3 follows p2
        assertThat(leader).startsWith(c.applied.get(1).toArray(new String[0]));
        assertThat(leader).startsWith(c.applied.get(3).toArray(new String[0]));
    }

    /** Every replica's applied sequence is a prefix of another's: the log never forks. */
    static void assertNoFork(Cluster c, String why) {
        for (int p = 1; p <= N; p++) {
            for (int q = 1; q <= N; q++) {
                List<String> a = c.applied.get(p);
                List<String> b = c.applied.get(q);
                List<String> shorter = a.size() <= b.size() ? a : b;
                List<String> longer = a.size() <= b.size() ? b : a;
                assertThat(longer.subList(0, shorter.size())).as(why + ": processes " + p + " and " + q)
                        .isEqualTo(shorter);
            }
        }
    }

    @Test
    void aSeededSweepOfCrashesNeverForksTheLogNorLosesAnAcknowledgedCommand() {
        sweep(false);
    }

    @Test
    void theSweepCatchesANewLeaderThatDropsWhatPhaseOneFound() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sweep(true)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("seed ");
    }

    static void sweep(boolean mutant) {
        for (long seed = 1; seed <= 300; seed++) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            Cluster c = new Cluster(seed, Timing.RANDOM, mutant);
            for (int k = 0; k < 300; k++) {
                c.submit(Env.DELAY * (5 + 3L * k), "c" + k);
            }
            int victim = 1 + rnd.nextInt(N);
            c.world.at(Env.DELAY * (420 + rnd.nextInt(400)), () -> c.world.crashProcess(victim));
            int memory = 1 + rnd.nextInt(M);
            c.world.at(Env.DELAY * rnd.nextInt(900), () -> c.world.crashMemory(memory));
            c.runUntil(4_000 * Env.DELAY);
            String why = "seed " + seed + " (crash process " + victim + ", memory " + memory + ")";
            assertNoFork(c, why);
            int survivor = victim == 1 ? 2 : 1;
            List<String> longest = c.applied.get(survivor).size() >= c.applied.get(6 - victim - survivor).size()
                    ? c.applied.get(survivor) : c.applied.get(6 - victim - survivor);
            assertThat(longest).as(why).containsAll(c.acknowledged).doesNotHaveDuplicates();
            assertThat(c.acknowledged.size()).as(why + ": the service kept serving").isGreaterThan(200);
        }
    }
}
