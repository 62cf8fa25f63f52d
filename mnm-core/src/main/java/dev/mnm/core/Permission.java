package dev.mnm.core;

/**
 * The permission of a memory region (seed 003 §3): three disjoint sets of processes R, W and RW,
 * each a bit mask over process ids 1..63 (bit {@code p} stands for process {@code p}).
 * A process can read if it is in R or RW and write if it is in W or RW.
 */
public record Permission(long r, long w, long rw) {
    public static final int MAX_PROCESSES = 63;

    public Permission {
        if ((r & w) != 0 || (r & rw) != 0 || (w & rw) != 0) {
            throw new IllegalArgumentException("R, W and RW must be disjoint: " + describe(r, w, rw));
        }
        if (((r | w | rw) & 1L) != 0) {
            throw new IllegalArgumentException("process ids start at 1");
        }
    }

    /** Everyone in 1..n may read and write: the disk model. */
    public static Permission allReadWrite(int n) {
        return new Permission(0, 0, all(n));
    }

    /** Single writer {@code p}, everyone else in 1..n reads: (R: Π−{p}, W: ∅, RW: {p}). */
    public static Permission exclusiveWriter(int p, int n) {
        long me = bit(p);
        return new Permission(all(n) & ~me, 0, me);
    }

    /** Nobody may write; everyone in 1..n reads. */
    public static Permission readOnly(int n) {
        return new Permission(all(n), 0, 0);
    }

    public boolean canRead(int p) {
        return ((r | rw) & bit(p)) != 0;
    }

    public boolean canWrite(int p) {
        return ((w | rw) & bit(p)) != 0;
    }

    /** Read and write: needed for the atomic operations CAS and FADD. */
    public boolean canReadWrite(int p) {
        return canRead(p) && canWrite(p);
    }

    /** The mask of process ids 1..n. */
    public static long all(int n) {
        if (n < 0 || n > MAX_PROCESSES) {
            throw new IllegalArgumentException("between 0 and " + MAX_PROCESSES + " processes: " + n);
        }
        return n == 0 ? 0 : ((-1L >>> (63 - n)) & ~1L);
    }

    public static long bit(int p) {
        if (p < 1 || p > MAX_PROCESSES) {
            throw new IllegalArgumentException("process id out of range 1.." + MAX_PROCESSES + ": " + p);
        }
        return 1L << p;
    }

    @Override
    public String toString() {
        return describe(r, w, rw);
    }

    private static String describe(long r, long w, long rw) {
        return "(R:" + set(r) + " W:" + set(w) + " RW:" + set(rw) + ")";
    }

    private static String set(long mask) {
        StringBuilder sb = new StringBuilder("{");
        for (int p = 1; p <= MAX_PROCESSES; p++) {
            if ((mask & (1L << p)) != 0) {
                sb.append(sb.length() > 1 ? "," : "").append(p);
            }
        }
        return sb.append('}').toString();
    }
}
