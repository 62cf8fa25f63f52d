package dev.mnm.sim;

import dev.mnm.core.Env;
import dev.mnm.core.RegisterAlgorithm;
import java.util.List;

/**
 * A simulated register workload: {@code clients} clients each run {@code ops} operations one after
 * another, half reads and half writes of unique values (clients above {@code writers} only read),
 * over m memories of which up to f_M may crash.
 *
 * @param crashes      explicit memory crashes
 * @param randomFaults draw up to f_M memory crashes and slow memories from the seed (and use random timing)
 */
public record RegisterConfig(RegisterAlgorithm algorithm, int clients, int writers, int memories, int fM, int ops,
                             Timing timing, long seed, List<Fault.CrashMemory> crashes, boolean randomFaults,
                             long horizon) {
    public static final long DEFAULT_HORIZON = 100_000 * Env.DELAY;

    public RegisterConfig {
        crashes = List.copyOf(crashes);
    }

    public static RegisterConfig of(RegisterAlgorithm algorithm, int clients, int memories, int ops) {
        return new RegisterConfig(algorithm, clients, clients, memories, (memories - 1) / 2, ops, Timing.COMMON_CASE,
                1, List.of(), false, DEFAULT_HORIZON);
    }

    public RegisterConfig withSeed(long s) {
        return new RegisterConfig(algorithm, clients, writers, memories, fM, ops, timing, s, crashes, randomFaults, horizon);
    }

    public RegisterConfig withTiming(Timing t) {
        return new RegisterConfig(algorithm, clients, writers, memories, fM, ops, t, seed, crashes, randomFaults, horizon);
    }

    public RegisterConfig withWriters(int w) {
        return new RegisterConfig(algorithm, clients, w, memories, fM, ops, timing, seed, crashes, randomFaults, horizon);
    }

    public RegisterConfig withFm(int f) {
        return new RegisterConfig(algorithm, clients, writers, memories, f, ops, timing, seed, crashes, randomFaults, horizon);
    }

    public RegisterConfig withCrash(int memory, long time) {
        List<Fault.CrashMemory> all = new java.util.ArrayList<>(crashes);
        all.add(new Fault.CrashMemory(memory, time));
        return new RegisterConfig(algorithm, clients, writers, memories, fM, ops, timing, seed, all, randomFaults, horizon);
    }

    public RegisterConfig withRandomFaults() {
        return new RegisterConfig(algorithm, clients, writers, memories, fM, ops, Timing.RANDOM, seed, crashes, true, horizon);
    }

    /** The broken rule, if the configuration is outside what the algorithm or the simulator supports. */
    public java.util.Optional<String> problem() {
        if (clients < 1 || clients > 63) {
            return java.util.Optional.of("clients must be between 1 and 63: " + clients);
        }
        if (writers < 0 || writers > clients) {
            return java.util.Optional.of("writers must be between 0 and the number of clients: " + writers);
        }
        if (memories < 1 || memories > 63) {
            return java.util.Optional.of("memories must be between 1 and 63: " + memories);
        }
        if (ops < 0 || ops > 1_000_000) {
            return java.util.Optional.of("ops must be between 0 and 1000000: " + ops);
        }
        if (crashes.size() > fM) {
            return java.util.Optional.of(crashes.size() + " memory crashes exceed f_M = " + fM);
        }
        return algorithm.checkResilience(memories, fM);
    }

    public String replayCommand() {
        StringBuilder sb = new StringBuilder("./mnm simulate --protocol ").append(algorithm.name())
                .append(" --clients ").append(clients).append(" --writers ").append(writers)
                .append(" --memories ").append(memories).append(" --fm ").append(fM).append(" --ops ").append(ops)
                .append(" --timing ").append(timing.cliName()).append(" --seed ").append(seed);
        if (randomFaults) {
            sb.append(" --random-faults");
        }
        for (Fault.CrashMemory c : crashes) {
            sb.append(" --crash-memory ").append(c.memory()).append('@').append((double) c.time() / Env.DELAY);
        }
        return sb.toString();
    }
}
