package dev.mnm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Runs one configuration over many seeds with random timing and random faults, and collects the
 * runs that broke an invariant. Each failure carries its seed and a command that replays it.
 */
public final class Sweep {
    private Sweep() {}

    /** The outcome of a sweep. */
    public record Outcome(int runs, List<SimResult> failures, long events, long decidedRuns, Coverage coverage) {
        public boolean ok() {
            return failures.isEmpty();
        }

        /** Every failure's report, one per line pair. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            for (SimResult f : failures) {
                sb.append(f.failureReport()).append('\n');
            }
            return sb.toString();
        }
    }

    /**
     * How many runs of a sweep exercised each kind of trouble, so that a test can show the sweep
     * is not a row of easy runs.
     *
     * @param processCrashes  runs in which some process crashed
     * @param leaderCrashes   runs in which the initial leader p1 crashed
     * @param memoryCrashes   runs in which some memory crashed
     * @param takeovers       runs whose first decision was made by a process other than p1
     */
    public record Coverage(int processCrashes, int leaderCrashes, int memoryCrashes, int takeovers) {}

    /**
     * Runs seeds {@code firstSeed .. firstSeed + runs - 1} of {@code base} with random faults;
     * {@code progress} hears the number of runs done after each; stops collecting after
     * {@code maxFailures} failures (the runs still count).
     */
    public static Outcome run(SimConfig base, long firstSeed, int runs, int maxFailures, IntConsumer progress) {
        List<SimResult> failures = new ArrayList<>();
        long events = 0;
        long decided = 0;
        int processCrashes = 0;
        int leaderCrashes = 0;
        int memoryCrashes = 0;
        int takeovers = 0;
        for (int k = 0; k < runs; k++) {
            SimResult r = Simulation.run(base.withSeed(firstSeed + k).withRandomFaults());
            events += r.counts().events();
            if (!r.decisions().isEmpty()) {
                decided++;
                long first = r.decisions().values().stream().mapToLong(SimResult.Decision::time).min().orElseThrow();
                if (r.decisions().entrySet().stream().noneMatch(e -> e.getKey() == 1 && e.getValue().time() == first)) {
                    takeovers++;
                }
            }
            processCrashes += r.crashedProcesses().isEmpty() ? 0 : 1;
            leaderCrashes += r.crashedProcesses().contains(1) ? 1 : 0;
            memoryCrashes += r.crashedMemories().isEmpty() ? 0 : 1;
            if (!r.ok() && failures.size() < maxFailures) {
                failures.add(r);
            }
            progress.accept(k + 1);
        }
        return new Outcome(runs, List.copyOf(failures), events, decided,
                new Coverage(processCrashes, leaderCrashes, memoryCrashes, takeovers));
    }

    public static Outcome run(SimConfig base, long firstSeed, int runs) {
        return run(base, firstSeed, runs, 5, k -> { });
    }
}
