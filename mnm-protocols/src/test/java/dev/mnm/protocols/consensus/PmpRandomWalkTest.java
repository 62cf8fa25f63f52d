package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Review attack: random walks over every legal step of {@link ManualWorld} (execute or answer any
 * process's oldest operation on any memory, Ω telling anyone anything at any time, messages,
 * one memory crash, process crashes), n = 3 or 2, m = 3, f_M = 1, checking agreement. Found
 * nothing in 100,000 walks of 400 steps (two thirds of them with at least one decision).
 */
class PmpRandomWalkTest {
    static final long[] DECIDED = new long[4];
    static String walk(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ManualWorld w = new ManualWorld(n, 3, Algorithms.PROTECTED_MEMORY_PAXOS.memoryLayout(n));
        for (int p = 1; p <= n; p++) {
            w.install(p, new ProtectedMemoryPaxos(w.env(p), Bytes.utf8("v" + p), 1));
            w.start(p);
        }
        boolean memCrashed = false;
        int crashes = 0;
        for (int step = 0; step < 400; step++) {
            int k = rnd.nextInt(100);
            int p = 1 + rnd.nextInt(n);
            int i = 1 + rnd.nextInt(3);
            if (k < 40) {
                w.exec(p, i);
            } else if (k < 80) {
                w.reply(p, i);
            } else if (k < 93) {
                w.leader(p, 1 + rnd.nextInt(n));
            } else if (k < 97) {
                w.deliverAll();
            } else if (k < 98 && !memCrashed) {
                memCrashed = true;
                w.memory(i).crash();
            } else if (k < 99 && crashes < n - 1) {
                crashes++;
                w.crash(p);
            }
            if (!w.disagreements().isEmpty()) {
                return "seed " + seed + ": " + w.disagreements() + "\n" + w.steps();
            }
        }
        DECIDED[Math.min(3, w.decisions().size())]++;
        return null;
    }

    @Test
    void agreementUnderRandomWalks() {
        int seeds = Integer.getInteger("walk.seeds", 20_000);
        for (long s = 0; s < seeds; s++) {
            String v = walk(s, s % 4 == 0 ? 2 : 3);
            assertThat(v).isNull();
        }
        System.out.println("PMP walks: runs by number of deciders " + java.util.Arrays.toString(DECIDED));
    }
}
