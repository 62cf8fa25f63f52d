package dev.mnm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One mnm node as a separate OS process (this JVM's java and class path), for kill -9 and SIGSTOP tests. */
final class OsNode implements AutoCloseable {
    private final Process process;
    private final Path log;

    private OsNode(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mnm args…} with its output in {@code log}. */
    static OsNode start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1"); // many short-lived JVMs on 2 cores: start fast
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new OsNode(p, log);
    }

    @Override
    public String toString() {
        return log.getFileName().toString();
    }

    long pid() {
        return process.pid();
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
