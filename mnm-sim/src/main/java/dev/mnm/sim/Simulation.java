package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deterministic simulated run of a consensus algorithm in a {@link World}: every process
 * proposes {@code v<p>}, the leader oracle Ω is unstable until a seed-drawn time and then names
 * the lowest-id live process, and uniform agreement and validity are checked after every event,
 * termination at the end. A run is a pure function of its {@link SimConfig}.
 */
public final class Simulation {
    /** An explicit limit on the work of one run. */
    public static final long MAX_EVENTS = 20_000_000;
    /** How long after a crash the leader oracle notices it, once stable. */
    static final long DETECTION = 2 * Env.DELAY;

    private final SimConfig config;
    private final Chooser chooser;
    private final World world;
    private final int n;
    private final SimResult.Decision[] decisions;
    private final boolean[] willCrash;
    private final List<String> violations = new ArrayList<>();
    private final ConsensusInvariants invariants;
    private long stableAt;
    private int omegaLeader;
    private int plannedProcessCrashes;
    private int plannedMemoryCrashes;
    private boolean partitionsHeal = true;

    private Simulation(SimConfig config, Chooser chooser, Trace trace) {
        this.config = config;
        this.chooser = chooser;
        this.n = config.processes();
        ConsensusAlgorithm algorithm = config.algorithm();
        this.world = new World(n, config.memories(), algorithm.memoryLayout(n), config.timing(), chooser, trace);
        this.decisions = new SimResult.Decision[n + 1];
        this.willCrash = new boolean[n + 1];
        Bytes[] inputs = new Bytes[n + 1];
        for (int p = 1; p <= n; p++) {
            inputs[p] = Bytes.utf8("v" + p);
        }
        this.invariants = new ConsensusInvariants(inputs, decisions);
        world.onDecide((p, v) -> invariants.decided(p, v, world.now()));
        world.onProcessCrash(p -> {
            if (world.now() >= stableAt) {
                world.at(world.now() + DETECTION, this::refreshOmega);
            }
        });
        for (int p = 1; p <= n; p++) {
            world.install(p, algorithm.create(world.env(p), inputs[p], config.fM()));
        }
    }

    /** Runs {@code config} to the end. */
    public static SimResult run(SimConfig config) {
        return run(config, null);
    }

    /** Runs {@code config} to the end, writing every event to {@code trace} if it is not null. */
    public static SimResult run(SimConfig config, Trace trace) {
        return run(config, new SeededChooser(config.seed()), trace);
    }

    /**
     * Runs {@code config} with every choice — delays, random faults, Ω instability — made by
     * {@code chooser} instead of the config's seed (which then only names the run).
     */
    public static SimResult run(SimConfig config, Chooser chooser, Trace trace) {
        return run(config, chooser, trace, s -> { });
    }

    /** Runs {@code config} with its seed, handing every event that has an effect to {@code schedule} as a {@link Step}. */
    static SimResult run(SimConfig config, Trace trace, Consumer<Step> schedule) {
        return run(config, new SeededChooser(config.seed()), trace, schedule);
    }

    private static SimResult run(SimConfig config, Chooser chooser, Trace trace, Consumer<Step> schedule) {
        Optional<String> problem = config.resilienceProblem();
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        Simulation s = new Simulation(config, chooser, trace);
        s.world.recordSchedule(schedule);
        return s.execute();
    }

    private SimResult execute() {
        List<Fault> faults = new ArrayList<>(config.faults());
        stableAt = config.stableAt();
        if (config.randomFaults()) {
            stableAt = Math.max(stableAt, RandomFaults.draw(chooser, config, faults));
        }
        for (Fault f : faults) {
            install(f);
        }
        for (int p = 1; p <= n; p++) {
            int q = p;
            world.at(0, () -> world.protocol(q).start());
        }
        world.at(stableAt, this::refreshOmega);
        long events = 0;
        while (world.step(config.horizon())) {
            invariants.check(violations);
            if (!violations.isEmpty() || allCorrectDecided()) {
                break;
            }
            if (++events >= MAX_EVENTS) {
                violations.add("run exceeded " + MAX_EVENTS + " events");
                break;
            }
        }
        boolean terminationExpected = plannedProcessCrashes <= config.fP() && plannedMemoryCrashes <= config.fM()
                && stableAt < config.horizon() && partitionsHeal;
        if (violations.isEmpty() && terminationExpected && !allCorrectDecided()) {
            List<Integer> undecided = new ArrayList<>();
            for (int p = 1; p <= n; p++) {
                if (!willCrash[p] && decisions[p] == null) {
                    undecided.add(p);
                }
            }
            violations.add("termination: correct processes " + undecided + " undecided after "
                    + (double) world.now() / Env.DELAY + " delays");
        }
        Map<Integer, SimResult.Decision> decided = new TreeMap<>();
        Set<Integer> crashedP = new TreeSet<>();
        Set<Integer> crashedM = new TreeSet<>();
        for (int p = 1; p <= n; p++) {
            if (decisions[p] != null) {
                decided.put(p, decisions[p]);
            }
            if (world.crashed(p)) {
                crashedP.add(p);
            }
        }
        for (int i = 1; i <= config.memories(); i++) {
            if (world.memories[i].crashed()) {
                crashedM.add(i);
            }
        }
        world.trace("end", "violations", violations.size());
        return new SimResult(config, decided, crashedP, crashedM, List.copyOf(violations), terminationExpected,
                world.now(), world.counts());
    }

    private boolean allCorrectDecided() {
        for (int p = 1; p <= n; p++) {
            if (!willCrash[p] && decisions[p] == null) {
                return false;
            }
        }
        return true;
    }

    private void install(Fault f) {
        switch (f) {
            case Fault.CrashProcess c -> {
                world.checkProcess(c.process());
                if (!willCrash[c.process()]) {
                    willCrash[c.process()] = true;
                    plannedProcessCrashes++;
                }
                world.at(c.time(), () -> world.crashProcess(c.process()));
            }
            case Fault.CrashMemory c -> {
                world.checkMemory(c.memory());
                plannedMemoryCrashes++;
                world.at(c.time(), () -> world.crashMemory(c.memory()));
            }
            case Fault.Slow s -> world.slow(s.memory(), s.id(), s.factor());
            case Fault.Partition p -> {
                world.partition(p);
                partitionsHeal &= p.until() < config.horizon();
            }
            case Fault.LeaderChange l -> {
                world.checkProcess(l.process());
                world.at(l.time(), () -> tellLeader(l.process(), l.leader()));
            }
        }
    }

    /** Ω once stable: the lowest-id live process, told to every live process when it changes. */
    private void refreshOmega() {
        int leader = 0;
        for (int p = 1; p <= n && leader == 0; p++) {
            if (!world.crashed(p)) {
                leader = p;
            }
        }
        if (leader == 0 || leader == omegaLeader) {
            return;
        }
        omegaLeader = leader;
        for (int p = 1; p <= n; p++) {
            tellLeader(p, leader);
        }
    }

    private void tellLeader(int p, int leader) {
        if (!world.crashed(p)) {
            world.trace("leader", "process", p, "leader", leader);
            world.record(new Step.Leader(p, leader));
            world.protocol(p).onLeader(leader);
        }
    }
}
