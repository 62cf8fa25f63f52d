package dev.mnm.sim;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulated register workload produced: the client history, the checker's verdict on it,
 * and per operation kind the memory round trips on its critical path and its latency in delays
 * (both counted by the runtime).
 */
public record RegisterResult(RegisterConfig config, History history, Checker.Result check, int[] writeRtts,
                             int[] readRtts, double[] writeDelays, double[] readDelays, int crashedMemories,
                             List<String> violations, SimResult.Counts counts) {
    public boolean ok() {
        return violations.isEmpty();
    }

    /** The p-th percentile (0..100) of {@code xs}, nearest rank; NaN if empty. */
    public static double percentile(double[] xs, double p) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    public static double[] asDoubles(int[] xs) {
        return Arrays.stream(xs).asDoubleStream().toArray();
    }

    public String failureReport() {
        return "seed " + config.seed() + ": " + String.join("; ", violations) + "\n  replay: " + config.replayCommand();
    }
}
