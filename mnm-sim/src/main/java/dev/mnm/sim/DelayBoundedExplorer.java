package dev.mnm.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Delay-bounded search (after Emmi, Qadeer and Rakamarić, "Delay-bounded scheduling", POPL 2011):
 * a depth-first search over the schedules that differ from the deterministic oldest-event-first
 * order in at most {@code k} <em>delays</em>, together with every placement of the Ω changes and
 * crashes the {@link Explorer.Bounds} allow.
 *
 * <p>Why: the exhaustive {@link Explorer} visits every state, and with two processes that both
 * believe they lead over three memories the states number in the hundreds of millions (a process's
 * state is its input sequence, and every order in which it receives replies is a state of its
 * own); a bug such as issue 7's schedule A lies deep in that space. A bug of that kind needs only a
 * few events to be slow — a changePermission that lands late, an acknowledgement that arrives after
 * another — and everything else may happen in order. Searching by the number of such events finds
 * the bugs with few of them first, in a space polynomial in the path length for a fixed k.
 *
 * <h2>The schedules searched</h2>
 * The default next step is the oldest pending event not delayed (the order of {@link
 * StepWorld#events()}: by when each became pending). A <em>delay</em> takes an event out of that
 * order: it is held back until the search chooses to take it, at no cost, right before a later
 * default step that concerns the same process or memory (taking it earlier would change only
 * ages), or until nothing else is pending (then the oldest delayed event goes next). Taking the
 * j-th pending event instead of the first delays the j−1 before it and costs j−1. A reply is never
 * delayed (delaying the execution that produced it has the same effect on its process). A delayed
 * memory execution holds back its whole (process, memory) queue pair, which keeps FIFO order;
 * taking it ends its delay. Ω changes — a process told that it leads — and crashes may come
 * before any step, within their bounds; with a crash allowed, the search also starts with each
 * process dead before Ω first speaks (a leader that died at once). Every path is a schedule of the
 * model, so every violation found is real and replays with {@link Replay}.
 *
 * <h2>Reduction, and its limit</h2>
 * A search state is the world's {@link StepWorld#fingerprint()} (which includes the step count and
 * the Ω changes and crashes used), the set of delayed events and the delays left; a state reached
 * again is not explored again. The fingerprint leaves out the order in which pending events became
 * pending, which decides the default step; of two merged states, the order of the first visited is
 * the one searched. So "no violation within k delays" means: none in the schedules reachable that
 * way, not in every schedule that some order would call k delays from the default.
 */
public final class DelayBoundedExplorer {
    private final SimConfig setup;
    private final Explorer.Bounds bounds;
    private final FingerprintSet visited = new FingerprintSet();
    private final List<Step> path = new ArrayList<>();
    private final int prefix;
    private final int omegaAtStart;
    private StepWorld world;
    private boolean inPlace;
    private long states;
    private long transitions;
    private int maxDepth;
    private long cutByDepth;
    private long heldBack;
    private long continuations;
    private boolean stateLimitHit;
    private Replay.Outcome found;

    private DelayBoundedExplorer(SimConfig setup, Explorer.Bounds bounds, int deadAtStart) {
        this.setup = setup;
        this.bounds = bounds;
        if (deadAtStart > 0) {
            path.add(new Step.CrashProcess(deadAtStart));
        }
        for (int p = 1; p <= setup.processes(); p++) {
            if (p != deadAtStart) {
                path.add(new Step.Leader(p, 1));
            }
        }
        this.prefix = path.size();
        this.omegaAtStart = deadAtStart > 0 ? prefix - 1 : prefix;
    }

    /**
     * Searches the schedules of {@code setup} at most {@code delays} delays from the oldest-first
     * order, within {@code bounds} (its fault, Ω, depth, emission and state bounds).
     *
     * @throws IllegalArgumentException if the bounds do not fit the setup or {@code delays} is negative
     */
    public static Explorer.Result explore(SimConfig setup, Explorer.Bounds bounds, int delays) {
        setup.resilienceProblem().or(() -> bounds.problem(setup)).ifPresent(rule -> {
            throw new IllegalArgumentException(rule);
        });
        if (delays < 0) {
            throw new IllegalArgumentException("delays must be at least 0: " + delays);
        }
        long start = System.nanoTime();
        long states = 0;
        long transitions = 0;
        int maxDepth = 0;
        long cutByDepth = 0;
        long heldBack = 0;
        long continuations = 0;
        boolean stateLimitHit = false;
        Replay.Outcome found = null;
        List<Integer> deadAtStart = new ArrayList<>(); // first each process dead from the start, if crashes are allowed
        for (int p = 1; p <= setup.processes() && bounds.processCrashes() > 0; p++) {
            deadAtStart.add(p);
        }
        deadAtStart.add(0); // then all alive
        for (int dead : deadAtStart) {
            if (found != null || stateLimitHit) {
                break;
            }
            DelayBoundedExplorer e = new DelayBoundedExplorer(setup,
                    bounds.withMaxStates((int) Math.max(1, bounds.maxStates() - states)), dead);
            e.rebuild();
            if (e.world.violations().isEmpty()) {
                e.visit(List.of(), delays);
            } else {
                e.found = Replay.run(setup, new Schedule(e.path));
            }
            states += e.states;
            transitions += e.transitions;
            maxDepth = Math.max(maxDepth, e.maxDepth);
            cutByDepth += e.cutByDepth;
            heldBack += e.heldBack;
            continuations += e.continuations;
            stateLimitHit = e.stateLimitHit;
            found = e.found;
        }
        return new Explorer.Result(setup, bounds, states, transitions, maxDepth, cutByDepth, heldBack, stateLimitHit,
                continuations, Duration.ofNanos(System.nanoTime() - start), Optional.ofNullable(found), delays);
    }

    /**
     * Searches with 0, 1, … up to {@code maxDelays} delays, each a fresh search, and returns the
     * first result with a violation, or the last one; {@code log} receives each search's summary.
     */
    public static Explorer.Result iterate(SimConfig setup, Explorer.Bounds bounds, int maxDelays,
                                          java.util.function.Consumer<String> log) {
        Explorer.Result r = null;
        for (int k = 0; k <= maxDelays; k++) {
            r = explore(setup, bounds, k);
            log.accept(r.summary());
            if (r.counterexample().isPresent()) {
                break;
            }
        }
        return r;
    }

    private record Choice(Step step, List<Step> delayed, int delaysLeft) {}

    /** Explores below the current state, with the world in place there. */
    private void visit(List<Step> delayed, int delaysLeft) {
        List<Step> pending = new ArrayList<>();
        List<Step> held = new ArrayList<>();
        for (Step s : world.events()) {
            if (Explorer.input(s) > 0 && world.emitted(Explorer.input(s)) > bounds.emissions()) {
                heldBack++;
            } else if (delayed.contains(s)) {
                held.add(s);
            } else {
                pending.add(s);
            }
        }
        if (pending.isEmpty() && held.isEmpty()) {
            judgeTermination(); // a leaf, unless an Ω change or a crash comes next
        }
        if (path.size() - prefix >= bounds.depth()) {
            cutByDepth++;
            judgeTermination();
            return;
        }
        List<Choice> choices = new ArrayList<>();
        if (pending.isEmpty() && !held.isEmpty()) {
            choices.add(new Choice(held.getFirst(), without(delayed, held.getFirst()), delaysLeft));
        }
        for (int j = 0; j < pending.size() && j <= delaysLeft; j++) {
            List<Step> more = new ArrayList<>(delayed);
            more.addAll(pending.subList(0, j));
            choices.add(new Choice(pending.get(j), more, delaysLeft - j));
            if (pending.get(j) instanceof Step.Reply) {
                break; // a reply is never delayed
            }
        }
        for (Step h : held) {
            if (!pending.isEmpty() && shareAnActor(h, pending.getFirst())) {
                choices.add(new Choice(h, without(delayed, h), delaysLeft));
            }
        }
        for (Step f : faultsAndOmega()) {
            choices.add(new Choice(f, delayed, delaysLeft));
        }
        if (!inPlace) {
            rebuild(); // the fair continuation moved the world on
        }
        boolean[] fresh = new boolean[choices.size()];
        long[] predicted = new long[choices.size()];
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            predicted[i] = world.predict(c.step());
            fresh[i] = visited.add(key(predicted[i], c.delayed(), c.delaysLeft()));
            states += fresh[i] ? 1 : 0;
            transitions++;
        }
        for (int i = 0; i < choices.size(); i++) {
            if (!fresh[i]) {
                continue;
            }
            if (found != null || stateLimitHit) {
                return;
            }
            if (!inPlace) {
                rebuild();
            }
            Choice c = choices.get(i);
            world.apply(c.step());
            path.add(c.step());
            if (world.fingerprint() != predicted[i]) {
                throw new IllegalStateException("explorer: predicted and actual fingerprints differ after "
                        + new Schedule(path).encode());
            }
            maxDepth = Math.max(maxDepth, path.size() - prefix);
            stateLimitHit = states >= bounds.maxStates();
            if (!world.violations().isEmpty()) {
                found = Replay.run(setup, new Schedule(path));
            } else {
                visit(c.delayed(), c.delaysLeft());
            }
            path.removeLast();
            inPlace = false;
        }
    }

    /** Whether two events concern a common process or memory (an event concerns the process it comes from and goes to). */
    private static boolean shareAnActor(Step a, Step b) {
        long x = actors(a);
        return (x & actors(b)) != 0;
    }

    /** Bits 0–31: processes; bits 32–63: memories. */
    private static long actors(Step s) {
        return switch (s) {
            case Step.Execute x -> 1L << x.process() | 1L << (32 + x.memory());
            case Step.Reply r -> 1L << r.process() | 1L << (32 + r.memory());
            case Step.Deliver d -> 1L << d.from() | 1L << d.to();
            case Step.Timer t -> 1L << t.process();
            default -> 0;
        };
    }

    private static List<Step> without(List<Step> delayed, Step s) {
        List<Step> out = new ArrayList<>(delayed);
        out.remove(s);
        return out;
    }

    private static long key(long fingerprint, List<Step> delayed, int delaysLeft) {
        long h = 0;
        for (Step s : delayed) {
            h += Hash64.mix(s.token().hashCode() * 0x9E3779B97F4A7C15L + 1); // a set: order does not matter
        }
        return Hash64.chain(Hash64.chain(fingerprint, h), delaysLeft);
    }

    private List<Step> faultsAndOmega() {
        List<Step> out = new ArrayList<>();
        int n = setup.processes();
        if (world.leaderChanges() < omegaAtStart + bounds.leaderChanges()) {
            for (int p = 1; p <= n; p++) {
                if (!world.crashed(p) && world.belief(p) != p && world.emitted(p) <= bounds.emissions()) {
                    out.add(new Step.Leader(p, p));
                }
            }
        }
        if (world.processCrashes() < bounds.processCrashes()) {
            for (int p = 1; p <= n; p++) {
                if (!world.crashed(p)) {
                    out.add(new Step.CrashProcess(p));
                }
            }
        }
        if (world.memoryCrashes() < bounds.memoryCrashes()) {
            for (int i = 1; i <= setup.memories(); i++) {
                if (!world.memoryCrashed(i)) {
                    out.add(new Step.CrashMemory(i));
                }
            }
        }
        return out;
    }

    private void judgeTermination() {
        if (!bounds.liveness() || world.allLiveDecided()) {
            return;
        }
        continuations++;
        world.settle(Replay.SETTLE_STEPS);
        inPlace = false;
        if (!world.violations().isEmpty()) {
            found = Replay.run(setup, new Schedule(path));
        }
    }

    private void rebuild() {
        world = new StepWorld(setup, false);
        for (Step s : path) {
            world.apply(s);
        }
        inPlace = true;
    }
}
