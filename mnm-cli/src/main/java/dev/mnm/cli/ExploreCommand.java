package dev.mnm.cli;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.protocols.consensus.Algorithms;
import dev.mnm.sim.DelayBoundedExplorer;
import dev.mnm.sim.Explorer;
import dev.mnm.sim.Replay;
import dev.mnm.sim.Schedule;
import dev.mnm.sim.SimConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnm explore}: every schedule of a small consensus configuration within bounds, or the replay of one. */
@Command(name = "explore", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Explore every schedule of a consensus algorithm within bounds, or replay one schedule.",
        description = "Depth-first search over every delivery order, memory execution and reply order (per-(process, "
            + "memory) FIFO kept), with up to K process and memory crashes and L leader-oracle changes; agreement, "
            + "validity and single decision are checked in every state, termination by a fair continuation. "
            + "Exit code 0: no violation; 1: a violation (with a replay command and the steps); 2: bad usage.",
        footer = {"", "Examples:",
            "  mnm explore --protocol protected-memory-paxos --processes 2 --memories 3 --crashes 1",
            "  mnm explore --protocol paxos --processes 3 --memories 0 --leader-changes 1 --max-states 200000",
            "  mnm explore --protocol disk-paxos --processes 3 --memories 3 --crashes 1 --leader-changes 2 --emissions 12 --depth 45 --delays 2"})
final class ExploreCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--protocol", paramLabel = "NAME", description = "paxos | disk-paxos | protected-memory-paxos (default: ${DEFAULT-VALUE})")
    String protocol = "protected-memory-paxos";

    @Option(names = "--processes", paramLabel = "N", description = "number of processes n (default: ${DEFAULT-VALUE})")
    int processes = 2;

    @Option(names = "--memories", paramLabel = "M", description = "number of memories m (default: ${DEFAULT-VALUE})")
    int memories = 3;

    @Option(names = "--fp", paramLabel = "F", description = "f_P (default: the most the algorithm tolerates with n)")
    Integer fP;

    @Option(names = "--fm", paramLabel = "F", description = "f_M (default: the most the algorithm tolerates with m)")
    Integer fM;

    @Option(names = "--crashes", paramLabel = "K", description = "most process crashes on a path, at most f_P (default: ${DEFAULT-VALUE})")
    int crashes;

    @Option(names = "--memory-crashes", paramLabel = "K", description = "most memory crashes on a path, at most f_M (default: ${DEFAULT-VALUE})")
    int memoryCrashes;

    @Option(names = "--leader-changes", paramLabel = "L", description = "most Ω changes on a path after 'p1 leads' (default: ${DEFAULT-VALUE})")
    int leaderChanges;

    @Option(names = "--depth", paramLabel = "D", description = "most steps on a path (default: ${DEFAULT-VALUE})")
    int depth = Explorer.Bounds.DEFAULT_DEPTH;

    @Option(names = "--emissions", paramLabel = "E", description = "most messages, memory operations and timers one process issues (default: ${DEFAULT-VALUE})")
    int emissions = Explorer.Bounds.DEFAULT_EMISSIONS;

    @Option(names = "--max-states", paramLabel = "S", description = "stop after S distinct states (default: ${DEFAULT-VALUE})")
    int maxStates = Explorer.Bounds.DEFAULT_MAX_STATES;

    @Option(names = "--no-liveness", description = "do not judge termination by a fair continuation at the leaves")
    boolean noLiveness;

    @Option(names = "--delays", paramLabel = "K", description = "instead of every schedule, search those at most 0, 1, … K delays "
            + "from the oldest-first order (delay-bounded search; Ω changes are self-promotions, a process may be dead from the start)")
    Integer delays;

    @Option(names = "--replay", paramLabel = "STEPS", description = "replay this schedule (as printed with a counterexample) instead of exploring")
    String replay;

    @Override
    public Integer call() {
        ConsensusAlgorithm algorithm = Algorithms.byName(protocol).orElseThrow(() -> usage("unknown protocol '" + protocol
                + "': use one of " + Algorithms.all().stream().map(ConsensusAlgorithm::name).collect(Collectors.joining(", "))));
        if (processes < 1 || processes > 63 || memories < 0 || memories > 63) {
            throw usage("--processes must be between 1 and 63 and --memories between 0 and 63");
        }
        SimConfig setup = SimConfig.of(algorithm, processes, memories).withFaultBounds(
                fP != null ? fP : algorithm.maxProcessFaults(processes), fM != null ? fM : algorithm.maxMemoryFaults(memories));
        setup.resilienceProblem().ifPresent(rule -> {
            throw usage(rule);
        });
        PrintWriter out = spec.commandLine().getOut();
        if (replay != null) {
            Schedule schedule;
            try {
                schedule = Schedule.parse(replay);
            } catch (IllegalArgumentException e) {
                throw usage("--replay: " + e.getMessage());
            }
            Replay.Outcome o = Replay.run(setup, schedule);
            out.println(String.join("\n", o.lines()));
            out.println(o.failed() ? "VIOLATION " + o.violation().orElseThrow() : "invariants: ok");
            return o.failed() ? 1 : 0;
        }
        Explorer.Bounds bounds = new Explorer.Bounds(crashes, memoryCrashes, leaderChanges, depth, emissions, maxStates, !noLiveness);
        bounds.problem(setup).ifPresent(rule -> {
            throw usage(rule);
        });
        if (delays != null && (delays < 0 || delays > 20)) {
            throw usage("--delays must be between 0 and 20: " + delays);
        }
        Explorer.Result r = delays == null ? Explorer.explore(setup, bounds)
                : DelayBoundedExplorer.iterate(setup, bounds, delays, s -> { });
        out.print(r.summary());
        if (r.counterexample().isPresent()) {
            out.print(r.counterexample().get().report());
            return 1;
        }
        out.println("violations: none");
        return 0;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
