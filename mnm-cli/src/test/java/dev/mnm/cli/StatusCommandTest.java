package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.services.LocalCluster;
import org.junit.jupiter.api.Test;

/** Issue 8 item 9: {@code mnm status} and {@code INFO replication} show who leads and how far each process is. */
class StatusCommandTest {
    @Test
    void statusNamesTheLeaderAndEveryProcesssView() throws Exception {
        int base = 25_000 + (int) (ProcessHandle.current().pid() % 1_000) * 10;
        try (LocalCluster c = LocalCluster.start(3, 3, base)) {
            assertThat(NodeProcessesTest.untilOk(base, 20, "SET", "k", "v")).isEqualTo("+OK");
            SimulateCommandTest.Run r = null;
            for (int attempt = 0; attempt < 50 && (r == null || r.exit() != 0); attempt++) {
                Thread.sleep(100);
                r = mnm("status", "--port", Integer.toString(base), "--processes", "3");
            }
            System.out.print(r.out());
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("leader: process 1, named by every reachable process")
                    .containsPattern("(?m)^1 +127\\.0\\.0\\.1:" + base + " +leader +1 ")
                    .containsPattern("(?m)^3 +127\\.0\\.0\\.1:" + (base + 2) + " +follower +1 ")
                    .contains("3/3");
            c.killProcess(3);
            c.killMemory(2);
            r = mnm("status", "--port", Integer.toString(base), "--processes", "3");
            System.out.print(r.out());
            assertThat(r.out()).containsPattern("(?m)^3 +127\\.0\\.0\\.1:" + (base + 2) + " +unreachable")
                    .contains("memory 2: ");
        }
        assertThat(mnm("status", "--processes", "0").exit()).isEqualTo(2);
    }

    @Test
    void aBusyPortOrABadDirectoryIsOneLineAndExitTwo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SimulateCommandTest.Run r = mnm("cluster", "--port", Integer.toString(busy.getLocalPort()), "--for", "1");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("mnm: cannot start the cluster: cannot listen").doesNotContain("\n\tat ");
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
        java.nio.file.Path file = dir.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        SimulateCommandTest.Run r = mnm("init-config", "--dir", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    }
}
