package dev.mnm.core;

/**
 * A memory region: the registers {@code [start, end)} of one memory, with an initial permission.
 * Regions of one memory may overlap; an access names the region it goes through and is checked
 * against that region's permission only (seed 003 §3).
 */
public record Region(int start, int end, Permission initial) {
    public Region {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("a region is a non-empty range [start, end): " + start + ".." + end);
        }
    }

    public boolean contains(int register) {
        return register >= start && register < end;
    }
}
