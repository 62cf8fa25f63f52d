package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisterAndCheckCommandTest {
    @Test
    void aRegisterWorkloadPrintsRoundTripsAndTheVerdict(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("h.jsonl");
        SimulateCommandTest.Run r = mnm("simulate", "--protocol", "swarm-register", "--clients", "3", "--memories", "3",
                "--ops", "50", "--crash-memory", "2@20", "--timing", "random", "--history", h.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("writes").contains("round trips p50").contains("latency in delays")
                .contains("checker: LINEARIZABLE (150 operations").contains("crashed memories: 1");
        assertThat(Files.readAllLines(h)).hasSize(300);

        SimulateCommandTest.Run c = mnm("check", h.toString(), "--model", "register");
        assertThat(c.exit()).isZero();
        assertThat(c.out()).contains("LINEARIZABLE (150 operations");
        assertThat(Files.readString(Path.of(h + ".html"))).contains("LINEARIZABLE");
    }

    @Test
    void theCheckerRejectsTheNaiveMajorityRegistersHistoryAndWritesItsReport(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("m.jsonl");
        SimulateCommandTest.Run r = mnm("simulate", "--protocol", "majority-register", "--clients", "4", "--writers", "1",
                "--ops", "12", "--timing", "random", "--seed", "5", "--history", h.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("checker: NOT_LINEARIZABLE").contains("promised: NONE");
        SimulateCommandTest.Run c = mnm("check", h.toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.out()).contains("NOT_LINEARIZABLE").contains("could not place");
        assertThat(Files.readString(Path.of(h + ".html"))).contains("could not be placed");
    }

    @Test
    void registerSweepsAndBadInput(@TempDir Path dir) throws Exception {
        SimulateCommandTest.Run s = mnm("simulate", "--protocol", "abd", "--sweep", "50", "--ops", "10");
        assertThat(s.exit()).isZero();
        assertThat(s.out()).contains("violations: none").contains("round trips per write");

        assertThat(mnm("simulate", "--protocol", "abd", "--memories", "2", "--fm", "1").err())
                .contains("needs m >= 2f_M + 1");
        assertThat(mnm("simulate", "--protocol", "abd", "--clients", "0").exit()).isEqualTo(2);
        assertThat(mnm("check", dir.resolve("missing.jsonl").toString()).exit()).isEqualTo(2);
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"time\":0}\nnot json\n");
        SimulateCommandTest.Run c = mnm("check", bad.toString());
        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err()).contains("history line 2");
        assertThat(mnm("check", bad.toString(), "--model", "queue").err()).contains("unknown model 'queue'");
    }
}
