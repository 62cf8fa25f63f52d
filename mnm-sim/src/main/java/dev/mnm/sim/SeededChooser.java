package dev.mnm.sim;

import java.util.SplittableRandom;

/** A {@link Chooser} driven by a seed: the same seed gives the same choices, bit for bit. */
public final class SeededChooser implements Chooser {
    private final SplittableRandom random;

    public SeededChooser(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int below(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public long between(long lo, long hi) {
        return lo == hi ? lo : random.nextLong(lo, hi + 1);
    }
}
