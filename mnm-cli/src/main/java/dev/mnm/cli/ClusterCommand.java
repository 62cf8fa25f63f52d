package dev.mnm.cli;

import dev.mnm.services.LocalCluster;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnm cluster}: a whole replicated key-value service on 127.0.0.1, with embedded defaults. */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Start a replicated key-value service on 127.0.0.1 (memory nodes + process nodes), speaking RESP.",
        description = "Starts M memory nodes and N process nodes in this JVM, each on its own TCP port of 127.0.0.1, "
                + "with freshly generated Ed25519 keys. The processes replicate a log over the memories with Protected "
                + "Memory Paxos (the leader writes each entry into the memories in one round trip) and serve RESP, so "
                + "redis-cli and redis-benchmark work. Any node accepts clients. Runs until Ctrl-C (or --for).",
        footer = {"", "Example:", "  mnm cluster            # then: redis-cli -p 7379 set k v; redis-cli -p 7381 get k"})
final class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--processes", paramLabel = "N", description = "process nodes (default: ${DEFAULT-VALUE})")
    int processes = 3;

    @Option(names = "--memories", paramLabel = "M", description = "memory nodes; tolerates (M-1)/2 crashes (default: ${DEFAULT-VALUE})")
    int memories = 3;

    @Option(names = "--port", paramLabel = "P", description = "RESP port of process 1; process p listens on P+p-1 "
            + "(default: ${DEFAULT-VALUE}; 0 picks free ports)")
    int port = 7379;

    @Option(names = "--for", paramLabel = "SECONDS", description = "stop by itself after this long (default: run until Ctrl-C)")
    Double seconds;

    @Override
    public Integer call() throws Exception {
        if (processes < 1 || processes > 63) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--processes must be between 1 and 63: " + processes);
        }
        if (memories < 1 || memories > 63) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--memories must be between 1 and 63: " + memories);
        }
        if (port < 0 || port + processes - 1 > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must leave room for " + processes
                    + " ports below 65536: " + port);
        }
        if (seconds != null && !(seconds > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--for must be a positive number of seconds");
        }
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(processes, memories, port);
        } catch (Exception e) {
            String why = Main.environmentProblem(e);
            spec.commandLine().getErr().println("mnm: cannot start the cluster: " + (why != null ? why : e.toString())
                    + (port != 0 ? " (RESP ports " + port + "-" + (port + processes - 1) + "; --port 0 picks free ones)" : ""));
            return why != null ? 2 : 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "mnm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("mnm cluster: %d process nodes, %d memory nodes (tolerates %d memory crashes), leader: process 1%n",
                processes, memories, (memories - 1) / 2);
        for (int i = 1; i <= memories; i++) {
            out.printf("  memory node %d   %s%n", i, cluster.memory(i).address());
        }
        for (int p = 1; p <= processes; p++) {
            out.printf("  process %d       RESP on %s%n", p, cluster.respAddress(p));
        }
        out.printf("try: redis-cli -p %d set greeting hello; redis-cli -p %d get greeting%n",
                cluster.respAddress(1).getPort(), cluster.respAddress(Math.min(2, processes)).getPort());
        out.println(seconds == null ? "Ctrl-C stops it." : "stopping after " + seconds + " s.");
        out.flush();
        if (seconds != null) {
            Thread.sleep((long) (seconds * 1000));
            Runtime.getRuntime().removeShutdownHook(hook);
            cluster.close();
            out.println("stopped.");
            return 0;
        }
        stopped.await();
        return 0;
    }
}
