package dev.mnm.check;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Generated histories, for tests and benchmarks. */
public final class Histories {
    private Histories() {}

    /**
     * A linearizable read/write history: a sequential execution over {@code keys} keys, each
     * operation's interval stretched around its point by up to {@code spread} time units, and no
     * process running two operations at once. Written values are unique.
     */
    public static List<Op> linearizable(int ops, int keys, int processes, int spread, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] state = new String[keys];
        long[] busyUntil = new long[processes];
        List<Op> out = new ArrayList<>(ops);
        long t = 0;
        int attempts = 0;
        while (out.size() < ops && attempts++ < 10 * ops) {
            t += 1 + rnd.nextInt(3);
            int p = rnd.nextInt(processes);
            long from = Math.max(busyUntil[p] + 1, t - rnd.nextInt(spread));
            if (from > t) {
                continue;
            }
            long to = t + rnd.nextInt(spread);
            busyUntil[p] = to;
            int key = rnd.nextInt(keys);
            String f;
            String v;
            if (rnd.nextBoolean()) {
                f = "write";
                v = Integer.toString(out.size());
                state[key] = v;
            } else {
                f = "read";
                v = state[key];
            }
            out.add(new Op(out.size(), p, f, keys == 1 ? null : "k" + key,
                    v == null ? java.util.Collections.singletonList(null) : List.of(v), from, to, Op.Status.OK));
        }
        return out;
    }
}
