package dev.mnm.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The max register's specification as seed 002 states it ("Max Registers"), weaker than
 * linearizability: for reads and writes of integers ({@code null} is ⊥),
 * <ul>
 *   <li>validity: a read returns ⊥ or a value some write invoked before the read returned;</li>
 *   <li>read-read monotonicity: a read returns at least what any read that completed before it began returned;</li>
 *   <li>write-read monotonicity: a read returns at least what any write that completed before it began wrote.</li>
 * </ul>
 * A reliable max register built from fault-prone ones by quorums satisfies these, and SWARM's
 * atomic register needs no more of it; it need not be linearizable (a read may miss a larger
 * value whose write completed while the read was under way, and return a smaller one written later).
 */
public final class MaxRegisterProperties {
    private MaxRegisterProperties() {}

    /** Every violation, described; empty if the history satisfies all three properties. */
    public static List<String> check(List<Op> ops) {
        List<Op> reads = new ArrayList<>();
        List<Op> writes = new ArrayList<>();
        for (Op op : ops) {
            switch (op.f()) {
                case "read" -> reads.add(op);
                case "write" -> writes.add(op);
                default -> throw new IllegalArgumentException("a max register has no operation '" + op.f() + "'");
            }
        }
        List<String> violations = new ArrayList<>();
        // validity: the earliest invocation of each written value
        java.util.Map<Long, Long> firstInvoke = new java.util.HashMap<>();
        for (Op w : writes) {
            firstInvoke.merge(value(w), w.invoke(), Math::min);
        }
        for (Op r : reads) {
            Long v = valueOrNull(r);
            if (v != null && (!firstInvoke.containsKey(v) || firstInvoke.get(v) > r.complete())) {
                violations.add("validity: " + r + " returned a value no write had been invoked with by then");
            }
        }
        // monotonicity: the largest value of any operation that completed before each read began
        monotone("read-read", reads, reads, violations);
        monotone("write-read", writes.stream().filter(w -> !w.info()).toList(), reads, violations);
        return violations;
    }

    private static void monotone(String name, List<Op> before, List<Op> reads, List<String> violations) {
        List<Op> byCompletion = new ArrayList<>(before);
        byCompletion.sort(Comparator.comparingLong(Op::complete));
        long[] completes = new long[byCompletion.size()];
        long[] prefixMax = new long[byCompletion.size()];
        Op[] witness = new Op[byCompletion.size()];
        long max = Long.MIN_VALUE;
        Op arg = null;
        for (int k = 0; k < byCompletion.size(); k++) {
            Op o = byCompletion.get(k);
            completes[k] = o.complete();
            Long v = valueOrNull(o);
            if (v != null && v > max) {
                max = v;
                arg = o;
            }
            prefixMax[k] = max;
            witness[k] = arg;
        }
        for (Op r : reads) {
            int k = lastBefore(completes, r.invoke());
            if (k < 0 || witness[k] == null) {
                continue;
            }
            Long v = valueOrNull(r);
            if (v == null || v < prefixMax[k]) {
                violations.add(name + " monotonicity: " + r + " returned less than " + witness[k]
                        + ", which completed before it began");
            }
        }
    }

    /** The last index whose completion time is strictly before {@code t}, or −1. */
    private static int lastBefore(long[] completes, long t) {
        int lo = 0;
        int hi = completes.length - 1;
        int ans = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (completes[mid] < t) {
                ans = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return ans;
    }

    private static long value(Op op) {
        Long v = valueOrNull(op);
        if (v == null) {
            throw new IllegalArgumentException("a max register write needs an integer: " + op);
        }
        return v;
    }

    private static Long valueOrNull(Op op) {
        String s = op.single();
        try {
            return s == null ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a max register holds integers, not '" + s + "'");
        }
    }
}
