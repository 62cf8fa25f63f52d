package dev.mnm.core;

import java.util.Optional;

/**
 * A register that clients implement over m memories, as a runtime sees it: what it needs of the
 * memories, which memory failures it tolerates, the sequential model its histories satisfy, and
 * how to create one client.
 */
public interface RegisterAlgorithm {
    /** The name used on the command line, e.g. {@code swarm-register}. */
    String name();

    /** What its histories satisfy, and so how a runtime checks them. */
    enum Guarantee {
        /** Linearizable as a read/write register. */
        LINEARIZABLE_REGISTER,
        /** A max register as seed 002 specifies it: validity, read-read and write-read monotonicity. */
        MAX_REGISTER,
        /** Nothing beyond liveness is promised (the naive majority register is regular, not atomic). */
        NONE
    }

    Guarantee guarantee();

    /** The layout of each of the m memories, for clients 1..clients. */
    MemoryLayout memoryLayout(int clients);

    /**
     * The layout of one more memory, m + 1, holding objects the algorithm takes as reliable (the
     * guessed-timestamp register's timestamp locks); empty if it needs none.
     */
    default Optional<MemoryLayout> reliableMemory(int clients) {
        return Optional.empty();
    }

    /** Empty if m memories with f_M crashes are within its resilience, else the rule broken. */
    default Optional<String> checkResilience(int m, int fM) {
        if (fM < 0 || m < 2 * fM + 1) {
            return Optional.of(name() + " needs m >= 2f_M + 1 memories, but m = " + m + " and f_M = " + fM);
        }
        return Optional.empty();
    }

    /** Creates client {@code env.self()}, tolerating {@code fM} memory crashes. */
    RegisterClient create(Env env, int fM);
}
