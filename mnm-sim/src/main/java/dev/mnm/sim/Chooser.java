package dev.mnm.sim;

/**
 * The one source of every nondeterministic choice in a simulated run (DESIGN principle 3):
 * delays, fault times, leader-oracle instability. A seed drives it; a shrinker or an exhaustive
 * explorer can drive it instead.
 */
public interface Chooser {
    /** A value in {@code [0, bound)}. */
    int below(int bound);

    /** A value in {@code [lo, hi]}. */
    long between(long lo, long hi);

    /** True with probability {@code percent}/100. */
    default boolean chance(int percent) {
        return below(100) < percent;
    }
}
