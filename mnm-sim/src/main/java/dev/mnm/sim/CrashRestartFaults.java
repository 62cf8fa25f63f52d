package dev.mnm.sim;

import dev.mnm.core.Env;
import dev.mnm.core.Protocol;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The faults a replicated-log run draws from its seed (the log has its own Ω, so no leader-oracle
 * faults): a memory crash in 60% of runs (within 600 delays), up to two process crash-and-restarts
 * (half of them of p1; down for 1–59 delays within the first 660; a restarted process is a fresh
 * instance from {@code fresh}, remembering nothing, while the memories keep their contents), and
 * in 30% of runs a process crash for good (within 800 delays).
 */
public final class CrashRestartFaults {
    private CrashRestartFaults() {}

    /** Schedules the drawn faults in {@code world}; {@code fresh} builds process p's next incarnation. */
    public static void schedule(World world, SplittableRandom rnd, IntFunction<Protocol> fresh) {
        schedule(world, rnd, fresh, null);
    }

    /**
     * The same, and if {@code boot} is not null memory restarts too: in 70% of the runs with a
     * memory crash, the memory restarts empty 20–300 delays later ({@code boot} prepares it), and in
     * half of those a second memory crashes for good 300–1,200 delays after the restart — within
     * f_M only once the restarted memory holds the log again.
     */
    public static void schedule(World world, SplittableRandom rnd, IntFunction<Protocol> fresh,
                                java.util.function.Consumer<dev.mnm.core.MemoryHost> boot) {
        int n = world.n;
        if (rnd.nextInt(100) < 60) {
            int memory = 1 + rnd.nextInt(world.m);
            long crash = Env.DELAY * rnd.nextInt(600);
            world.at(crash, () -> world.crashMemory(memory));
            if (boot != null && rnd.nextInt(100) < 70) {
                long restart = crash + Env.DELAY * rnd.nextInt(20, 300);
                world.at(restart, () -> world.restartMemory(memory, boot));
                if (rnd.nextBoolean()) {
                    int other = 1 + (memory + rnd.nextInt(world.m - 1)) % world.m;
                    world.at(restart + Env.DELAY * rnd.nextInt(300, 1_200), () -> world.crashMemory(other));
                }
            }
        }
        int restarts = rnd.nextInt(3);
        for (int r = 0; r < restarts; r++) {
            int victim = rnd.nextInt(100) < 50 ? 1 : 1 + rnd.nextInt(n);
            long down = Env.DELAY * rnd.nextInt(600);
            long up = down + Env.DELAY * rnd.nextInt(1, 60);
            world.at(down, () -> world.crashProcess(victim));
            world.at(up, () -> {
                if (world.crashed(victim)) {
                    world.restartProcess(victim, fresh.apply(victim));
                }
            });
        }
        if (rnd.nextInt(100) < 30) {
            int victim = 1 + rnd.nextInt(n);
            world.at(Env.DELAY * rnd.nextInt(800), () -> world.crashProcess(victim));
        }
    }
}
