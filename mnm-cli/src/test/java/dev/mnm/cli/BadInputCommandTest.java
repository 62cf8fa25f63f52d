package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input mistakes a new user made (issue 9): each exits 2 with one line naming the rule, never a stack trace. */
class BadInputCommandTest {
    private static void usageError(SimulateCommandTest.Run r, String message) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void checkRefusesABinaryFileADirectoryAndABudgetOfZero(@TempDir Path dir) throws Exception {
        Path binary = dir.resolve("h.bin");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, '\n', (byte) 0xc3});
        usageError(mnm("check", binary.toString()), "is not a history: it is not UTF-8 text");
        usageError(mnm("check", dir.toString()), "is a directory, not a history file");
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        usageError(mnm("check", empty.toString(), "--budget", "0"), "--budget must be above 0 and at most 86400 seconds: 0.0");
    }

    @Test
    void checkWarnsAboutAnEmptyHistory(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        SimulateCommandTest.Run r = mnm("check", empty.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("holds no operations; an empty history is trivially linearizable");
        assertThat(r.out()).contains("LINEARIZABLE (0 operations");
    }

    @Test
    void initConfigDoesNotOverwriteAConfigurationUnlessForced(@TempDir Path dir) throws Exception {
        assertThat(mnm("init-config", "--dir", dir.toString()).exit()).isZero();
        byte[] key = Files.readAllBytes(dir.resolve("process-1.key"));
        usageError(mnm("init-config", "--dir", dir.toString()), "mnm.properties exists: its keys would be replaced");
        assertThat(Files.readAllBytes(dir.resolve("process-1.key"))).isEqualTo(key);
        assertThat(mnm("init-config", "--dir", dir.toString(), "--force").exit()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("process-1.key"))).isNotEqualTo(key);
    }

    /** Issue 9: a node with another process's key said "serving RESP" while every memory node refused it. */
    @Test
    void aNodeWithTheWrongKeyIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        assertThat(mnm("init-config", "--dir", dir.toString(), "--resp-port", "17390", "--memory-port", "17395").exit()).isZero();
        Files.copy(dir.resolve("process-2.key"), dir.resolve("process-1.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        usageError(mnm("node", "--id", "1", "--config", dir.resolve("mnm.properties").toString(), "--for", "1"),
                "does not match its public key in that file: every memory node would refuse this process");
    }

    @Test
    void kvRefusesAPortOutOfRange() {
        usageError(mnm("kv", "--port", "99999", "get", "x"), "--port must be between 1 and 65535: 99999");
    }
}
