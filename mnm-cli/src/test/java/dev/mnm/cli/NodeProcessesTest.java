package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as separate OS processes, one node each, started and stopped the way people do:
 * process nodes before their memory nodes (issue 8 item 1), kill -9 of the leader and its restart,
 * and SIGSTOP of the leader while a follower holds a request (issue 8 item 3).
 */
class NodeProcessesTest {
    /** The INFO bulk string of the node at {@code port}, or "" if it does not answer. */
    static String info(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("*1\r\n$4\r\nINFO\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder();
            for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
                head.append((char) c);
            }
            if (!head.toString().startsWith("$")) {
                return "";
            }
            byte[] body = new byte[Integer.parseInt(head.toString().trim().substring(1))];
            in.readFully(body);
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NumberFormatException e) {
            return "";
        }
    }

    /** Sends until the reply is not an error (at most {@code seconds}); the last reply. */
    static String untilOk(int port, double seconds, String... cmd) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String last = null;
        do {
            try {
                last = NodeCommandsTest.call(port, cmd);
            } catch (java.io.IOException notYet) {
                last = "(" + notYet.getMessage() + ")";
            }
            if (last != null && !last.startsWith("-") && !last.startsWith("(")) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return last;
    }

    @Test
    void processNodesStartedFirstServeOnceTheMemoryNodesComeUpAndSurviveTheirLeadersKillAndPause(@TempDir Path dir)
            throws Exception {
        int base = 23_000 + (int) (ProcessHandle.current().pid() % 1_000) * 10;
        assertThat(mnm("init-config", "--dir", dir.toString(), "--resp-port", Integer.toString(base),
                "--memory-port", Integer.toString(base + 5)).exit()).isZero();
        String config = dir.resolve("mnm.properties").toString();
        List<OsNode> all = new ArrayList<>();
        OsNode[] procs = new OsNode[4];
        try {
            for (int p = 1; p <= 3; p++) { // the wrong order: processes first
                procs[p] = OsNode.start(dir.resolve("p" + p + ".log"), "node", "--id", Integer.toString(p), "--config", config);
                all.add(procs[p]);
            }
            Thread.sleep(2_000);
            for (int i = 1; i <= 3; i++) {
                all.add(OsNode.start(dir.resolve("m" + i + ".log"), "memory-node", "--id", Integer.toString(i), "--config", config));
            }
            assertThat(untilOk(base, 30, "SET", "k", "v1")).as(procs[1].output()).isEqualTo("+OK");
            assertThat(NodeCommandsTest.call(base + 2, "GET", "k")).isEqualTo("v1");
            assertThat(procs[1].output()).contains("unreachable").contains("reachable again");

            // SIGSTOP the leader: a request sent to a follower is answered once another leads
            procs[1].signal("STOP");
            long start = System.nanoTime();
            String during = untilOk(base + 1, 20, "INCR", "n");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(during).as("INCR through process 2 while process 1 is stopped (" + ms + " ms)").isEqualTo(":1");
            System.out.println("INCR through a follower while the leader was stopped: answered in " + ms + " ms");
            procs[1].signal("CONT");
            assertThat(untilOk(base, 20, "GET", "n")).as("the old leader, resumed, follows").isEqualTo("1");

            // kill -9 whoever leads now, then restart it: the others go on, it comes back as a follower
            procs[2].kill();
            assertThat(untilOk(base + 2, 20, "INCR", "n")).isEqualTo(":2");
            procs[2] = OsNode.start(dir.resolve("p2b.log"), "node", "--id", "2", "--config", config);
            all.add(procs[2]);
            assertThat(untilOk(base + 1, 30, "GET", "n")).isEqualTo("2");
            assertThat(NodeCommandsTest.call(base, "GET", "k")).isEqualTo("v1");
        } finally {
            for (OsNode n : all) {
                n.close();
            }
        }
    }

    @Test
    void writeKillMemoryOneRestartItWriteKillMemoryTwoAndReadEverythingBack(@TempDir Path dir) throws Exception {
        int base = 27_000 + (int) (ProcessHandle.current().pid() % 1_000) * 10;
        assertThat(mnm("init-config", "--dir", dir.toString(), "--resp-port", Integer.toString(base),
                "--memory-port", Integer.toString(base + 5)).exit()).isZero();
        String config = dir.resolve("mnm.properties").toString();
        List<OsNode> all = new ArrayList<>();
        OsNode[] mems = new OsNode[4];
        try {
            for (int i = 1; i <= 3; i++) {
                mems[i] = OsNode.start(dir.resolve("m" + i + ".log"), "memory-node", "--id", Integer.toString(i), "--config", config);
                all.add(mems[i]);
            }
            for (int p = 1; p <= 3; p++) {
                all.add(OsNode.start(dir.resolve("p" + p + ".log"), "node", "--id", Integer.toString(p), "--config", config));
            }
            for (int k = 0; k < 20; k++) {
                assertThat(untilOk(base + 1, 30, "SET", "a" + k, "1")).isEqualTo("+OK");
            }
            mems[1].kill();
            mems[1] = OsNode.start(dir.resolve("m1b.log"), "memory-node", "--id", "1", "--config", config);
            all.add(mems[1]);
            for (int k = 0; k < 20; k++) {
                assertThat(untilOk(base + 1, 30, "SET", "b" + k, "2")).isEqualTo("+OK");
            }
            for (int k = 0; k < 300 && !mems[1].output().contains("serving"); k++) {
                Thread.sleep(100); // a JVM on a busy machine may take seconds to start
            }
            assertThat(mems[1].output()).contains("restarted: empty");
            // M1 is back, empty: the leader's next write there is refused and a new phase 1 copies
            // the log in. M2 must live until that is done (f_M = 1): write until some leader says so.
            String caughtUp = null;
            for (int k = 0; k < 60 && caughtUp == null; k++) {
                assertThat(untilOk(base + 1, 30, "SET", "c", "3")).isEqualTo("+OK");
                for (int p = 0; p < 3 && caughtUp == null; p++) {
                    String info = info(base + p);
                    if (info.contains("role:leader") && info.contains("memory_1:ok, holds the log")) {
                        caughtUp = info;
                    }
                }
                Thread.sleep(caughtUp == null ? 500 : 0);
            }
            assertThat(caughtUp).as("a leader reports M1 caught up").isNotNull();
            mems[2].kill();
            for (int k = 0; k < 20; k++) {
                assertThat(untilOk(base + 2, 30, "GET", "a" + k)).as("a" + k).isEqualTo("1");
                assertThat(untilOk(base + 2, 30, "GET", "b" + k)).as("b" + k).isEqualTo("2");
            }
            assertThat(untilOk(base, 30, "GET", "c")).isEqualTo("3");
        } catch (AssertionError | RuntimeException e) {
            for (OsNode n : all) { // what each node said, for the failure's diagnosis
                String out = n.output();
                System.err.println("---- " + n + "\n" + out.substring(Math.max(0, out.length() - 6_000)));
            }
            throw e;
        } finally {
            for (OsNode n : all) {
                n.close();
            }
        }
    }
}
