package dev.mnm.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence of {@link Step}s from the initial state (every process started, nothing else done):
 * what the explorer's paths, recorded seeded runs and shrunk counterexamples are. Its compact form
 * is the steps' tokens joined by commas, e.g. {@code l1.1,l2.1,x1.1,r1.1,cp1}.
 */
public record Schedule(List<Step> steps) {
    public Schedule {
        steps = List.copyOf(steps);
    }

    public int size() {
        return steps.size();
    }

    public String encode() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            sb.append(sb.isEmpty() ? "" : ",").append(s.token());
        }
        return sb.toString();
    }

    /** The schedule a compact form names; IllegalArgumentException naming the bad token otherwise. */
    public static Schedule parse(String compact) {
        List<Step> steps = new ArrayList<>();
        for (String token : compact.split(",")) {
            if (!token.isBlank()) {
                steps.add(Step.parse(token));
            }
        }
        return new Schedule(steps);
    }
}
