package dev.mnm.core;

/**
 * The algorithm's rule for permission changes (seed 003 §3): {@code changePermission} takes
 * effect only if this returns true; otherwise it is a no-op.
 */
@FunctionalInterface
public interface LegalChange {
    boolean allows(int process, int region, Permission current, Permission requested);

    /** Static permissions: every change is a no-op. */
    LegalChange STATIC = (p, region, current, requested) -> false;

    /**
     * Any process may make itself the exclusive writer of a region, (R: Π−{p}, W: ∅, RW: {p}),
     * and nothing else: the rule of Protected Memory Paxos (seed 003 Alg. 6, lines 1–2 and 13).
     */
    static LegalChange takeExclusiveWrite(int n) {
        return (p, region, current, requested) -> requested.equals(Permission.exclusiveWriter(p, n));
    }
}
