package dev.mnm.sim;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a simulated consensus run is a function of: with the same config (seed included) a
 * run is the same, bit for bit.
 *
 * @param faults         explicit faults (crashes, slow nodes, partitions, leader changes)
 * @param randomFaults   if true, the seed also draws up to f_P process crashes (the leader may be
 *                       among them), up to f_M memory crashes, slow nodes, a partition and an
 *                       unstable leader-oracle period
 * @param stableAt       when the leader oracle Ω starts naming the lowest-id live process
 *                       (random faults draw their own)
 * @param horizon        virtual time after which the run stops
 */
public record SimConfig(ConsensusAlgorithm algorithm, int processes, int memories, int fP, int fM,
                        Timing timing, long seed, List<Fault> faults, boolean randomFaults,
                        long stableAt, long horizon) {
    public static final long DEFAULT_HORIZON = 2_000 * Env.DELAY;

    public SimConfig {
        faults = List.copyOf(faults);
    }

    /** n processes and m memories, the algorithm's largest f_P and f_M, common-case timing, no faults. */
    public static SimConfig of(ConsensusAlgorithm algorithm, int n, int m) {
        return new SimConfig(algorithm, n, m, algorithm.maxProcessFaults(n), algorithm.maxMemoryFaults(m),
                Timing.COMMON_CASE, 1, List.of(), false, 0, DEFAULT_HORIZON);
    }

    public SimConfig withTiming(Timing t) {
        return new SimConfig(algorithm, processes, memories, fP, fM, t, seed, faults, randomFaults, stableAt, horizon);
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(algorithm, processes, memories, fP, fM, timing, s, faults, randomFaults, stableAt, horizon);
    }

    public SimConfig withFaultBounds(int fp, int fm) {
        return new SimConfig(algorithm, processes, memories, fp, fm, timing, seed, faults, randomFaults, stableAt, horizon);
    }

    public SimConfig withFault(Fault f) {
        List<Fault> all = new ArrayList<>(faults);
        all.add(f);
        return new SimConfig(algorithm, processes, memories, fP, fM, timing, seed, all, randomFaults, stableAt, horizon);
    }

    /** Random faults, and random timing unless adversarial timing was chosen: the configuration of a sweep. */
    public SimConfig withRandomFaults() {
        Timing t = timing == Timing.ADVERSARIAL ? timing : Timing.RANDOM;
        return new SimConfig(algorithm, processes, memories, fP, fM, t, seed, faults, true, stableAt, horizon);
    }

    public SimConfig withHorizon(long h) {
        return new SimConfig(algorithm, processes, memories, fP, fM, timing, seed, faults, randomFaults, stableAt, h);
    }

    /** The broken rule, if n, m, f_P and f_M are outside the algorithm's resilience. */
    public Optional<String> resilienceProblem() {
        if (processes < 1 || processes > 63) {
            return Optional.of("processes must be between 1 and 63: " + processes);
        }
        if (memories < 0 || memories > 63) {
            return Optional.of("memories must be between 0 and 63: " + memories);
        }
        if (fP < 0 || fM < 0) {
            return Optional.of("f_P and f_M cannot be negative");
        }
        return algorithm.checkResilience(processes, memories, fP, fM);
    }

    /** A command line that replays this run (explicit faults other than crashes are not expressible there). */
    public String replayCommand() {
        StringBuilder sb = new StringBuilder("./mnm simulate --protocol ").append(algorithm.name())
                .append(" --processes ").append(processes).append(" --memories ").append(memories)
                .append(" --fp ").append(fP).append(" --fm ").append(fM)
                .append(" --timing ").append(timing.cliName()).append(" --seed ").append(seed);
        if (randomFaults) {
            sb.append(" --random-faults");
        }
        if (horizon != DEFAULT_HORIZON) {
            sb.append(" --horizon ").append(delays(horizon));
        }
        for (Fault f : faults) {
            switch (f) {
                case Fault.CrashProcess c -> sb.append(" --crash-process ").append(c.process()).append('@')
                        .append(delays(c.time()));
                case Fault.CrashMemory c -> sb.append(" --crash-memory ").append(c.memory()).append('@')
                        .append(delays(c.time()));
                default -> { }
            }
        }
        return sb.toString();
    }

    private static String delays(long t) {
        return t % Env.DELAY == 0 ? Long.toString(t / Env.DELAY) : Double.toString((double) t / Env.DELAY);
    }
}
