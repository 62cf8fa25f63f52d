package dev.mnm.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a failing {@link Schedule} — an explorer counterexample, or the recorded events of a
 * failing seeded simulation ({@link #record}) — to a short one that still fails the same way, by
 * delta debugging over its steps: first the shortest failing prefix (the fair continuation of
 * {@link Replay} takes over after it, so cutting the tail replaces the remaining choices by the
 * default, oldest-first ones), then removing fault and Ω steps one at a time, then removing chunks
 * of steps of halving size down to single steps, repeated until nothing more can be removed.
 *
 * <h2>What it guarantees</h2>
 * The result replays (by {@link Replay}, deterministically) to a violation of the same kind as
 * the input's (agreement, validity, termination, double decision), is no longer than the input,
 * and no single step of it can be removed with the violation kept (unless the replay limit
 * stopped the search first). Each candidate is kept in its normalised form, the steps that its
 * replay actually took.
 */
public final class Shrinker {
    /** The most replays one shrink may spend. */
    static final int MAX_REPLAYS = 20_000;

    private final SimConfig setup;
    private final String kind;
    private int replays;

    /**
     * A shrink.
     *
     * @param original the failing schedule as given, replayed
     * @param shrunk   the reduced schedule, replayed (with its readable step list)
     * @param replays  the replays the shrink spent
     */
    public record Result(Replay.Outcome original, Replay.Outcome shrunk, int replays) {
        public String report() {
            return "shrunk from " + original.schedule().size() + " to " + shrunk.schedule().size() + " steps ("
                    + replays + " replays)\n" + shrunk.report();
        }
    }

    private Shrinker(SimConfig setup, String kind) {
        this.setup = setup;
        this.kind = kind;
    }

    /** Shrinks {@code failing}; IllegalArgumentException if its replay does not fail. */
    public static Result shrink(SimConfig setup, Schedule failing) {
        Replay.Outcome original = Replay.run(setup, failing, false);
        if (!original.failed()) {
            throw new IllegalArgumentException("the schedule does not fail when replayed, so there is nothing to shrink");
        }
        Shrinker s = new Shrinker(setup, Replay.kind(original.violation().orElseThrow()));
        List<Step> shrunk = s.reduce(new ArrayList<>(original.schedule().steps()));
        return new Result(Replay.run(setup, failing), Replay.run(setup, new Schedule(shrunk)), s.replays);
    }

    /** The events a seeded simulated run of {@code config} took, in order, as a schedule. */
    public static Schedule record(SimConfig config) {
        List<Step> steps = new ArrayList<>();
        Simulation.run(config, null, steps::add);
        return new Schedule(steps);
    }

    private List<Step> reduce(List<Step> current) {
        current = shortestFailingPrefix(current);
        boolean progress = true;
        while (progress && replays < MAX_REPLAYS) {
            int before = current.size();
            for (int i = current.size() - 1; i >= 0; i--) {
                if (i < current.size() && current.get(i).isFaultOrOmega()) {
                    current = without(current, i, 1, current);
                }
            }
            for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
                for (int start = 0; start < current.size() && replays < MAX_REPLAYS; ) {
                    List<Step> next = without(current, start, chunk, null);
                    if (next != null) {
                        current = next;
                    } else {
                        start += chunk;
                    }
                }
            }
            progress = current.size() < before;
        }
        return current;
    }

    /** The shortest prefix found by doubling and then bisection that still fails, normalised. */
    private List<Step> shortestFailingPrefix(List<Step> steps) {
        int failing = steps.size();
        int passing = -1;
        for (int len = 0; len < steps.size(); len = len == 0 ? 1 : 2 * len) {
            if (fails(steps.subList(0, len)) != null) {
                failing = len;
                break;
            }
            passing = len;
        }
        while (failing - passing > 1) {
            int mid = (failing + passing) >>> 1;
            if (fails(steps.subList(0, mid)) != null) {
                failing = mid;
            } else {
                passing = mid;
            }
        }
        List<Step> normalised = fails(steps.subList(0, failing));
        return normalised != null ? normalised : steps;
    }

    /** {@code steps} without {@code count} steps from {@code start}, normalised, if that still fails; else {@code otherwise}. */
    private List<Step> without(List<Step> steps, int start, int count, List<Step> otherwise) {
        List<Step> candidate = new ArrayList<>(steps.subList(0, start));
        candidate.addAll(steps.subList(Math.min(steps.size(), start + count), steps.size()));
        List<Step> normalised = fails(candidate);
        return normalised != null ? normalised : otherwise;
    }

    /** The steps the replay of {@code candidate} took, if it fails with the same kind of violation; else null. */
    private List<Step> fails(List<Step> candidate) {
        if (replays >= MAX_REPLAYS) {
            return null;
        }
        replays++;
        Replay.Outcome o = Replay.run(setup, new Schedule(candidate), false);
        return o.failed() && Replay.kind(o.violation().orElseThrow()).equals(kind) ? o.schedule().steps() : null;
    }
}
