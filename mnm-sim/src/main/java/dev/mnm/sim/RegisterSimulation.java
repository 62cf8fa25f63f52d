package dev.mnm.sim;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import dev.mnm.check.MaxRegisterProperties;
import dev.mnm.check.Model;
import dev.mnm.check.Models;
import dev.mnm.core.Env;
import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.core.RegisterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A deterministic simulated run of a register workload in a {@link World}. Every operation is
 * recorded in a Jepsen-style {@link History} with virtual times; at the end the history goes to
 * the linearizability checker (for a max register, also to the checker of seed 002's max-register
 * properties, which is what such a register promises). The runtime counts each operation's memory round trips on its
 * critical path (the depth of its causal chain of memory operations) and its latency.
 */
public final class RegisterSimulation {
    /** How long the checker may take on one run's history before answering UNKNOWN. */
    static final Duration CHECK_BUDGET = Duration.ofSeconds(10);

    private final RegisterConfig config;
    private final Chooser chooser;
    private final World world;
    private final History history = new History();
    private final int[] done;
    private final List<Integer> writeRtts = new ArrayList<>();
    private final List<Integer> readRtts = new ArrayList<>();
    private final List<Double> writeDelays = new ArrayList<>();
    private final List<Double> readDelays = new ArrayList<>();

    private RegisterSimulation(RegisterConfig config, Trace trace) {
        this.config = config;
        this.chooser = new SeededChooser(config.seed());
        RegisterAlgorithm a = config.algorithm();
        this.world = new World(config.clients(), config.memories(), a.memoryLayout(config.clients()),
                a.reliableMemory(config.clients()).orElse(null), config.timing(), chooser, trace);
        this.done = new int[config.clients() + 1];
        for (int c = 1; c <= config.clients(); c++) {
            world.install(c, a.create(world.env(c), config.fM()));
        }
    }

    public static RegisterResult run(RegisterConfig config) {
        return run(config, null);
    }

    public static RegisterResult run(RegisterConfig config, Trace trace) {
        config.problem().ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return new RegisterSimulation(config, trace).execute();
    }

    private RegisterResult execute() {
        List<Fault.CrashMemory> crashes = new ArrayList<>(config.crashes());
        if (config.randomFaults()) {
            List<Integer> victims = new ArrayList<>();
            for (int i = 1; i <= config.memories(); i++) {
                victims.add(i);
            }
            int k = chooser.below(config.fM() + 1 - crashes.size());
            for (int j = 0; j < k; j++) {
                crashes.add(new Fault.CrashMemory(victims.remove(chooser.below(victims.size())),
                        chooser.between(0, 20L * config.ops() * Env.DELAY)));
            }
            if (chooser.chance(20)) {
                world.slow(true, 1 + chooser.below(config.memories()), 2 + chooser.below(3));
            }
        }
        for (Fault.CrashMemory c : crashes) {
            world.at(c.time(), () -> world.crashMemory(c.memory()));
        }
        for (int c = 1; c <= config.clients(); c++) {
            int client = c;
            world.at(0, () -> next(client));
        }
        while (world.step(config.horizon())) {
            // run to quiescence: background work after the last operation runs too
        }
        List<String> violations = new ArrayList<>();
        for (int c = 1; c <= config.clients(); c++) {
            if (done[c] < config.ops()) {
                violations.add("liveness: client " + c + " finished " + done[c] + " of " + config.ops()
                        + " operations by " + (double) world.now() / Env.DELAY + " delays");
                break;
            }
        }
        RegisterAlgorithm.Guarantee guarantee = config.algorithm().guarantee();
        Model model = guarantee == RegisterAlgorithm.Guarantee.MAX_REGISTER ? Models.MAX_REGISTER : Models.REGISTER;
        Checker.Result check = Checker.check(history.ops(), model, CHECK_BUDGET);
        switch (guarantee) {
            case LINEARIZABLE_REGISTER -> {
                if (check.verdict() != Checker.Verdict.LINEARIZABLE) {
                    violations.add("linearizability: the checker says " + check.verdict());
                }
            }
            case MAX_REGISTER -> MaxRegisterProperties.check(history.ops()).stream().findFirst()
                    .ifPresent(v -> violations.add("max register: " + v));
            case NONE -> { }
        }
        int crashed = 0;
        for (int i = 1; i <= config.memories(); i++) {
            crashed += world.memories[i].crashed() ? 1 : 0;
        }
        return new RegisterResult(config, history, check, ints(writeRtts), ints(readRtts), doubles(writeDelays),
                doubles(readDelays), crashed, List.copyOf(violations), world.counts());
    }

    /** Starts client {@code c}'s next operation after a think time. */
    private void next(int c) {
        if (done[c] >= config.ops()) {
            return;
        }
        RegisterClient client = (RegisterClient) world.protocol(c);
        boolean write = c <= config.writers() && chooser.chance(50);
        long start = world.now();
        if (write) {
            long value = (long) c * 1_000_000 + done[c] + 1;
            history.invoke(c, "write", null, List.of(Long.toString(value)), start);
            world.trace("invoke", "client", c, "f", "write", "value", value);
            client.write(value, () -> {
                history.complete(c, History.Type.OK, List.of(Long.toString(value)), world.now());
                world.trace("ok", "client", c, "f", "write", "value", value, "rtts", world.depth());
                writeRtts.add(world.depth());
                writeDelays.add((double) (world.now() - start) / Env.DELAY);
                finished(c);
            });
        } else {
            history.invoke(c, "read", null, null, start);
            world.trace("invoke", "client", c, "f", "read");
            client.read(v -> {
                history.complete(c, History.Type.OK,
                        v == null ? Collections.singletonList(null) : List.of(Long.toString(v)), world.now());
                world.trace("ok", "client", c, "f", "read", "value", String.valueOf(v), "rtts", world.depth());
                readRtts.add(world.depth());
                readDelays.add((double) (world.now() - start) / Env.DELAY);
                finished(c);
            });
        }
    }

    private void finished(int c) {
        done[c]++;
        long think = config.timing() == Timing.COMMON_CASE ? 0 : chooser.between(0, 2 * Env.DELAY);
        world.at(world.now() + think, () -> next(c));
    }

    private static int[] ints(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] doubles(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
