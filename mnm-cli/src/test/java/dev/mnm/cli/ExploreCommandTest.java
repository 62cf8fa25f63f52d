package dev.mnm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExploreCommandTest {
    @Test
    void aCompleteSafeSearchExitsZero() {
        SimulateCommandTest.Run r = SimulateCommandTest.mnm("explore", "--protocol", "protected-memory-paxos",
                "--processes", "2", "--memories", "3", "--crashes", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("states: ").contains("transitions").contains("search: complete")
                .contains("violations: none");
    }

    @Test
    void aDelayBoundedSearchPrintsItsBound() {
        SimulateCommandTest.Run r = SimulateCommandTest.mnm("explore", "--protocol", "protected-memory-paxos",
                "--processes", "3", "--memories", "3", "--crashes", "1", "--leader-changes", "2", "--emissions", "12",
                "--depth", "45", "--delays", "1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("≤1 delays from the oldest-first order").contains("violations: none");
    }

    @Test
    void aReplayPrintsItsSteps() {
        SimulateCommandTest.Run r = SimulateCommandTest.mnm("explore", "--protocol", "protected-memory-paxos",
                "--processes", "2", "--memories", "3", "--replay", "l1.1,l2.1,x1.1,r1.1");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("1. Ω tells p1 that p1 leads").contains("p1 receives the reply of Write")
                .contains("p2 decides v1").contains("invariants: ok");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--crashes 2 | process crashes must be between 0 and f_P = 1",
        "--memory-crashes 2 | memory crashes must be between 0 and f_M = 1",
        "--protocol zab | unknown protocol 'zab'",
        "--replay q1 | bad step 'q1'",
        "--depth 0 | at least 1",
        "--delays -1 | --delays must be between 0 and 20"})
    void badParametersExitTwoNamingTheRule(String args, String message) {
        SimulateCommandTest.Run r = SimulateCommandTest.mnm(("explore " + args.trim()).split(" +"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }
}
