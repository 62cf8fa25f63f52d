package dev.mnm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code mnm cluster} serves redis-cli (Debian's redis-tools, which .ci/run installs). */
class ClusterCommandTest {
    static String redisCli(int port, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "redis-cli";
        cmd[1] = "-p";
        cmd[2] = Integer.toString(port);
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    @Test
    void redisCliWorksAgainstTheCluster() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "redis-cli is not installed");
        StringWriter out = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        Thread t = Thread.ofPlatform().start(() -> cl.execute("cluster", "--port", "0", "--for", "4"));
        int[] ports = new int[4];
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && ports[3] == 0) {
            Matcher m = Pattern.compile("process (\\d)\\s+RESP on /127.0.0.1:(\\d+)").matcher(out.toString());
            while (m.find()) {
                ports[Integer.parseInt(m.group(1))] = Integer.parseInt(m.group(2));
            }
            Thread.sleep(50);
        }
        assertThat(ports[3]).as(out.toString()).isPositive();
        assertThat(redisCli(ports[1], "set", "greeting", "hello")).isEqualTo("OK");
        assertThat(redisCli(ports[2], "get", "greeting")).isEqualTo("hello");
        assertThat(redisCli(ports[3], "incr", "n")).isEqualTo("1");
        assertThat(redisCli(ports[1], "ping")).isEqualTo("PONG");
        assertThat(redisCli(ports[1], "hgetall", "x")).contains("ERR unknown command 'hgetall'");
        t.join(20_000);
        assertThat(out.toString()).contains("stopped.");
    }

    @Test
    void badClusterParametersExitTwo() {
        assertThat(SimulateCommandTest.mnm("cluster", "--processes", "0").exit()).isEqualTo(2);
        assertThat(SimulateCommandTest.mnm("cluster", "--port", "65535").err()).contains("--port must leave room");
    }
}
