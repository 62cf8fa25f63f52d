package dev.mnm.bench;

import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.protocols.consensus.Algorithms;
import dev.mnm.sim.SimConfig;
import dev.mnm.sim.SimResult;
import dev.mnm.sim.Simulation;
import dev.mnm.sim.Sweep;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput of the simulator on one thread: simulated events per second and decided consensus
 * instances per second, for each algorithm, in two workloads — common-case runs (n = 3, m = 3, no
 * faults) and sweep runs (random timing and random faults). Each figure is the median of
 * {@code ROUNDS} timed rounds after {@code WARMUP} untimed ones; min and max are printed beside it.
 *
 * <pre>bin/bench simulator [seconds-per-round]</pre>
 */
public final class SimulatorBench {
    static final int WARMUP = 3;
    static final int ROUNDS = 5;

    private SimulatorBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        System.out.printf("simulator benchmark: java %s, %d available processors, one thread, %.1f s rounds%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), seconds);
        System.out.printf("%-24s %-12s %14s %22s %14s %22s%n", "algorithm", "workload", "events/s", "(min..max)",
                "decisions/s", "(min..max)");
        for (ConsensusAlgorithm a : List.of(Algorithms.PROTECTED_MEMORY_PAXOS, Algorithms.DISK_PAXOS, Algorithms.PAXOS)) {
            bench(a, false, seconds);
            bench(a, true, seconds);
        }
    }

    private static void bench(ConsensusAlgorithm a, boolean faults, double seconds) {
        SimConfig base = SimConfig.of(a, 3, 3);
        double[] eventsPerSecond = new double[ROUNDS];
        double[] decisionsPerSecond = new double[ROUNDS];
        long seed = 1;
        for (int round = -WARMUP; round < ROUNDS; round++) {
            long events = 0;
            long instances = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long now;
            do {
                for (int k = 0; k < 100; k++) {
                    SimResult r;
                    if (faults) {
                        Sweep.Outcome o = Sweep.run(base, seed++, 1);
                        events += o.events();
                        instances += o.decidedRuns();
                        continue;
                    }
                    r = Simulation.run(base.withSeed(seed++));
                    events += r.counts().events();
                    instances += r.decisions().isEmpty() ? 0 : 1;
                }
                now = System.nanoTime();
            } while (now < deadline);
            if (round >= 0) {
                double s = (now - start) / 1e9;
                eventsPerSecond[round] = events / s;
                decisionsPerSecond[round] = instances / s;
            }
        }
        System.out.printf("%-24s %-12s %14s %22s %14s %22s%n", a.name(), faults ? "sweep" : "common-case",
                fmt(median(eventsPerSecond)), range(eventsPerSecond), fmt(median(decisionsPerSecond)),
                range(decisionsPerSecond));
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String range(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return "(" + fmt(s[0]) + ".." + fmt(s[s.length - 1]) + ")";
    }

    private static String fmt(double x) {
        return String.format("%,.0f", x);
    }
}
