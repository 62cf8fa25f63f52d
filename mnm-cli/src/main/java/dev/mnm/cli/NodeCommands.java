package dev.mnm.cli;

import dev.mnm.net.MemoryNode;
import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.services.ClusterConfig;
import dev.mnm.services.KvNode;
import dev.mnm.services.LocalCluster;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The commands that run one node of a cluster per OS process, from a configuration file. */
final class NodeCommands {
    private NodeCommands() {}

    /** Blocks until Ctrl-C (or {@code seconds}), then runs {@code stop}. */
    static void serve(Double seconds, AutoCloseable stop) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                stop.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            done.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        if (seconds != null) {
            Thread.sleep((long) (seconds * 1000));
            Runtime.getRuntime().removeShutdownHook(hook);
            stop.close();
            return;
        }
        done.await();
    }

    /**
     * The file beside the configuration that says memory {@code id} has run: a memory node that
     * finds it knows it restarts empty, and boots marked so ({@code ReplicatedLog.bootRestarted}).
     */
    static Path startedMarker(Path config, int id) {
        Path dir = config.toAbsolutePath().getParent();
        return dir.resolve("memory-" + id + ".started");
    }

    /** The configuration, with {@code id} checked against {@code count(config)}; bad input is a usage error. */
    static ClusterConfig load(CommandLine cl, Path config, int id, java.util.function.ToIntFunction<ClusterConfig> count) {
        ClusterConfig c;
        try {
            c = ClusterConfig.load(config);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "no such configuration file: " + config);
        } catch (Exception e) {
            throw new CommandLine.ParameterException(cl, config + ": " + e.getMessage());
        }
        if (id < 1 || id > count.applyAsInt(c)) {
            throw new CommandLine.ParameterException(cl, "--id must be from 1 to " + count.applyAsInt(c));
        }
        return c;
    }

    @Command(name = "init-config", mixinStandardHelpOptions = true,
            header = "Write a cluster configuration for 127.0.0.1 with fresh Ed25519 keys (for memory-node and node).")
    static final class InitConfig implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, description = "directory for mnm.properties and the key files")
        Path dir;

        @Option(names = "--processes", description = "(default: ${DEFAULT-VALUE})")
        int processes = 3;

        @Option(names = "--memories", description = "(default: ${DEFAULT-VALUE})")
        int memories = 3;

        @Option(names = "--resp-port", description = "RESP port of process 1, then +1 each (default: ${DEFAULT-VALUE})")
        int respPort = 7379;

        @Option(names = "--memory-port", description = "port of memory node 1, then +1 each (default: ${DEFAULT-VALUE})")
        int memoryPort = 7201;

        @Option(names = "--force", description = "replace a configuration and keys already in --dir (the old keys are lost)")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (processes < 1 || processes > 63 || memories < 1 || memories > 63) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--processes and --memories must be from 1 to 63");
            }
            if (respPort < 1 || respPort + processes - 1 > 65_535 || memoryPort < 1 || memoryPort + memories - 1 > 65_535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ports must be from 1 to 65535: --resp-port "
                        + respPort + " + " + processes + " processes, --memory-port " + memoryPort + " + " + memories + " memories");
            }
            if (respPort < memoryPort + memories && memoryPort < respPort + processes) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the RESP ports " + respPort + "-"
                        + (respPort + processes - 1) + " and the memory ports " + memoryPort + "-"
                        + (memoryPort + memories - 1) + " overlap");
            }
            if (!force && java.nio.file.Files.exists(dir.resolve(ClusterConfig.FILE_NAME))) {
                throw new CommandLine.ParameterException(spec.commandLine(), dir.resolve(ClusterConfig.FILE_NAME)
                        + " exists: its keys would be replaced and its nodes could no longer join (--force replaces it)");
            }
            Path file = ClusterConfig.generate(dir, processes, memories, respPort, memoryPort);
            for (int i = 1; i <= 63; i++) { // a new cluster: no memory of it has run yet
                java.nio.file.Files.deleteIfExists(startedMarker(file, i));
            }
            spec.commandLine().getOut().println("wrote " + file + " and " + processes + " private keys beside it");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "memory-node", mixinStandardHelpOptions = true,
            header = "Serve one memory of a cluster over TCP (one-sided operations only; no protocol code).")
    static final class MemoryNodeCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--id", required = true, description = "which memory, 1..m")
        int id;

        @Option(names = "--config", required = true, description = "the cluster configuration (mnm init-config)")
        Path config;

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "(default: this memory's address in the configuration)")
        String listen;

        @Option(names = "--for", paramLabel = "SECONDS", description = "stop by itself after this long")
        Double seconds;

        @Override
        public Integer call() throws Exception {
            ClusterConfig c = load(spec.commandLine(), config, id, ClusterConfig::memories);
            InetSocketAddress at;
            try {
                at = listen != null ? ClusterConfig.parseAddress("--listen", listen) : c.memoryAddresses().get(id);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Path started = startedMarker(config, id);
            boolean restarted = java.nio.file.Files.exists(started);
            int n = c.processes();
            MemoryNode node = restarted
                    ? MemoryNode.restart(id, ReplicatedLog.layout(n, LocalCluster.config(1).slots()), c.keys(), at,
                            memory -> ReplicatedLog.bootRestarted(memory, n, LocalCluster.config(1).slots()))
                    : MemoryNode.start(id, ReplicatedLog.layout(n, LocalCluster.config(1).slots()), c.keys(), at);
            java.nio.file.Files.writeString(started, "memory " + id + " of this cluster has run; it restarts empty\n");
            spec.commandLine().getOut().println("memory node " + id + " serving on " + node.address() + (restarted
                    ? " (restarted: empty, and left out of the log's quorums until the leader has copied the log into it)"
                    : ""));
            spec.commandLine().getOut().flush();
            serve(seconds, node);
            return 0;
        }
    }

    /** Whether {@code key} signs what {@code pub} verifies: the pair init-config wrote. */
    static boolean matches(java.security.PrivateKey key, java.security.PublicKey pub) throws java.security.GeneralSecurityException {
        byte[] probe = "mnm key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature sign = java.security.Signature.getInstance("Ed25519");
        sign.initSign(key);
        sign.update(probe);
        byte[] sig = sign.sign();
        java.security.Signature verify = java.security.Signature.getInstance("Ed25519");
        verify.initVerify(pub);
        verify.update(probe);
        return verify.verify(sig);
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            header = "Run one process node of the key-value service (RESP) from a cluster configuration.")
    static final class ProcessNodeCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--id", required = true, description = "which process, 1..n")
        int id;

        @Option(names = "--config", required = true, description = "the cluster configuration (mnm init-config)")
        Path config;

        @Option(names = "--for", paramLabel = "SECONDS", description = "stop by itself after this long")
        Double seconds;

        @Override
        public Integer call() throws Exception {
            ClusterConfig c = load(spec.commandLine(), config, id, ClusterConfig::processes);
            java.security.PrivateKey key;
            try {
                key = ClusterConfig.privateKey(config, id);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!matches(key, c.keys().get(id))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the private key of process " + id
                        + " beside " + config + " does not match its public key in that file: every memory node would "
                        + "refuse this process (run init-config again, or restore the key it wrote)");
            }
            KvNode node = KvNode.start(id, c.processes(), c.memoryAddresses(), key, c.processAddresses().get(id),
                    LocalCluster.config((c.memories() - 1) / 2));
            node.peers(c.processAddresses());
            spec.commandLine().getOut().println("process " + id + " serving RESP on " + node.respAddress());
            spec.commandLine().getOut().flush();
            serve(seconds, node);
            return 0;
        }
    }
}
