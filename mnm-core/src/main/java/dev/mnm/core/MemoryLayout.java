package dev.mnm.core;

import java.util.List;

/**
 * What an algorithm puts in each memory: how many registers, which regions with which initial
 * permissions, and the {@link LegalChange} rule. Every memory of a run has the same layout.
 */
public record MemoryLayout(int registers, List<Region> regions, LegalChange legalChange) {
    /** The most registers one memory may hold: an explicit limit, as every resource has one. */
    public static final int MAX_REGISTERS = 1 << 20;

    public MemoryLayout {
        if (registers < 1 || registers > MAX_REGISTERS) {
            throw new IllegalArgumentException("registers must be in 1.." + MAX_REGISTERS + ": " + registers);
        }
        regions = List.copyOf(regions);
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("a memory needs at least one region");
        }
        for (Region r : regions) {
            if (r.end() > registers) {
                throw new IllegalArgumentException("region " + r + " exceeds " + registers + " registers");
            }
        }
    }

    /** One region over the whole memory. */
    public static MemoryLayout singleRegion(int registers, Permission initial, LegalChange legalChange) {
        return new MemoryLayout(registers, List.of(new Region(0, registers, initial)), legalChange);
    }
}
