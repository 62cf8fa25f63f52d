package dev.mnm.cli;

import static dev.mnm.cli.SimulateCommandTest.mnm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node per command, from a generated configuration: init-config, memory-node, node. */
class NodeCommandsTest {
    static String call(int port, String... args) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                cmd.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            return line.startsWith("$") && !line.equals("$-1") ? in.readLine() : line;
        }
    }

    @Test
    void aClusterStartsFromItsConfigurationOneNodeAtATime(@TempDir Path dir) throws Exception {
        int base = 21_000 + (int) (ProcessHandle.current().pid() % 2_000) * 10;
        assertThat(mnm("init-config", "--dir", dir.toString(), "--resp-port", Integer.toString(base),
                "--memory-port", Integer.toString(base + 5)).exit()).isZero();
        Path config = dir.resolve("mnm.properties");
        assertThat(Files.readString(config)).contains("process.3.public-key=").doesNotContain("PRIVATE");
        assertThat(dir.resolve("process-2.key")).exists();
        List<Thread> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = Integer.toString(i);
            nodes.add(Thread.ofPlatform().start(() -> mnm("memory-node", "--id", id, "--config", config.toString(), "--for", "8")));
        }
        Thread.sleep(1_000);
        for (int p = 1; p <= 3; p++) {
            String id = Integer.toString(p);
            nodes.add(Thread.ofPlatform().start(() -> mnm("node", "--id", id, "--config", config.toString(), "--for", "6")));
        }
        String ok = null;
        for (int attempt = 0; attempt < 50 && !"+OK".equals(ok); attempt++) {
            Thread.sleep(100);
            try {
                ok = call(base, "SET", "k", "v");
            } catch (java.io.IOException notYet) {
                ok = null;
            }
        }
        assertThat(ok).isEqualTo("+OK");
        String got = null;
        for (int attempt = 0; attempt < 50 && !"v".equals(got); attempt++) { // process 3 may still be starting
            try {
                got = call(base + 2, "GET", "k");
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertThat(got).isEqualTo("v");
        for (Thread t : nodes) {
            t.join(20_000);
        }
    }

    @Test
    void badConfigurationsExitTwoNamingTheProblem(@TempDir Path dir) throws Exception {
        assertThat(mnm("node", "--id", "1", "--config", dir.resolve("none.properties").toString()).err())
                .contains("no such configuration file");
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "processes=3\nmemories=3\nmemory.1=nowhere\n");
        SimulateCommandTest.Run r = mnm("memory-node", "--id", "1", "--config", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("memory.1 must be HOST:PORT");
        SimulateCommandTest.Run ports = mnm("init-config", "--dir", dir.toString(), "--resp-port", "65535");
        assertThat(ports.exit()).isEqualTo(2);
        assertThat(ports.err()).contains("ports must be from 1 to 65535");
        SimulateCommandTest.Run clash = mnm("init-config", "--dir", dir.toString(), "--resp-port", "7500",
                "--memory-port", "7501");
        assertThat(clash.exit()).isEqualTo(2);
        assertThat(clash.err()).contains("overlap");
        mnm("init-config", "--dir", dir.toString());
        assertThat(mnm("node", "--id", "4", "--config", dir.resolve("mnm.properties").toString()).err())
                .contains("--id must be from 1 to 3");
        Files.delete(dir.resolve("process-1.key"));
        assertThat(mnm("node", "--id", "1", "--config", dir.resolve("mnm.properties").toString()).err())
                .contains("no private key for process 1");
    }
}
