package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Review attack on the follower's read-ahead ({@link Learner}): random walks over ManualWorld's
 * legal steps with a small, compacting log (4 or 8 slots, snapshots every S / 2) and reads of 1 or
 * 2 slots, so that windows are often full with no commit point above the applied one (bursts of
 * commands: four slots in flight with one commit point), ahead reads run past the end of the log
 * and race register reuse and snapshot installs, and processes change roles while reads are out.
 * Checked after every step: no fork among all incarnations' applied sequences, every Done command
 * at its position, and no snapshot that fails to extend what a replica applied (SequenceMachine
 * throws). 9,000 walks (1,500 seeds × 5 shapes) found nothing; {@code -Dwalk.seeds} for more.
 */
class LearnerAheadAttackWalkTest {
    static final int STEPS = Integer.getInteger("walk.steps", 2500);

    static String walk(long seed, int slots, int chunk, boolean compact) {
        ReplicatedLog.Config cfg = new ReplicatedLog.Config(1, slots, 10 * Env.DELAY, 4, 5 * Env.DELAY, chunk);
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 3;
        ManualWorld w = new ManualWorld(n, 3, ReplicatedLog.layout(n, slots));
        List<List<String>> seqs = new ArrayList<>();
        Map<String, Integer> acked = new HashMap<>();
        ReplicatedLog[] logs = new ReplicatedLog[n + 1];
        boolean[] down = new boolean[n + 1];
        for (int p = 1; p <= n; p++) {
            logs[p] = fresh(w, p, cfg, seqs, compact);
            w.install(p, logs[p]);
            w.start(p);
        }
        boolean memCrashed = false;
        int cmd = 0;
        try {
            for (int step = 0; step < STEPS; step++) {
                int k = rnd.nextInt(1000);
                int p = 1 + rnd.nextInt(n);
                int i = 1 + rnd.nextInt(3);
                if (k < 400) {
                    for (int t = 0; t < 9 && !w.exec(1 + (p + t) % n, 1 + (i + t / 3) % 3); t++) { }
                } else if (k < 800) {
                    for (int t = 0; t < 9 && !w.reply(1 + (p + t) % n, 1 + (i + t / 3) % 3); t++) { }
                } else if (k < 850) {
                    if (!down[p]) {
                        w.tick(p);
                    }
                } else if (k < 870) {
                    if (!down[p]) {
                        logs[p].onOmega(1 + rnd.nextInt(n));
                    }
                } else if (k < 930) {
                    if (!down[p]) {
                        int burst = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(6) : 1;
                        for (int b = 0; b < burst; b++) {
                            String c = "c" + cmd++;
                            logs[p].submit(Bytes.utf8(c), o -> {
                                if (o instanceof ReplicatedLog.Outcome.Done(Bytes pos)) {
                                    acked.put(c, compact ? Integer.parseInt(pos.utf8()) : -1);
                                }
                            });
                        }
                    }
                } else if (k < 985) {
                    if (!down[p]) {
                        logs[p].learner().nudge();
                        if (rnd.nextInt(4) == 0) {
                            logs[p].learner().poll();
                        }
                    }
                } else if (k < 987 && !memCrashed) {
                    memCrashed = true;
                    w.crashMemory(i);
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
                        logs[p] = fresh(w, p, cfg, seqs, compact);
                        w.restart(p, logs[p]);
                        w.start(p);
                    }
                }
                String v = compact ? LogAdversarialSweepTest.check(seqs, acked) : LogRandomWalkTest.check(seqs);
                if (v != null) {
                    return "seed " + seed + " S=" + slots + " chunk=" + chunk + ": " + v + "\n" + w.steps();
                }
            }
        } catch (RuntimeException e) {
            return "seed " + seed + " S=" + slots + " chunk=" + chunk + ": " + e + "\n" + w.steps();
        }
        STATS[0]++;
        STATS[1] += acked.size();
        STATS[2] += seqs.stream().mapToInt(List::size).max().orElse(0);
        return null;
    }

    static final long[] STATS = new long[3];

    static ReplicatedLog fresh(ManualWorld w, int p, ReplicatedLog.Config cfg, List<List<String>> seqs, boolean compact) {
        List<String> mine = new ArrayList<>();
        seqs.add(mine);
        ReplicatedLog.StateMachine sm = compact ? new LogAdversarialSweepTest.SequenceMachine(mine) : c -> {
            mine.add(c.utf8());
            return c;
        };
        ReplicatedLog[] self = new ReplicatedLog[1];
        Env inner = w.env(p);
        Env counting = new Env() {
            @Override public int self() { return inner.self(); }
            @Override public int processes() { return inner.processes(); }
            @Override public int memories() { return inner.memories(); }
            @Override public void send(int to, dev.mnm.core.Message message) { inner.send(to, message); }
            @Override public Timer setTimer(long delay, Runnable action) { return inner.setTimer(delay, action); }
            @Override public void decide(Bytes value) { inner.decide(value); }

            @Override
            public void memory(int memory, dev.mnm.core.MemoryOp op, java.util.function.Consumer<dev.mnm.core.Reply> onReply) {
                if (memory == 1 && self[0] != null && self[0].following() && op instanceof dev.mnm.core.MemoryOp.ReadRange r
                        && r.region() == ReplicatedLog.LOG_REGION && r.from() > 3 && r.from() <= 3 + cfg.slots()
                        && r.from() != ReplicatedLog.register(3, cfg.slots(), self[0].applied())) {
                    AHEAD[0]++; // a follower's read that does not start at its applied point: an ahead read
                }
                inner.memory(memory, op, onReply);
            }
        };
        self[0] = new ReplicatedLog(counting, cfg, sm);
        return self[0];
    }

    static final long[] AHEAD = new long[1];

    @Test
    void smallCompactingLogsWithShortReadsNeverFork() {
        int seeds = Integer.getInteger("walk.seeds", 300);
        long base = Long.getLong("walk.base", 0);
        int[][] shapes = {{4, 1}, {4, 2}, {8, 1}, {8, 2}, {8, 3}};
        for (long s = base; s < base + seeds; s++) {
            for (int[] shape : shapes) {
                String v = walk(s, shape[0], shape[1], true);
                assertThat(v).isNull();
            }
        }
        System.out.println("ahead walks (compacting): " + STATS[0] + " runs, " + STATS[1] + " Done, longest total " + STATS[2]
                + ", reads not at the applied point (ahead, or the second half of a wrapped read) " + AHEAD[0]);
    }

    @Test
    void aLogWithoutSnapshotsAndShortReadsNeverForks() {
        int seeds = Integer.getInteger("walk.seeds", 300);
        long base = Long.getLong("walk.base", 0);
        for (long s = base; s < base + seeds; s++) {
            assertThat(walk(s, 32, 1 + (int) (s % 3), false)).isNull();
        }
    }
}
