package dev.mnm.sim;

/**
 * A set of 64-bit fingerprints, open addressing with linear probing in one {@code long[]}: about
 * 16 bytes a state where a {@code HashSet<Long>} takes about 60. Zero is stored apart, since it
 * marks a free cell.
 */
final class FingerprintSet {
    private long[] cells = new long[1 << 16];
    private int size;
    private boolean hasZero;

    /** Adds {@code f}; true if it was not there. */
    boolean add(long f) {
        if (f == 0) {
            boolean added = !hasZero;
            hasZero = true;
            size += added ? 1 : 0;
            return added;
        }
        if (2 * (size + 1) > cells.length) {
            grow();
        }
        int mask = cells.length - 1;
        for (int i = (int) Hash64.mix(f) & mask; ; i = (i + 1) & mask) {
            if (cells[i] == f) {
                return false;
            }
            if (cells[i] == 0) {
                cells[i] = f;
                size++;
                return true;
            }
        }
    }

    boolean contains(long f) {
        if (f == 0) {
            return hasZero;
        }
        int mask = cells.length - 1;
        for (int i = (int) Hash64.mix(f) & mask; ; i = (i + 1) & mask) {
            if (cells[i] == f) {
                return true;
            }
            if (cells[i] == 0) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] old = cells;
        cells = new long[old.length * 2];
        int mask = cells.length - 1;
        for (long f : old) {
            if (f != 0) {
                int i = (int) Hash64.mix(f) & mask;
                while (cells[i] != 0) {
                    i = (i + 1) & mask;
                }
                cells[i] = f;
            }
        }
    }
}
