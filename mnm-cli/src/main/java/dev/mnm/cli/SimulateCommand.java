package dev.mnm.cli;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.protocols.consensus.Algorithms;
import dev.mnm.protocols.registers.Registers;
import dev.mnm.sim.Fault;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.Shrinker;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Sweep;
import dev.mnm.sim.Timing;
import dev.mnm.sim.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnm simulate}: one deterministic simulated consensus run, or a sweep over seeds. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Simulate consensus, registers or the replicated log with faults: outcomes, delays, counts, checks; or sweep many seeds.",
        description = "Runs a consensus algorithm in the deterministic simulator and prints each process's "
            + "decision, its time in delays (a message costs 1 delay, a memory operation 2), and exact counts of "
            + "events, messages and memory operations. Agreement and validity are checked after every event, "
            + "termination at the end. Exit code 0: no violation; 1: a violation (with a replay command); 2: bad usage.",
        footer = {"", "Examples:",
            "  mnm simulate --crash-process 1@1 --crash-memory 3@0",
            "  mnm simulate --protocol swarm-register --clients 4 --memories 3 --ops 200 --crash-memory 2@50 --history h.jsonl",
            "  mnm simulate --protocol disk-paxos --timing common-case",
            "  mnm simulate --protocol log --clients 3 --commands 30 --timing adversarial --random-faults --sweep 200",
            "  mnm simulate --protocol paxos --processes 5 --sweep 2000"})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--protocol", paramLabel = "NAME",
            description = "consensus: paxos | disk-paxos | protected-memory-paxos; registers: swarm-register | abd | "
                    + "max-register | majority-register; log: the KV service's replicated log (default: ${DEFAULT-VALUE})")
    String protocol = "protected-memory-paxos";

    @Option(names = "--processes", paramLabel = "N", description = "number of processes n (default: ${DEFAULT-VALUE})")
    int processes = 3;

    @Option(names = "--memories", paramLabel = "M", description = "number of memories m (default: ${DEFAULT-VALUE})")
    int memories = 3;

    @Option(names = "--fp", paramLabel = "F", description = "process crashes to tolerate, f_P (default: the most the algorithm tolerates with n)")
    Integer fP;

    @Option(names = "--fm", paramLabel = "F", description = "memory crashes to tolerate, f_M (default: the most the algorithm tolerates with m)")
    Integer fM;

    @Option(names = "--crash-process", paramLabel = "ID@T", description = "crash process ID at time T (in delays); repeatable")
    List<String> crashProcesses = new ArrayList<>();

    @Option(names = "--crash-memory", paramLabel = "ID@T", description = "crash memory ID at time T (in delays); repeatable")
    List<String> crashMemories = new ArrayList<>();

    @Option(names = "--timing", paramLabel = "MODEL",
            description = "common-case (every hop exactly one delay) | random (90% of hops half a delay to three, "
                    + "the rest three to twelve) | "
                    + "adversarial (per-channel lags from a very heavy tail, Ω naming several leaders) (default: ${DEFAULT-VALUE})")
    String timing = "common-case";

    @Option(names = "--random-faults", description = "draw faults from the seed: up to f_P process and f_M memory crashes, "
            + "an unstable leader oracle, slow nodes, a partition (implies --timing random unless adversarial is chosen)")
    boolean randomFaults;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the run, or first seed of a sweep (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--sweep", paramLabel = "K", description = "run K seeds with random timing and random faults and print the violations")
    Integer sweep;

    @Option(names = "--horizon", paramLabel = "DELAYS", description = "stop a run after this many delays of virtual time (default: ${DEFAULT-VALUE}; registers: 100000)")
    long horizon = DEFAULT_HORIZON_DELAYS;

    static final long DEFAULT_HORIZON_DELAYS = SimConfig.DEFAULT_HORIZON / Env.DELAY;

    @Option(names = "--shrink", description = "consensus: if the run (or the first failing seed of a sweep) breaks an "
            + "invariant, reduce its schedule to a short one that still does and print it as steps and a replay command")
    boolean shrink;

    @Option(names = "--trace", paramLabel = "FILE", description = "write every event of the run as JSON lines to FILE")
    Path trace;

    @Option(names = "--commands", paramLabel = "K", description = "log: commands per client (default: ${DEFAULT-VALUE})")
    int commands = 20;

    @Option(names = "--clients", paramLabel = "C", description = "registers, log: number of clients (default: ${DEFAULT-VALUE})")
    int clients = 3;

    @Option(names = "--writers", paramLabel = "W", description = "registers: clients 1..W read and write, the rest only read (default: all)")
    Integer writers;

    @Option(names = "--ops", paramLabel = "K", description = "registers: operations per client (default: ${DEFAULT-VALUE})")
    int ops = 100;

    @Option(names = "--history", paramLabel = "FILE", description = "registers: write the client history as JSON lines to FILE "
            + "(and, if the checker rejects it, its report to FILE.html)")
    Path history;

    @Override
    public Integer call() throws IOException {
        if (Registers.byName(protocol).isPresent()) {
            return new RegisterRun(this).call();
        }
        if (protocol.equals(LogRun.PROTOCOL)) {
            return new LogRun(this).call();
        }
        SimConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        if (sweep != null) {
            return runSweep(config, out);
        }
        SimResult result;
        if (trace != null) {
            try (Trace t = new Trace(Files.newBufferedWriter(trace, StandardCharsets.UTF_8), Env.DELAY)) {
                result = dev.mnm.sim.Simulation.run(config, t);
            }
        } else {
            result = dev.mnm.sim.Simulation.run(config);
        }
        print(result, out);
        if (!result.ok()) {
            shrink(result.config(), out);
        }
        return result.ok() ? 0 : 1;
    }

    /** With {@code --shrink}: the failing run's schedule reduced, as steps and a replay command. */
    private void shrink(SimConfig failing, PrintWriter out) {
        if (shrink) {
            out.print(Shrinker.shrink(failing, Shrinker.record(failing)).report());
        }
    }

    private SimConfig config() {
        ConsensusAlgorithm algorithm = Algorithms.byName(protocol).orElseThrow(() -> usage(
                "unknown protocol '" + protocol + "': use one of "
                        + Algorithms.all().stream().map(ConsensusAlgorithm::name).collect(Collectors.joining(", "))
                        + ", " + Registers.all().stream().map(RegisterAlgorithm::name).collect(Collectors.joining(", "))
                        + ", " + LogRun.PROTOCOL));
        if (processes < 1 || processes > 63) {
            throw usage("--processes must be between 1 and 63: " + processes);
        }
        if (memories < 0 || memories > 63) {
            throw usage("--memories must be between 0 and 63: " + memories);
        }
        if (horizon < 1) {
            throw usage("--horizon must be at least 1 delay");
        }
        checkSweep();
        Timing t = timing();
        SimConfig c = SimConfig.of(algorithm, processes, memories)
                .withFaultBounds(fP != null ? fP : algorithm.maxProcessFaults(processes),
                        fM != null ? fM : algorithm.maxMemoryFaults(memories))
                .withTiming(t).withSeed(seed).withHorizon(horizon * Env.DELAY);
        c.resilienceProblem().ifPresent(rule -> {
            throw usage(rule);
        });
        for (String s : crashProcesses) {
            long[] at = parseCrash("--crash-process", s, processes, "processes");
            c = c.withFault(new Fault.CrashProcess((int) at[0], at[1]));
        }
        for (String s : crashMemories) {
            long[] at = parseCrash("--crash-memory", s, memories, "memories");
            c = c.withFault(new Fault.CrashMemory((int) at[0], at[1]));
        }
        return randomFaults ? c.withRandomFaults() : c;
    }

    void checkSweep() {
        if (sweep != null && (sweep < 1 || sweep > 10_000_000)) {
            throw usage("--sweep must be between 1 and 10000000: " + sweep);
        }
    }

    Timing timing() {
        try {
            return Timing.fromCli(timing);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** "ID@T" → {id, time in time units}. */
    long[] parseCrash(String option, String s, int count, String what) {
        String[] parts = s.split("@", -1);
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            int id = Integer.parseInt(parts[0].trim());
            double delays = Double.parseDouble(parts[1].trim());
            if (id < 1 || id > count) {
                throw usage(option + " " + s + ": ID must be between 1 and " + count + " (there are " + count + " " + what + ")");
            }
            if (!(delays >= 0) || delays > 1e12) {
                throw usage(option + " " + s + ": time must be a non-negative number of delays");
            }
            return new long[] {id, Math.round(delays * Env.DELAY)};
        } catch (NumberFormatException e) {
            throw usage(option + " takes ID@T, a process or memory id and a time in delays (e.g. 1@2.5): '" + s + "'");
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static void progress(int k, int total) {
        if (System.console() != null && (k % Math.max(1, total / 100) == 0 || k == total)) {
            int width = 40;
            int filled = (int) ((long) k * width / total);
            System.err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + k + "/" + total);
            if (k == total) {
                System.err.println();
            }
        }
    }

    private static void print(SimResult r, PrintWriter out) {
        SimConfig c = r.config();
        out.printf("%s  n=%d m=%d f_P=%d f_M=%d  timing=%s  seed=%d%n", c.algorithm().name(), c.processes(),
                c.memories(), c.fP(), c.fM(), c.timing().cliName(), c.seed());
        if (!r.crashedProcesses().isEmpty() || !r.crashedMemories().isEmpty()) {
            out.printf("crashed: processes %s, memories %s%n", r.crashedProcesses(), r.crashedMemories());
        }
        for (int p = 1; p <= c.processes(); p++) {
            SimResult.Decision d = r.decisions().get(p);
            String state = d != null ? String.format("decided %s at %.2f delays", d.value(), d.delays())
                    : r.crashedProcesses().contains(p) ? "crashed, undecided" : "undecided";
            out.printf("  process %d: %s%n", p, state);
        }
        double first = r.firstDecisionDelays();
        out.println(first < 0 ? "first decision: none" : String.format("first decision: %.2f delays", first));
        SimResult.Counts k = r.counts();
        out.printf("counts: %d events, %d messages %s, %d memory operations %s%n", k.events(), k.messages(),
                kinds(k.messagesByKind()), k.memoryOps(), kinds(k.memoryOpsByKind()));
        if (!r.terminationExpected()) {
            out.println("note: the faults exceed f_P or f_M, so termination is not guaranteed and was not checked");
        }
        if (r.ok()) {
            out.println("invariants: uniform agreement, validity" + (r.terminationExpected() ? ", termination" : "") + ": ok");
        } else {
            out.println("VIOLATION " + r.failureReport());
        }
    }

    private static String kinds(Map<String, Long> byKind) {
        return byKind.isEmpty() ? "" : new java.util.TreeMap<>(byKind).toString();
    }

    private int runSweep(SimConfig config, PrintWriter out) {
        long start = System.nanoTime();
        int total = sweep;
        Sweep.Outcome o = Sweep.run(config, config.seed(), total, 20, k -> progress(k, total));
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("%s  n=%d m=%d f_P=%d f_M=%d: %d seeds from %d, random timing and faults, %d events in %.1f s%n",
                config.algorithm().name(), config.processes(), config.memories(), config.fP(), config.fM(),
                o.runs(), config.seed(), o.events(), seconds);
        int exit = violations(out, o.failures().size(), o.report());
        if (!o.ok()) {
            shrink(o.failures().getFirst().config(), out);
        }
        return exit;
    }

    /** Prints a sweep's violations (each with its replay command); the exit code: 0 if none, else 1. */
    static int violations(PrintWriter out, int failures, String report) {
        if (failures == 0) {
            out.println("violations: none");
            return 0;
        }
        out.println("violations (first " + failures + "):");
        out.print(report);
        return 1;
    }
}
