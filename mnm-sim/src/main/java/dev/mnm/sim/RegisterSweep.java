package dev.mnm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Runs a register workload over many seeds with random timing and memory crashes; collects the failing runs. */
public final class RegisterSweep {
    private RegisterSweep() {}

    /**
     * @param rtts per operation kind, how many operations took each number of round trips
     *             ({@code writes[k]}, {@code reads[k]} for k round trips, the last bucket holding the rest)
     */
    public record Outcome(int runs, List<RegisterResult> failures, long operations, long[] writes, long[] reads,
                          int runsWithCrashes) {
        public boolean ok() {
            return failures.isEmpty();
        }

        public String report() {
            StringBuilder sb = new StringBuilder();
            for (RegisterResult f : failures) {
                sb.append(f.failureReport()).append('\n');
            }
            return sb.toString();
        }
    }

    static final int BUCKETS = 8;

    public static Outcome run(RegisterConfig base, long firstSeed, int runs, int maxFailures, IntConsumer progress) {
        List<RegisterResult> failures = new ArrayList<>();
        long ops = 0;
        long[] writes = new long[BUCKETS];
        long[] reads = new long[BUCKETS];
        int crashed = 0;
        for (int k = 0; k < runs; k++) {
            RegisterResult r = RegisterSimulation.run(base.withSeed(firstSeed + k).withRandomFaults());
            ops += r.writeRtts().length + r.readRtts().length;
            for (int x : r.writeRtts()) {
                writes[Math.min(x, BUCKETS - 1)]++;
            }
            for (int x : r.readRtts()) {
                reads[Math.min(x, BUCKETS - 1)]++;
            }
            crashed += r.crashedMemories() > 0 ? 1 : 0;
            if (!r.ok() && failures.size() < maxFailures) {
                failures.add(r);
            }
            progress.accept(k + 1);
        }
        return new Outcome(runs, List.copyOf(failures), ops, writes, reads, crashed);
    }

    public static Outcome run(RegisterConfig base, long firstSeed, int runs) {
        return run(base, firstSeed, runs, 5, k -> { });
    }
}
