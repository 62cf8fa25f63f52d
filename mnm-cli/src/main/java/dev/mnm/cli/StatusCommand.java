package dev.mnm.cli;

import dev.mnm.services.ClusterConfig;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnm status}: every process node's view of the cluster, from its {@code INFO replication}. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Show who leads and how far each process node is, asking each one (INFO replication).",
        description = {"Connects to every process node's RESP port (from --config, or --port and --processes for "
                + "mnm cluster) and prints its role, whom it believes leads, its proposal number, commit index, "
                + "entries applied and memories reachable.",
            "Exit status: 0 if exactly one process leads and every reachable process names it, 1 otherwise."},
        footer = {"", "Examples:", "  mnm status                              # mnm cluster on its default ports",
            "  mnm status --config cfg/mnm.properties"})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", description = "a cluster configuration (mnm init-config)")
    Path config;

    @Option(names = "--port", paramLabel = "P", description = "RESP port of process 1; process p on P+p-1 (default: ${DEFAULT-VALUE})")
    int port = 7379;

    @Option(names = "--processes", paramLabel = "N", description = "process nodes, with --port (default: ${DEFAULT-VALUE})")
    int processes = 3;

    @Override
    public Integer call() {
        Map<Integer, InetSocketAddress> targets = new TreeMap<>();
        if (config != null) {
            targets.putAll(NodeCommands.load(spec.commandLine(), config, 1, ClusterConfig::processes).processAddresses());
        } else {
            if (processes < 1 || port < 1 || port + processes - 1 > 65_535) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--processes must be at least 1 and --port + processes − 1 at most 65535");
            }
            for (int p = 1; p <= processes; p++) {
                targets.put(p, new InetSocketAddress("127.0.0.1", port + p - 1));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-8s %-22s %-11s %-7s %-9s %-8s %-8s %s%n", "process", "address", "role", "leader", "proposal",
                "commit", "applied", "memories");
        Map<Integer, Integer> namedLeader = new TreeMap<>();
        int leaders = 0;
        int leaderId = 0;
        for (var e : targets.entrySet()) {
            String where = e.getValue().getHostString() + ":" + e.getValue().getPort();
            Map<String, String> info;
            try {
                info = info(e.getValue());
            } catch (IOException | RuntimeException ex) {
                out.printf("%-8d %-22s unreachable (%s)%n", e.getKey(), where, ex.getMessage());
                continue;
            }
            String role = info.getOrDefault("role", "?");
            if (role.equals("leader")) {
                leaders++;
                leaderId = e.getKey();
            }
            namedLeader.put(e.getKey(), Integer.parseInt(info.getOrDefault("leader", "0")));
            long memories = info.keySet().stream().filter(k -> k.matches("memory_\\d+")).count();
            out.printf("%-8d %-22s %-11s %-7s %-9s %-8s %-8s %s/%d%n", e.getKey(), where, role, info.get("leader"),
                    info.get("proposal"), info.get("commit_index"), info.get("applied"), info.get("memories_reachable"),
                    memories);
            info.forEach((k, v) -> {
                if (k.matches("memory_\\d+") && !v.equals("ok, holds the log")) {
                    out.printf("%-8s   %s: %s%n", "", k.replace('_', ' '), v);
                }
            });
        }
        int lead = leaderId;
        boolean agreed = leaders == 1 && namedLeader.values().stream().allMatch(l -> l == lead);
        out.println(leaders == 0 ? "no process leads now"
                : leaders > 1 ? leaders + " processes believe they lead (the memories' permissions decide which can commit)"
                : "leader: process " + leaderId + (agreed ? ", named by every reachable process" : ", not named by all"));
        out.flush();
        return agreed ? 0 : 1;
    }

    /** The fields of {@code INFO replication} at {@code address}; 2 s to answer. */
    static Map<String, String> info(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2_000);
            s.setSoTimeout(2_000);
            s.getOutputStream().write("*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n".getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new IOException("unexpected reply " + header);
            }
            byte[] body = new byte[Integer.parseInt(header.substring(1))];
            in.readFully(body);
            Map<String, String> fields = new LinkedHashMap<>();
            for (String l : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
                int colon = l.indexOf(':');
                if (colon > 0 && !l.startsWith("#")) {
                    fields.put(l.substring(0, colon), l.substring(colon + 1));
                }
            }
            return fields;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
