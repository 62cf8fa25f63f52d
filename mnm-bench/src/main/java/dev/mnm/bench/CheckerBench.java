package dev.mnm.bench;

import dev.mnm.check.Checker;
import dev.mnm.check.Histories;
import dev.mnm.check.Models;
import dev.mnm.check.Op;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput of the linearizability checker, in checked operations per second: a generated
 * linearizable history of 100,000 operations over 100 keys (20 clients), and one hard single-key
 * history (1,000 operations, 16 clients, intervals about 60 time units wide). Median of 5 timed runs after 2 warm-ups.
 *
 * <pre>bin/bench checker</pre>
 */
public final class CheckerBench {
    private CheckerBench() {}

    public static void main(String[] args) {
        System.out.printf("checker benchmark: java %s, %d available processors, one thread%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        run("100,000 ops, 100 keys, 20 clients", Histories.linearizable(100_000, 100, 20, 40, 1));
        run("1,000 ops, 1 key, 16 clients, wide overlap", Histories.linearizable(1_000, 1, 16, 60, 2));
    }

    private static void run(String name, List<Op> ops) {
        double[] rates = new double[5];
        Checker.Verdict verdict = null;
        for (int round = -2; round < rates.length; round++) {
            long start = System.nanoTime();
            verdict = Checker.check(ops, Models.KV, Duration.ofMinutes(5)).verdict();
            double s = (System.nanoTime() - start) / 1e9;
            if (round >= 0) {
                rates[round] = ops.size() / s;
            }
        }
        Arrays.sort(rates);
        System.out.printf("%-45s %-14s %,12.0f ops/s (min %,.0f, max %,.0f)%n", name, verdict, rates[2], rates[0],
                rates[4]);
    }
}
