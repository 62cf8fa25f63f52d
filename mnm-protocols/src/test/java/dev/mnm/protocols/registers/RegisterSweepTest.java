package dev.mnm.protocols.registers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.check.Checker;
import dev.mnm.check.Report;
import dev.mnm.core.Env;
import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.sim.RegisterConfig;
import dev.mnm.sim.RegisterResult;
import dev.mnm.sim.RegisterSimulation;
import dev.mnm.sim.RegisterSweep;
import dev.mnm.sim.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Seeded sweeps of concurrent readers and writers with random timing and up to f_M memory
 * crashes: every history of an atomic register must be linearizable and every operation must
 * finish. {@code -Dsweep.seeds=N} changes the number of seeds.
 */
class RegisterSweepTest {
    static final int SEEDS = Integer.getInteger("sweep.seeds", 5_000);

    /** Six clients, each running 12 operations, over three memories: contention enough for slow paths. */
    static RegisterConfig contended(RegisterAlgorithm a) {
        return RegisterConfig.of(a, 6, 3, 12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"swarm-register", "abd", "max-register"})
    void registersKeepTheirGuarantee(String name) {
        RegisterAlgorithm a = Registers.byName(name).orElseThrow();
        RegisterSweep.Outcome o = RegisterSweep.run(contended(a), 1, SEEDS);
        System.out.println(name + ": " + o.operations() + " operations; write round trips " + Arrays.toString(o.writes())
                + ", read round trips " + Arrays.toString(o.reads()) + "; runs with a memory crash " + o.runsWithCrashes());
        assertThat(o.failures()).as(o.report()).isEmpty();
        assertThat(o.operations()).isEqualTo(SEEDS * 6L * 12);
        assertThat(o.runsWithCrashes()).isGreaterThan(SEEDS / 4);
    }

    @Test
    void guessedTimestampsUnderContentionTakeTheSlowPathSometimes() {
        RegisterSweep.Outcome o = RegisterSweep.run(RegisterConfig.of(Registers.SWARM, 3, 3, 12), 1, 300);
        long slowWrites = Arrays.stream(o.writes()).skip(2).sum();
        long slowReads = Arrays.stream(o.reads()).skip(2).sum();
        assertThat(o.writes()[1]).as("most writes take the 1-round-trip fast path").isGreaterThan(slowWrites);
        assertThat(slowWrites).as("some guesses are stale").isPositive();
        assertThat(slowReads).as("some reads meet a GUESSED value").isPositive();
    }

    @Test
    void naiveMajorityReplicationIsNotAtomicAndTheSimulatorFindsAHistoryThatShowsIt() throws Exception {
        // one writer, three readers: the writer's timestamps are its own counter
        RegisterConfig base = RegisterConfig.of(Registers.MAJORITY, 4, 3, 12).withWriters(1).withTiming(Timing.RANDOM);
        RegisterResult found = null;
        for (long seed = 1; seed <= 2_000 && found == null; seed++) {
            RegisterResult r = RegisterSimulation.run(base.withSeed(seed));
            assertThat(r.violations()).as("it is not expected to be atomic: only liveness counts").isEmpty();
            if (r.check().verdict() == Checker.Verdict.NOT_LINEARIZABLE) {
                found = r;
            }
        }
        assertThat(found).as("some seed gives a non-linearizable history").isNotNull();
        Checker.Partition bad = found.check().counterexample();
        assertThat(bad.unplaced()).isNotEmpty();
        Path dir = Files.createDirectories(Path.of("target", "histories"));
        try (var w = Files.newBufferedWriter(dir.resolve("majority-register.jsonl"))) {
            found.history().write(w);
        }
        Files.writeString(dir.resolve("majority-register.html"), Report.html(found.check()));
        System.out.println("naive majority: seed " + found.config().seed() + " is not linearizable; longest partial "
                + "linearization " + bad.longest().size() + " of " + bad.ops().size() + ", first unplaced "
                + bad.unplaced().getFirst() + "\n  replay: " + found.config().replayCommand());
        // the same run, replayed, gives the same history
        RegisterResult again = RegisterSimulation.run(found.config());
        assertThat(again.history().events()).isEqualTo(found.history().events());
    }

    @Test
    void crashingAMinorityOfMemoriesMidRunLosesNothing() {
        for (RegisterAlgorithm a : Registers.all()) {
            if (a.guarantee() == RegisterAlgorithm.Guarantee.NONE) {
                continue;
            }
            RegisterResult r = RegisterSimulation.run(RegisterConfig.of(a, 3, 5, 20).withTiming(Timing.RANDOM)
                    .withCrash(2, 5 * Env.DELAY).withCrash(4, 30 * Env.DELAY));
            assertThat(r.violations()).as(a.name()).isEmpty();
            assertThat(r.crashedMemories()).isEqualTo(2);
        }
    }
}
