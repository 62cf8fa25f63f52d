package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRunTest {
    @Test
    void aLogRunIsCheckedForLinearizability(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("h.jsonl");
        SimulateCommandTest.Run r = mnm("simulate", "--protocol", "log", "--clients", "2", "--commands", "10",
                "--timing", "adversarial", "--random-faults", "--seed", "7", "--history", h.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("log  n=3 m=3 f_M=1  clients=2 commands=10  timing=adversarial  seed=7")
                .contains("LINEARIZABLE").contains("invariants: linearizable, no fork: ok");
        assertThat(Files.readAllLines(h)).isNotEmpty();
    }

    @Test
    void aSweepReportsNoViolations() {
        SimulateCommandTest.Run r = mnm("simulate", "--protocol", "log", "--clients", "2", "--commands", "10",
                "--timing", "adversarial", "--random-faults", "--sweep", "20");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("20 seeds from 1").contains("violations: none");
    }

    @Test
    void usageMistakesExitTwoWithOneLine() {
        SimulateCommandTest.Run r = mnm("simulate", "--protocol", "log", "--clients", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("mnm: --clients must be between 1 and 64: 0");
        assertThat(mnm("simulate", "--protocol", "log", "--processes", "5").err())
                .startsWith("mnm: --protocol log runs 3 processes and 3 memories");
    }
}
