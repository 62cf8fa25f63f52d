package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a simulated consensus run produced.
 *
 * @param decisions        process id → its decision (value and virtual time)
 * @param crashedProcesses the processes that crashed during the run
 * @param crashedMemories  the memories that crashed during the run
 * @param violations       broken invariants, empty if the run was correct
 * @param terminationExpected whether the faults were within the algorithm's bounds and Ω
 *                         stabilised, so that every correct process had to decide
 * @param endTime          virtual time when the run stopped
 */
public record SimResult(SimConfig config, Map<Integer, Decision> decisions, Set<Integer> crashedProcesses,
                        Set<Integer> crashedMemories, List<String> violations, boolean terminationExpected,
                        long endTime, Counts counts) {

    public record Decision(Bytes value, long time) {
        public double delays() {
            return (double) time / Env.DELAY;
        }
    }

    /** Exact counts kept by the runtime, never by the protocol. */
    public record Counts(long events, long messages, long memoryOps, Map<String, Long> memoryOpsByKind,
                         Map<String, Long> messagesByKind) {}

    public boolean ok() {
        return violations.isEmpty();
    }

    /** The virtual time of the first decision in delays, or -1 if nobody decided. */
    public double firstDecisionDelays() {
        return decisions.values().stream().mapToLong(Decision::time).min().stream()
                .mapToDouble(t -> (double) t / Env.DELAY).findFirst().orElse(-1);
    }

    /** Every process that neither crashed nor decided. */
    public List<Integer> undecidedCorrect() {
        return java.util.stream.IntStream.rangeClosed(1, config.processes()).boxed()
                .filter(p -> !crashedProcesses.contains(p) && !decisions.containsKey(p)).toList();
    }

    /** A line for a failure report: the seed, the first violation and the command that replays it. */
    public String failureReport() {
        return "seed " + config.seed() + ": " + String.join("; ", violations) + "\n  replay: " + config.replayCommand();
    }
}
