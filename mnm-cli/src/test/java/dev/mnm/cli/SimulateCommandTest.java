package dev.mnm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulateCommandTest {
    record Run(int exit, String out, String err) {}

    static Run mnm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource({"protected-memory-paxos, 2.00", "disk-paxos, 4.00", "paxos, 2.00"})
    void commonCaseFirstDecision(String protocol, String delays) {
        Run r = mnm("simulate", "--protocol", protocol, "--processes", "3", "--memories", "3", "--timing", "common-case");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("first decision: " + delays + " delays")
                .contains("process 1: decided v1").contains("process 3: decided v1")
                .contains("uniform agreement, validity, termination: ok");
    }

    @Test
    void theReadmeMainJobDecidesDespiteTheCrashes() {
        Run r = mnm("simulate", "--crash-process", "1@1", "--crash-memory", "3@0");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("crashed: processes [1], memories [3]")
                .contains("process 2: decided v1").contains("process 3: decided v1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--protocol zab | unknown protocol 'zab'",
        "--processes 2 --fp 2 | needs n >= f_P + 1",
        "--memories 2 --fm 1 | needs m >= 2f_M + 1",
        "--protocol paxos --processes 2 --fp 1 | needs n >= 2f_P + 1",
        "--crash-process 9@1 | ID must be between 1 and 3",
        "--crash-memory 1 | takes ID@T",
        "--timing sometimes | unknown timing 'sometimes'",
        "--processes 0 | --processes must be between 1 and 63",
        "--sweep 0 | --sweep must be between 1",
        "--seed abc | Invalid value"})
    void badParametersExitTwoNamingTheRule(String args, String message) {
        String[] words = ("simulate " + args.trim()).split(" +");
        Run r = mnm(words);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(message).contains("--help");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aSweepReportsNoViolations() {
        Run r = mnm("simulate", "--protocol", "disk-paxos", "--sweep", "300", "--seed", "7");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("300 seeds from 7").contains("violations: none");
    }

    @Test
    void faultsBeyondTheBoundsAreReportedAsNotChecked() {
        Run r = mnm("simulate", "--protocol", "paxos", "--processes", "2", "--crash-process", "2@0");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("first decision: none").contains("termination is not guaranteed");
    }

    @Test
    void traceIsWrittenAsJsonLines(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.jsonl");
        Run r = mnm("simulate", "--trace", trace.toString());
        assertThat(r.exit()).isZero();
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"t\":").endsWith("}"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"kind\":\"decide\""));
    }

    @Test
    void helpDocumentsEveryCommand() {
        Run r = mnm("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("simulate");
        Run s = mnm("simulate", "--help");
        assertThat(s.out()).contains("--protocol").contains("--crash-process").contains("--sweep").contains("--trace");
    }

    @Test
    void shrinkHasNothingToDoOnARunThatKeepsItsInvariants() {
        Run r = mnm("simulate", "--protocol", "protected-memory-paxos", "--timing", "adversarial", "--random-faults",
                "--seed", "3", "--horizon", "100000", "--shrink");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("timing=adversarial").doesNotContain("shrunk");
    }
}
