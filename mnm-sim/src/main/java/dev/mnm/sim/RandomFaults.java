package dev.mnm.sim;

import dev.mnm.core.Env;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults a sweep draws from its seed: an unstable leader oracle, up to f_P process crashes
 * (the initial leader among them half of the time), up to f_M memory crashes, sometimes a slow
 * node and sometimes a partition of the message links that heals. With adversarial timing, Ω is
 * unstable for longer and changes its mind more often.
 */
final class RandomFaults {
    static final long UNSTABLE_MAX = 30 * Env.DELAY;
    static final long CRASH_WINDOW = 40 * Env.DELAY;
    /**
     * With adversarial timing Ω stays unstable for up to 600 delays and speaks in up to 6 bursts (the
     * first often at time 0), each telling most processes at once that they themselves lead.
     */
    static final long ADVERSARIAL_UNSTABLE_MAX = 600 * Env.DELAY;

    private RandomFaults() {}

    /** Adds the drawn faults to {@code faults}; returns when Ω becomes stable. */
    static long draw(Chooser c, SimConfig config, List<Fault> faults) {
        int n = config.processes();
        int m = config.memories();
        boolean adversarial = config.timing() == Timing.ADVERSARIAL;
        long stableAt = c.between(0, adversarial ? ADVERSARIAL_UNSTABLE_MAX : UNSTABLE_MAX);
        for (int p = 1; p <= n; p++) {
            int changes = c.below(4);
            for (int k = 0; k < changes && stableAt > 0; k++) {
                faults.add(new Fault.LeaderChange(p, 1 + c.below(n), c.between(0, stableAt - 1)));
            }
        }
        if (adversarial) {
            // bursts: at a few drawn moments Ω tells several processes at once that they lead
            int bursts = 1 + c.below(6);
            for (int b = 0; b < bursts && stableAt > 0; b++) {
                long at = b == 0 && c.chance(50) ? 0 : c.between(0, stableAt - 1);
                for (int p = 1; p <= n; p++) {
                    if (c.chance(70)) {
                        faults.add(new Fault.LeaderChange(p, c.chance(60) ? p : 1 + c.below(n), at + c.below(3)));
                    }
                }
            }
        }
        List<Integer> victims = new ArrayList<>();
        for (int p = 1; p <= n; p++) {
            victims.add(p);
        }
        int crashes = c.below(config.fP() + 1);
        if (crashes > 0 && c.chance(50)) {
            victims.remove(Integer.valueOf(1));
            faults.add(new Fault.CrashProcess(1, c.between(0, 4 * Env.DELAY)));
            crashes--;
        }
        for (int k = 0; k < crashes; k++) {
            int p = victims.remove(c.below(victims.size()));
            faults.add(new Fault.CrashProcess(p, c.between(0, CRASH_WINDOW)));
        }
        List<Integer> memories = new ArrayList<>();
        for (int i = 1; i <= m; i++) {
            memories.add(i);
        }
        int memoryCrashes = c.below(config.fM() + 1);
        for (int k = 0; k < memoryCrashes; k++) {
            int i = memories.remove(c.below(memories.size()));
            faults.add(new Fault.CrashMemory(i, c.between(0, CRASH_WINDOW)));
        }
        if (c.chance(20)) {
            boolean memory = m > 0 && c.chance(50);
            faults.add(new Fault.Slow(memory, 1 + c.below(memory ? m : n), 2 + c.below(3)));
        }
        if (n > 1 && c.chance(20)) {
            long side = 0;
            while (side == 0 || side == dev.mnm.core.Permission.all(n)) {
                side = c.between(1, (1L << n) - 1) << 1;
            }
            long from = c.between(0, 20 * Env.DELAY);
            faults.add(new Fault.Partition(side, from, from + c.between(1, 30 * Env.DELAY)));
        }
        return stableAt;
    }
}
