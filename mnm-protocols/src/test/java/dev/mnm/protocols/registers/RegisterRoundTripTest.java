package dev.mnm.protocols.registers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.check.Checker;
import dev.mnm.sim.RegisterConfig;
import dev.mnm.sim.RegisterResult;
import dev.mnm.sim.RegisterSimulation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Round trips per operation in the common case, counted by the simulator (seed 002, Step 1 and Step 2). */
class RegisterRoundTripTest {
    static RegisterResult commonCase(dev.mnm.core.RegisterAlgorithm a) {
        RegisterResult r = RegisterSimulation.run(RegisterConfig.of(a, 1, 3, 40));
        assertThat(r.violations()).isEmpty();
        assertThat(r.check().verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(r.writeRtts()).hasSizeGreaterThan(5);
        assertThat(r.readRtts()).hasSizeGreaterThan(5);
        return r;
    }

    @Test
    void guessedTimestampRegisterTakesOneRoundTripForWritesAndReads() {
        RegisterResult r = commonCase(Registers.SWARM);
        assertThat(Arrays.stream(r.writeRtts()).distinct().toArray()).containsExactly(1);
        assertThat(Arrays.stream(r.readRtts()).distinct().toArray()).containsExactly(1);
        assertThat(Arrays.stream(r.writeDelays()).distinct().toArray()).containsExactly(2.0);
    }

    @Test
    void abdWritesTakeTwoRoundTripsAndReadsOne() {
        RegisterResult r = commonCase(Registers.ABD);
        assertThat(Arrays.stream(r.writeRtts()).distinct().toArray()).containsExactly(2);
        assertThat(Arrays.stream(r.readRtts()).distinct().toArray()).containsExactly(1);
    }

    @Test
    void reliableMaxRegisterTakesOneRoundTripInTheCommonCase() {
        RegisterResult r = commonCase(Registers.MAX_REGISTER);
        assertThat(Arrays.stream(r.writeRtts()).distinct().toArray()).containsExactly(1);
        assertThat(Arrays.stream(r.readRtts()).distinct().toArray()).containsExactly(1);
    }
}
