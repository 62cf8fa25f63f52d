package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Review attack: random walks over the legal steps of {@link ManualWorld} against the log — any
 * process's oldest operation on any memory executes or answers, timers fire (heartbeats, polls),
 * Ω is played directly, commands are submitted anywhere, one memory crashes, processes crash and
 * restart as fresh instances. Checked: the applied sequences of all incarnations agree where both
 * reach, and every command answered Done stands where its leader applied it (implied by the first).
 * Chunk 2 (below MAX_IN_FLIGHT), 48 slots. Found nothing in 90,000 walks of 3,000–6,000 steps
 * (about 45 Done commands per walk); {@code -Dwalk.seeds}, {@code -Dwalk.base}, {@code -Dwalk.steps}.
 * Ω is played directly at every incarnation, restarted ones included (before the fix of
 * {@link RestartSameNumberTest} that was unsafe).
 */
class LogRandomWalkTest {
    static final ReplicatedLog.Config CFG = new ReplicatedLog.Config(1, 48, 10 * Env.DELAY, 4, 5 * Env.DELAY, 2);

    static String walk(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 3;
        ManualWorld w = new ManualWorld(n, 3, ReplicatedLog.layout(n, CFG.slots()));
        List<List<String>> sequences = new ArrayList<>();
        ReplicatedLog[] logs = new ReplicatedLog[n + 1];
        boolean[] down = new boolean[n + 1];
        List<String> done = new ArrayList<>();
        for (int p = 1; p <= n; p++) {
            logs[p] = fresh(w, p, sequences);
            w.install(p, logs[p]);
            w.start(p);
        }
        boolean memCrashed = false;
        int cmd = 0;
        for (int step = 0; step < STEPS; step++) {
            int k = rnd.nextInt(1000);
            int p = 1 + rnd.nextInt(n);
            int i = 1 + rnd.nextInt(3);
            if (k < 420) {
                for (int t = 0; t < 9 && !w.exec(1 + (p + t) % n, 1 + (i + t / 3) % 3); t++) { }
            } else if (k < 840) {
                for (int t = 0; t < 9 && !w.reply(1 + (p + t) % n, 1 + (i + t / 3) % 3); t++) { }
            } else if (k < 880) {
                if (!down[p]) {
                    w.tick(p);
                }
            } else if (k < 920) {
                if (!down[p]) {
                    logs[p].onOmega(1 + rnd.nextInt(n));
                }
            } else if (k < 975) {
                if (!down[p]) {
                    String c = "c" + cmd++;
                    logs[p].submit(Bytes.utf8(c), o -> {
                        if (o instanceof ReplicatedLog.Outcome.Done) {
                            done.add(c);
                        }
                    });
                }
            } else if (k < 985) {
                if (!down[p]) {
                    logs[p].learner().poll();
                }
            } else if (k < 987 && !memCrashed) {
                memCrashed = true;
                w.memory(i).crash();
            } else if (k < 990) {
                int alive = 0;
                for (int q = 1; q <= n; q++) {
                    alive += down[q] ? 0 : 1;
                }
                if (!down[p] && alive > 1) {
                    down[p] = true;
                    w.crash(p);
                }
            } else if (k < 995) {
                if (down[p]) {
                    down[p] = false;
                    logs[p] = fresh(w, p, sequences);
                    w.restart(p, logs[p]);
                    w.start(p);
                }
            }
            String v = check(sequences);
            if (v != null) {
                return "seed " + seed + ": " + v + "\n" + w.steps();
            }
        }
        STATS[0]++;
        STATS[1] += done.size();
        STATS[2] += sequences.stream().mapToInt(List::size).max().orElse(0);
        return null;
    }

    static final long[] STATS = new long[3];
    static final int STEPS = Integer.getInteger("walk.steps", 3000);

    static ReplicatedLog fresh(ManualWorld w, int p, List<List<String>> sequences) {
        List<String> mine = new ArrayList<>();
        sequences.add(mine);
        return new ReplicatedLog(w.env(p), CFG, c -> {
            mine.add(c.utf8());
            return c;
        });
    }

    static String check(List<List<String>> seqs) {
        for (int a = 0; a < seqs.size(); a++) {
            for (int b = a + 1; b < seqs.size(); b++) {
                List<String> x = seqs.get(a);
                List<String> y = seqs.get(b);
                for (int s = 0; s < Math.min(x.size(), y.size()); s++) {
                    if (!x.get(s).equals(y.get(s))) {
                        return "sequences " + a + " and " + b + " differ at " + s + ": " + x + " vs " + y;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void theLogNeverForks() {
        int seeds = Integer.getInteger("walk.seeds", 5_000);
        long base = Long.getLong("walk.base", 0);
        for (long s = base; s < base + seeds; s++) {
            String v = walk(s);
            assertThat(v).isNull();
        }
        System.out.println("log walks: " + STATS[0] + " runs, " + STATS[1] + " Done, longest sequences total " + STATS[2]);
    }
}
