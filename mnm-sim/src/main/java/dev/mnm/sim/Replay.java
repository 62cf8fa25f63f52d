package dev.mnm.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Schedule} does, the one meaning shared by the explorer's counterexamples, the
 * shrinker and {@code mnm explore --replay}: starting from the initial state of a
 * {@link StepWorld}, take each step in turn, skipping any that is not enabled (so that a shrinker
 * may remove steps freely), and stop at the first broken invariant; if none broke, run the fair
 * continuation ({@link StepWorld#settle}), which judges termination. A replay is a pure function
 * of (setup, schedule).
 */
public final class Replay {
    /** The most steps a fair continuation takes before calling a live undecided process stuck. */
    static final int SETTLE_STEPS = 5_000;

    private Replay() {}

    /**
     * A replayed schedule.
     *
     * @param schedule     the steps that were taken (skipped ones left out)
     * @param skipped      how many steps of the given schedule were not enabled and were skipped
     * @param continuation how many steps the fair continuation took
     * @param violation    the first broken invariant, if any
     * @param lines        the readable account: one numbered line per step, decisions and the verdict
     */
    public record Outcome(SimConfig setup, Schedule schedule, int skipped, int continuation, Optional<String> violation,
                          List<String> lines) {
        public boolean failed() {
            return violation.isPresent();
        }

        /** The command that replays this outcome. */
        public String replayCommand() {
            return Replay.command(setup, schedule);
        }

        /** The violation, the replay command and the step list. */
        public String report() {
            return "VIOLATION " + violation.orElse("none") + "\nreplay: " + replayCommand() + "\n"
                    + String.join("\n", lines) + "\n";
        }
    }

    public static Outcome run(SimConfig setup, Schedule schedule) {
        return run(setup, schedule, true);
    }

    static Outcome run(SimConfig setup, Schedule schedule, boolean describe) {
        StepWorld w = new StepWorld(setup, describe);
        List<Step> taken = new ArrayList<>();
        int skipped = 0;
        for (Step s : schedule.steps()) {
            if (!w.violations().isEmpty()) {
                break;
            }
            if (w.enabled(s)) {
                w.apply(s);
                taken.add(s);
            } else {
                skipped++;
            }
        }
        int continuation = w.violations().isEmpty() ? w.settle(SETTLE_STEPS).size() : 0;
        return new Outcome(setup, new Schedule(taken), skipped, continuation,
                w.violations().stream().findFirst(), describe ? List.copyOf(w.lines()) : List.of());
    }

    /** The kind of a violation: agreement, validity, termination or "decided twice". */
    static String kind(String violation) {
        return violation.contains("decided twice") ? "decided twice" : violation.split(":", 2)[0];
    }

    static String command(SimConfig setup, Schedule schedule) {
        return "./mnm explore --protocol " + setup.algorithm().name() + " --processes " + setup.processes()
                + " --memories " + setup.memories() + " --fp " + setup.fP() + " --fm " + setup.fM()
                + " --replay " + (schedule.size() == 0 ? "''" : schedule.encode());
    }
}
