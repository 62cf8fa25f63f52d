package dev.mnm.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Exhaustive, bounded exploration of a consensus algorithm's schedules: a depth-first search over
 * every choice of a {@link StepWorld} — which pending message is delivered, which (process,
 * memory) queue pair executes its oldest operation or delivers its oldest reply, which timer fires
 * — and, within the bounds, which process or memory crashes and which process Ω tells that which
 * process leads (so several may believe they lead at once). It starts where Ω has told every
 * process that p1 leads.
 *
 * <h2>What it guarantees</h2>
 * Within the {@link Bounds}, every reachable state is visited and uniform agreement, validity and
 * single decision are checked in it; if {@link Bounds#liveness} is on, from every state where
 * nothing is pending or a bound cut the path and a live process is undecided, the fair
 * continuation ({@link StepWorld#settle}: Ω stable on the lowest live process, oldest event first)
 * must make every live process decide when the faults are within f_P and f_M, or that is a
 * termination violation. A violation stops the search and comes back as a replayable
 * counterexample. The search is <em>complete</em> only if no path was cut by a bound: the depth
 * bound, the emission bound (a process that has issued more than {@code emissions} messages,
 * memory operations and timers receives nothing more — its inputs stay pending, as if it were
 * very slow — which is what stops two processes that both think they lead from duelling
 * forever; every state visited is still a real state) or the state limit.
 *
 * <h2>Reduction, and why it is sound</h2>
 * States are identified by {@link StepWorld#fingerprint()}, which determines the whole state (see
 * there) including the step count and the faults and Ω changes used, so a state reached again by
 * another interleaving — typically the same independent steps in another order — has exactly the
 * same future within the same remaining budget, and is not explored again. The successors'
 * fingerprints are predicted before any step is taken, so a successor already seen costs nothing
 * but its hash; each prediction is checked against the real fingerprint when the step is taken.
 * Fault and Ω steps are placed only right after a step of the process or memory they concern
 * (see {@link #anchored}): they commute with everything else, so this loses no state. The fair
 * continuation orders pending events by when they were issued, which the fingerprint leaves out:
 * of merged states, the continuation of the first one visited is the one run.
 * The one risk is a 64-bit collision, which would prune a state unseen: with S states its
 * probability is about S²/2⁶⁵, below 10⁻⁵ for ten million states.
 *
 * <h2>Cost</h2>
 * Protocol instances cannot be copied, so the search is stateless: to go back to a state it
 * replays the path from the initial state, once per new state, not once per transition.
 */
public final class Explorer {
    /**
     * The bounds of a search.
     *
     * @param processCrashes most process crashes on a path (at most f_P)
     * @param memoryCrashes  most memory crashes on a path (at most f_M)
     * @param leaderChanges  most Ω outputs on a path beyond the initial "p1 leads"
     * @param depth          most steps on a path (beyond the initial Ω outputs)
     * @param emissions      most messages, memory operations and timers one process issues
     * @param maxStates      stop after this many distinct states
     * @param liveness       whether to judge termination by the fair continuation at the leaves
     */
    public record Bounds(int processCrashes, int memoryCrashes, int leaderChanges, int depth, int emissions,
                         int maxStates, boolean liveness) {
        public static final int DEFAULT_DEPTH = 500;
        public static final int DEFAULT_EMISSIONS = 20;
        public static final int DEFAULT_MAX_STATES = 5_000_000;

        /** No faults, no Ω changes, the default depth, emission and state bounds, liveness judged. */
        public static Bounds none() {
            return new Bounds(0, 0, 0, DEFAULT_DEPTH, DEFAULT_EMISSIONS, DEFAULT_MAX_STATES, true);
        }

        public Bounds withCrashes(int processes, int memories) {
            return new Bounds(processes, memories, leaderChanges, depth, emissions, maxStates, liveness);
        }

        public Bounds withLeaderChanges(int l) {
            return new Bounds(processCrashes, memoryCrashes, l, depth, emissions, maxStates, liveness);
        }

        public Bounds withDepth(int d) {
            return new Bounds(processCrashes, memoryCrashes, leaderChanges, d, emissions, maxStates, liveness);
        }

        public Bounds withEmissions(int e) {
            return new Bounds(processCrashes, memoryCrashes, leaderChanges, depth, e, maxStates, liveness);
        }

        public Bounds withMaxStates(int s) {
            return new Bounds(processCrashes, memoryCrashes, leaderChanges, depth, emissions, s, liveness);
        }

        public Bounds withLiveness(boolean l) {
            return new Bounds(processCrashes, memoryCrashes, leaderChanges, depth, emissions, maxStates, l);
        }

        /** The broken rule if these bounds do not fit {@code setup}, in words. */
        public Optional<String> problem(SimConfig setup) {
            if (processCrashes < 0 || processCrashes > setup.fP()) {
                return Optional.of("process crashes must be between 0 and f_P = " + setup.fP() + ": " + processCrashes);
            }
            if (memoryCrashes < 0 || memoryCrashes > setup.fM()) {
                return Optional.of("memory crashes must be between 0 and f_M = " + setup.fM() + ": " + memoryCrashes);
            }
            if (leaderChanges < 0 || depth < 1 || emissions < 1 || maxStates < 1) {
                return Optional.of("leader changes must be at least 0, and depth, emissions and the state limit at least 1");
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "≤" + processCrashes + " process crashes, ≤" + memoryCrashes + " memory crashes, ≤" + leaderChanges
                    + " Ω changes, depth ≤" + depth + ", ≤" + emissions + " messages+operations+timers per process, ≤"
                    + maxStates + " states, liveness " + (liveness ? "judged" : "not judged");
        }
    }

    /**
     * What a search found.
     *
     * @param states         distinct states (fingerprints) visited
     * @param transitions    steps considered, to new states or to states already seen
     * @param maxDepth       the longest path, in steps beyond the initial Ω outputs
     * @param cutByDepth     paths cut by the depth bound
     * @param heldBack       steps not taken because their process had reached the emission bound
     * @param stateLimitHit  whether the search stopped at the state limit
     * @param continuations  fair continuations run to judge termination
     * @param counterexample the first violation found, replayable
     * @param delays         for a {@link DelayBoundedExplorer} search, the most delays on a path; −1 for this search
     */
    public record Result(SimConfig setup, Bounds bounds, long states, long transitions, int maxDepth, long cutByDepth,
                         long heldBack, boolean stateLimitHit, long continuations, Duration elapsed,
                         Optional<Replay.Outcome> counterexample, int delays) {
        /**
         * Whether every state within the fault and Ω bounds (and the delay bound, if any) was
         * visited: no path was cut by another bound.
         */
        public boolean complete() {
            return cutByDepth == 0 && heldBack == 0 && !stateLimitHit && counterexample.isEmpty();
        }

        public String summary() {
            String search = counterexample.isPresent() ? "stopped at the first violation"
                    : complete() ? "complete (no path cut by a bound)"
                    : "incomplete: " + cutByDepth + " paths cut by the depth bound, " + heldBack
                            + " steps held back by the emission bound" + (stateLimitHit ? ", stopped at the state limit" : "");
            return String.format("explore %s  n=%d m=%d f_P=%d f_M=%d%nbounds: %s%s%n"
                            + "states: %d distinct, %d transitions, max depth %d, %d fair continuations, %.1f s%n"
                            + "search: %s%n",
                    setup.algorithm().name(), setup.processes(), setup.memories(), setup.fP(), setup.fM(), bounds,
                    delays < 0 ? "" : ", ≤" + delays + " delays from the oldest-first order", states, transitions,
                    maxDepth, continuations, elapsed.toNanos() / 1e9, search);
        }
    }

    private final SimConfig setup;
    private final Bounds bounds;
    private final FingerprintSet visited = new FingerprintSet();
    private final List<Step> path = new ArrayList<>();
    private final int prefix;
    private StepWorld world;
    private boolean inPlace;
    private long transitions;
    private int maxDepth;
    private long cutByDepth;
    private long heldBack;
    private long continuations;
    private boolean stateLimitHit;
    private Replay.Outcome found;

    private Explorer(SimConfig setup, Bounds bounds) {
        this.setup = setup;
        this.bounds = bounds;
        for (int p = 1; p <= setup.processes(); p++) {
            path.add(new Step.Leader(p, 1));
        }
        this.prefix = path.size();
    }

    /** Searches every schedule of {@code setup} (its algorithm, n, m, f_P and f_M) within {@code bounds}. */
    public static Result explore(SimConfig setup, Bounds bounds) {
        setup.resilienceProblem().or(() -> bounds.problem(setup)).ifPresent(rule -> {
            throw new IllegalArgumentException(rule);
        });
        long start = System.nanoTime();
        Explorer e = new Explorer(setup, bounds);
        e.rebuild();
        e.visited.add(e.world.fingerprint());
        if (e.world.violations().isEmpty()) {
            e.visit();
        } else {
            e.found = Replay.run(setup, new Schedule(e.path));
        }
        return new Result(setup, bounds, e.visited.size(), e.transitions, e.maxDepth, e.cutByDepth, e.heldBack,
                e.stateLimitHit, e.continuations, Duration.ofNanos(System.nanoTime() - start),
                Optional.ofNullable(e.found), -1);
    }

    /** Explores below the current state, with the world in place there. */
    private void visit() {
        List<Step> events = new ArrayList<>();
        for (Step s : world.events()) {
            if (input(s) > 0 && world.emitted(input(s)) > bounds.emissions()) {
                heldBack++;
            } else {
                events.add(s);
            }
        }
        if (events.isEmpty() && !judgeTermination()) {
            return;
        }
        if (path.size() - prefix >= bounds.depth()) {
            cutByDepth++;
            judgeTermination();
            return;
        }
        List<Step> choices = new ArrayList<>(events);
        addFaultsAndOmega(choices);
        if (!choices.isEmpty() && !inPlace) {
            rebuild(); // the fair continuation moved the world on
        }
        boolean[] fresh = new boolean[choices.size()];
        long[] predicted = new long[choices.size()];
        for (int i = 0; i < choices.size(); i++) {
            predicted[i] = world.predict(choices.get(i));
            fresh[i] = visited.add(predicted[i]);
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
            Step s = choices.get(i);
            world.apply(s);
            path.add(s);
            if (world.fingerprint() != predicted[i]) {
                throw new IllegalStateException("explorer: predicted and actual fingerprints differ after "
                        + new Schedule(path).encode());
            }
            maxDepth = Math.max(maxDepth, path.size() - prefix);
            stateLimitHit = visited.size() >= bounds.maxStates();
            if (!world.violations().isEmpty()) {
                found = Replay.run(setup, new Schedule(path));
            } else {
                visit();
            }
            path.removeLast();
            inPlace = false;
        }
    }

    private void addFaultsAndOmega(List<Step> choices) {
        int n = setup.processes();
        if (world.leaderChanges() < prefix + bounds.leaderChanges()) {
            for (int p = 1; p <= n; p++) {
                for (int q = 1; q <= n; q++) {
                    if (!world.crashed(p) && world.belief(p) != q && world.emitted(p) <= bounds.emissions()
                            && anchored(p)) {
                        choices.add(new Step.Leader(p, q));
                    }
                }
            }
        }
        if (world.processCrashes() < bounds.processCrashes()) {
            for (int p = 1; p <= n; p++) {
                if (!world.crashed(p) && anchored(p)) {
                    choices.add(new Step.CrashProcess(p));
                }
            }
        }
        if (world.memoryCrashes() < bounds.memoryCrashes()) {
            for (int i = 1; i <= setup.memories(); i++) {
                if (!world.memoryCrashed(i) && anchored(-i)) {
                    choices.add(new Step.CrashMemory(i));
                }
            }
        }
    }

    /**
     * Whether a fault or Ω step on {@code actor} (process p &gt; 0, memory -i &lt; 0) may come
     * now: only right after the last step that involves the actor, with nothing but fault and Ω
     * steps in between, or in the block of those at the start. Such a step commutes with every
     * step not involving its actor, so any path can be reordered into this form with the same
     * states along it, and nothing is lost.
     */
    private boolean anchored(int actor) {
        for (int j = path.size() - 1; j >= prefix; j--) {
            Step s = path.get(j);
            if (actor > 0 ? input(s) == actor : s instanceof Step.Execute x && x.memory() == -actor
                    || s instanceof Step.CrashMemory c && c.memory() == -actor) {
                return true;
            }
            if (!s.isFaultOrOmega()) {
                return false;
            }
        }
        return true;
    }

    /** The process whose input {@code s} is (a message, reply, timer, Ω output or crash of it), or 0. */
    static int input(Step s) {
        return switch (s) {
            case Step.Deliver d -> d.to();
            case Step.Reply r -> r.process();
            case Step.Timer t -> t.process();
            case Step.Leader l -> l.process();
            case Step.CrashProcess c -> c.process();
            case Step.Execute x -> 0;
            case Step.CrashMemory c -> 0;
        };
    }

    /**
     * If liveness is judged and a live process is undecided, runs the fair continuation from here
     * (which leaves the world elsewhere); false if it found a violation.
     */
    private boolean judgeTermination() {
        if (!bounds.liveness() || world.allLiveDecided()) {
            return true;
        }
        continuations++;
        world.settle(Replay.SETTLE_STEPS);
        inPlace = false;
        if (world.violations().isEmpty()) {
            return true;
        }
        found = Replay.run(setup, new Schedule(path));
        return false;
    }

    private void rebuild() {
        world = new StepWorld(setup, false);
        for (Step s : path) {
            world.apply(s);
        }
        inPlace = true;
    }
}
