package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.sim.CrashRestartFaults;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The replicated log under the adversarial scheduler: every channel's lag drawn from a very heavy
 * tail, so heartbeats stall and two or three processes suspect each other and recover at once;
 * a memory crash, often followed by its restart as an empty memory and then a second memory's
 * crash, a process crash, and process restarts (a restarted process is a new instance that
 * remembers nothing).
 *
 * <p>What this sweep does not catch (2,000 seeds, measured once): a catch-up that marks a
 * restarted memory before writing the slots in flight; {@code RestartAttackTest} does. Checked in every run: every pair of applied sequences (each incarnation
 * counted apart) agree where both reach — the log never forks — and every acknowledged command
 * stands at the position where its leader applied it in every sequence that reaches that far.
 * {@code -Dlog.seeds=N} changes the number of seeds, {@code -Dlog.seed=S} runs seed S alone,
 * {@code -Dlog.memories=5} runs with m = 5 and f_M = 2; a failure names its seed.
 */
class LogAdversarialSweepTest {
    static final int SEEDS = Integer.getInteger("log.seeds", 2_000);
    static final int N = 3;
    static final int M = Integer.getInteger("log.memories", 3);
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config((M - 1) / 2, 1024, 10 * Env.DELAY, 4, 5 * Env.DELAY, 64);

    /** The outcome of one seed: null if it kept the log's invariants, else what broke. */
    record Result(String violation, int acknowledged) {}

    /**
     * One seed with a log of {@code slots} slots; with {@code snapshots}, each replica's state
     * machine snapshots its whole applied sequence, so the log reuses its slots and a replica that
     * installs a snapshot takes over the sequence it carries (after checking it extends its own).
     */
    static Result run(long seed, int slots, boolean snapshots, BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> factory) {
        SplittableRandom rnd = new SplittableRandom(seed);
        World world = new World(N, M, ReplicatedLog.layout(N, slots), Timing.ADVERSARIAL, new SeededChooser(seed), null);
        List<List<String>> replicas = new ArrayList<>();
        ReplicatedLog[] current = new ReplicatedLog[N + 1];
        Map<String, Integer> ackedAt = new HashMap<>();
        Runnable[] install = new Runnable[N + 1];
        for (int p = 1; p <= N; p++) {
            int q = p;
            install[p] = () -> {
                List<String> applied = new ArrayList<>();
                replicas.add(applied);
                current[q] = factory.apply(world.env(q), snapshots ? new SequenceMachine(applied) : cmd -> {
                    applied.add(cmd.utf8());
                    return Bytes.utf8(Integer.toString(applied.size() - 1));
                });
            };
            install[p].run();
            world.install(p, current[p]);
            world.at(0, () -> current[q].start());
        }
        int commands = 250;
        for (int k = 0; k < commands; k++) {
            String cmd = "c" + k;
            world.at(Env.DELAY * (20 + 10L * k), () -> {
                for (int p = 1; p <= N; p++) {
                    if (!world.crashed(p) && current[p].leading()) {
                        current[p].submit(Bytes.utf8(cmd), o -> {
                            if (o instanceof ReplicatedLog.Outcome.Done(Bytes pos)) {
                                ackedAt.put(cmd, Integer.parseInt(pos.utf8()));
                            }
                        });
                        return;
                    }
                }
            });
        }
        CrashRestartFaults.schedule(world, rnd, p -> {
            install[p].run();
            return current[p];
        }, memory -> ReplicatedLog.bootRestarted(memory, N, slots));
        try {
            while (world.step(3_000 * Env.DELAY)) {
                // run
            }
        } catch (IllegalStateException broken) { // a replica's own check refused what it was about to apply
            return new Result("a replica failed: " + broken.getMessage(), ackedAt.size());
        }
        String violation = check(replicas, ackedAt);
        return new Result(violation, ackedAt.size());
    }

    static String check(List<List<String>> replicas, Map<String, Integer> ackedAt) {
        for (List<String> a : replicas) {
            for (List<String> b : replicas) {
                int common = Math.min(a.size(), b.size());
                for (int k = 0; k < common; k++) {
                    if (!a.get(k).equals(b.get(k))) {
                        return "fork at applied position " + k + ": " + a.get(k) + " vs " + b.get(k);
                    }
                }
            }
        }
        for (Map.Entry<String, Integer> e : ackedAt.entrySet()) {
            for (List<String> r : replicas) {
                if (r.size() > e.getValue() && !r.get(e.getValue()).equals(e.getKey())) {
                    return "acknowledged " + e.getKey() + " at position " + e.getValue() + " but a replica has "
                            + r.get(e.getValue()) + " there";
                }
            }
        }
        return null;
    }

    static List<String> sweep(BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> factory, int seeds, int[] acked) {
        return sweep("LogAdversarialSweepTest", CFG.slots(), false, factory, seeds, acked);
    }

    static List<String> sweep(String test, int slots, boolean snapshots, BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> factory,
                              int seeds, int[] acked) {
        List<String> failures = new ArrayList<>();
        long first = Long.getLong("log.seed", 1);
        long lastSeed = Long.getLong("log.seed", seeds);
        for (long seed = first; seed <= lastSeed && failures.size() < 3; seed++) {
            Result r = run(seed, slots, snapshots, factory);
            acked[0] += r.acknowledged();
            if (r.violation() != null) {
                failures.add("seed " + seed + ": " + r.violation()
                        + "\n  replay: ./run-tests -pl mnm-protocols -am -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dtest=" + test + " -Dlog.seed=" + seed);
            }
        }
        return failures;
    }

    /** A state machine whose state is its applied sequence, snapshotted whole. */
    static final class SequenceMachine implements ReplicatedLog.StateMachine {
        /** Snapshots installed, over every run of this JVM. */
        static final java.util.concurrent.atomic.AtomicLong restores = new java.util.concurrent.atomic.AtomicLong();
        private final List<String> applied;

        SequenceMachine(List<String> applied) {
            this.applied = applied;
        }

        @Override
        public Bytes apply(Bytes command) {
            applied.add(command.utf8());
            return Bytes.utf8(Integer.toString(applied.size() - 1));
        }

        @Override
        public Bytes snapshot() {
            return Batch.encode(applied.stream().map(Bytes::utf8).toList());
        }

        @Override
        public void restore(Bytes snapshot) {
            List<String> state = Batch.decode(snapshot).stream().map(Bytes::utf8).toList();
            if (state.size() < applied.size() || !state.subList(0, applied.size()).equals(applied)) {
                throw new IllegalStateException("a snapshot of " + state.size() + " commands does not extend the "
                        + applied.size() + " applied here");
            }
            applied.clear();
            applied.addAll(state);
            restores.incrementAndGet();
        }
    }

    @Test
    void neverForksNorMovesAnAcknowledgedCommand() {
        int[] acked = new int[1];
        List<String> failures = sweep((env, sm) -> new ReplicatedLog(env, CFG, sm), SEEDS, acked);
        System.out.println("log, adversarial, " + SEEDS + " seeds: " + acked[0] + " commands acknowledged, failures: "
                + failures);
        assertThat(failures).isEmpty();
        assertThat(acked[0]).as("the runs did serve").isGreaterThan(SEEDS * 10);
    }

    @Test
    void catchesKind1AcksFromUnconfirmedMemories() {
        assertCaught("kind 1", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean countsUnconfirmedMemories() {
                return true;
            }
        });
    }

    @Test
    void catchesAnEmptyRestartedMemoryCountedAsTheOldOne() {
        assertCaught("restarted memory counted", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean excludesRestartedMemories() {
                return false;
            }
        });
    }

    @Test
    void catchesKind3AFollowerMergingValuesAcrossReads() {
        assertCaught("kind 3", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean learnsFromOneRead() {
                return false;
            }
        });
    }

    @Test
    void catchesKind4ARestartedP1ThatSkipsPhaseOne() {
        assertCaught("kind 4", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean p1SkipsPhaseOne() {
                return true;
            }
        });
    }

    @Test
    void catchesANewLeaderThatDropsWhatPhaseOneFound() {
        assertCaught("adopt", (env, sm) -> new ReplicatedLog(env, CFG, sm) {
            @Override
            boolean adoptsRecoveredEntries() {
                return false;
            }
        });
    }

    static void assertCaught(String kind, BiFunction<Env, ReplicatedLog.StateMachine, ReplicatedLog> mutant) {
        List<String> failures = sweep(mutant, SEEDS, new int[1]);
        System.out.println("log mutant " + kind + ": " + failures);
        assertThat(failures).as(kind + " caught").isNotEmpty();
    }
}
