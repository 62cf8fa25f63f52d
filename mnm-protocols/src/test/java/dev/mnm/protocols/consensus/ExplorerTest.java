package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Permission;
import dev.mnm.sim.DelayBoundedExplorer;
import dev.mnm.sim.Explorer;
import dev.mnm.sim.Replay;
import dev.mnm.sim.Schedule;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Shrinker;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The exhaustive explorer on the consensus algorithms: with faults within their bounds it finds
 * no violation, and it catches every mutant of {@link MutantTest}; the shrinker reduces a failing
 * seeded run to a shorter schedule that still fails.
 */
class ExplorerTest {
    private static Explorer.Result explore(ConsensusAlgorithm a, int n, int m, Explorer.Bounds b) {
        Explorer.Result r = Explorer.explore(SimConfig.of(a, n, m), b);
        System.out.print(r.summary());
        r.counterexample().ifPresent(c -> System.out.print(c.report()));
        return r;
    }

    @ParameterizedTest(name = "{0} n={1} m={2}, {3} process and {4} memory crashes")
    @CsvSource({"paxos, 3, 0, 1, 0", "disk-paxos, 2, 3, 1, 0", "disk-paxos, 2, 3, 0, 1", "disk-paxos, 3, 3, 1, 0",
        "protected-memory-paxos, 2, 3, 1, 0", "protected-memory-paxos, 2, 3, 0, 1", "protected-memory-paxos, 3, 3, 1, 0",
        "protected-memory-paxos, 3, 3, 0, 1"})
    void aCompleteSearchWithOneCrashFindsNoViolation(String name, int n, int m, int crashes, int memoryCrashes) {
        Explorer.Result r = explore(Algorithms.byName(name).orElseThrow(), n, m,
                Explorer.Bounds.none().withCrashes(crashes, memoryCrashes));
        assertThat(r.counterexample()).isEmpty();
        assertThat(r.complete()).isTrue();
    }

    /** With Ω changes two processes duel; the state space outgrows a test, so these searches stop at a state limit. */
    @ParameterizedTest(name = "{0} n={1} m={2}, 1 crash, {3} Ω changes, ≤{4} emissions, ≤{5} states")
    @CsvSource({"paxos, 3, 0, 2, 12, 300000", "disk-paxos, 2, 3, 2, 12, 300000", "disk-paxos, 3, 3, 1, 8, 300000",
        "protected-memory-paxos, 2, 3, 2, 16, 300000", "protected-memory-paxos, 3, 3, 1, 16, 300000"})
    void aBoundedSearchWithOmegaChangesFindsNoViolation(String name, int n, int m, int omega, int emissions, int states) {
        Explorer.Result r = explore(Algorithms.byName(name).orElseThrow(), n, m, Explorer.Bounds.none().withCrashes(1, 0)
                .withLeaderChanges(omega).withEmissions(emissions).withMaxStates(states));
        assertThat(r.counterexample()).isEmpty();
        assertThat(r.cutByDepth()).isZero();
    }

    static final ConsensusAlgorithm PAXOS_IGNORES_PROMISES = new Algorithms.Spec("paxos-ignores-promises", true,
            Algorithms.PAXOS::memoryLayout, (env, input, fM) -> new Paxos(env, input) {
                @Override
                Bytes adopt(Bytes highestAccepted) {
                    return input;
                }
            });

    static final ConsensusAlgorithm DISK_PAXOS_NO_SECOND_READ = new Algorithms.Spec("disk-paxos-no-second-read", false,
            n -> MemoryLayout.singleRegion(n, Permission.allReadWrite(n), LegalChange.STATIC),
            (env, input, fM) -> new DiskPaxos(env, input, fM) {
                @Override
                boolean readsAfterWrite() {
                    return false;
                }
            });

    static final ConsensusAlgorithm PMP_NO_PERMISSION = new Algorithms.Spec("pmp-no-permission", false,
            Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout, (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                @Override
                boolean takesPermission() {
                    return false;
                }
            });

    static final ConsensusAlgorithm PMP_IGNORES_PHASE_1 = new Algorithms.Spec("pmp-ignores-phase-1", false,
            Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout, (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                @Override
                Bytes adopt(Bytes highestAccepted) {
                    return input;
                }
            });

    private static void caught(ConsensusAlgorithm mutant, int n, int m, Explorer.Bounds b, String kind) {
        Explorer.Result r = explore(mutant, n, m, b);
        assertThat(r.counterexample()).isPresent();
        Replay.Outcome c = r.counterexample().orElseThrow();
        assertThat(c.violation().orElseThrow()).startsWith(kind);
        Replay.Outcome again = Replay.run(c.setup(), Schedule.parse(c.schedule().encode()));
        assertThat(again.violation()).isEqualTo(c.violation());
        assertThat(c.replayCommand()).startsWith("./mnm explore --protocol " + mutant.name()).contains("--replay ");
    }

    @Test
    void catchesPaxosThatIgnoresPromises() {
        caught(PAXOS_IGNORES_PROMISES, 3, 0, Explorer.Bounds.none().withLeaderChanges(1).withEmissions(12), "agreement");
    }

    @Test
    void catchesDiskPaxosWithoutTheSecondRead() {
        caught(DISK_PAXOS_NO_SECOND_READ, 2, 3, Explorer.Bounds.none().withLeaderChanges(1).withEmissions(8), "agreement");
    }

    @Test
    void catchesProtectedMemoryPaxosThatNeverTakesThePermission() {
        caught(PMP_NO_PERMISSION, 2, 3, Explorer.Bounds.none().withCrashes(1, 0), "termination");
    }

    @Test
    void catchesProtectedMemoryPaxosThatIgnoresPhaseOne() {
        caught(PMP_IGNORES_PHASE_1, 2, 3, Explorer.Bounds.none().withLeaderChanges(1).withEmissions(16), "agreement");
    }

    static final ConsensusAlgorithm PMP_UNCONFIRMED_ACKS = new Algorithms.Spec("pmp-unconfirmed-acks", false,
            Algorithms.PROTECTED_MEMORY_PAXOS::memoryLayout, (env, input, fM) -> new ProtectedMemoryPaxos(env, input, fM) {
                @Override
                boolean waitsForConfirmation() {
                    return false;
                }
            });

    /**
     * The bounds of the delay-bounded searches: n = 3 and m = 3, one process crash (also before
     * anything happens), two Ω changes (two processes that each believe they lead), one attempt each
     * (12 operations), paths of at most 45 steps.
     */
    static final Explorer.Bounds DUEL = Explorer.Bounds.none().withCrashes(1, 0).withLeaderChanges(2).withEmissions(12)
            .withDepth(45).withMaxStates(20_000_000).withLiveness(false);

    private static Explorer.Result delayBounded(ConsensusAlgorithm a, int n, int m, Explorer.Bounds b, int delays) {
        return DelayBoundedExplorer.iterate(SimConfig.of(a, n, m), b, delays, System.out::print);
    }

    /** Issue 7's schedule A, found without being told: the mutant that counts acks from unconfirmed memories. */
    @Test
    void theDelayBoundedSearchFindsScheduleAByItself() {
        Explorer.Result r = delayBounded(PMP_UNCONFIRMED_ACKS, 3, 3, DUEL, 3);
        r.counterexample().ifPresent(c -> System.out.print(c.report()));
        assertThat(r.counterexample()).isPresent();
        Replay.Outcome c = r.counterexample().orElseThrow();
        assertThat(c.violation().orElseThrow()).startsWith("agreement");
        assertThat(Replay.run(c.setup(), Schedule.parse(c.schedule().encode())).violation()).isEqualTo(c.violation());
        assertThat(c.replayCommand()).startsWith("./mnm explore --protocol pmp-unconfirmed-acks");
    }

    @ParameterizedTest(name = "{0} n={1} m={2}")
    @CsvSource({"paxos, 3, 0", "disk-paxos, 3, 3", "protected-memory-paxos, 3, 3"})
    void theDelayBoundedSearchFindsNoViolationInTheAlgorithms(String name, int n, int m) {
        Explorer.Result r = delayBounded(Algorithms.byName(name).orElseThrow(), n, m, DUEL.withLiveness(true), 2);
        assertThat(r.counterexample()).isEmpty();
        assertThat(r.stateLimitHit()).isFalse();
    }

    @Test
    void theDelayBoundedSearchCatchesEveryConsensusMutant() {
        for (ConsensusAlgorithm mutant : java.util.List.of(PAXOS_IGNORES_PROMISES, DISK_PAXOS_NO_SECOND_READ,
                PMP_IGNORES_PHASE_1, PMP_NO_PERMISSION)) {
            int m = mutant == PAXOS_IGNORES_PROMISES ? 0 : 3;
            Explorer.Result r = delayBounded(mutant, 3, m, DUEL.withLiveness(true), 3);
            assertThat(r.counterexample()).as(mutant.name()).isPresent();
        }
    }

    @Test
    void theShrinkerReducesAFailingSeededRun() {
        SimConfig base = SimConfig.of(PMP_IGNORES_PHASE_1, 3, 3).withRandomFaults();
        SimResult failing = null;
        for (long seed = 1; failing == null; seed++) {
            SimResult r = Simulation.run(base.withSeed(seed));
            failing = r.ok() ? null : r;
        }
        Schedule recorded = Shrinker.record(failing.config());
        Shrinker.Result s = Shrinker.shrink(failing.config(), recorded);
        System.out.print(s.report());
        assertThat(s.original().violation().orElseThrow()).startsWith("agreement");
        assertThat(s.shrunk().violation().orElseThrow()).startsWith("agreement");
        assertThat(s.shrunk().schedule().size()).isLessThan(s.original().schedule().size());
        assertThat(s.report()).contains("replay: ./mnm explore --protocol pmp-ignores-phase-1");
        assertThat(Replay.run(failing.config(), s.shrunk().schedule()).failed()).isTrue();
    }

    @Test
    void aSimulationDrivenByAnyChooserIsTheSeededOneForTheSameChoices() {
        SimConfig c = SimConfig.of(Algorithms.DISK_PAXOS, 3, 3).withRandomFaults().withSeed(11);
        assertThat(Simulation.run(c, new SeededChooser(11), null)).isEqualTo(Simulation.run(c));
    }
}
