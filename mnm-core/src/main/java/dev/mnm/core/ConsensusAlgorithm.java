package dev.mnm.core;

import java.util.Optional;

/**
 * A consensus algorithm as a runtime sees it: what it needs of the memories, which failures it
 * tolerates, and how to create one process's instance proposing an input.
 */
public interface ConsensusAlgorithm {
    /** The name used on the command line, e.g. {@code protected-memory-paxos}. */
    String name();

    /** The most process crashes it tolerates with n processes. */
    int maxProcessFaults(int n);

    /** The most memory crashes it tolerates with m memories (0 if it uses no memory). */
    int maxMemoryFaults(int m);

    /**
     * Empty if n processes, m memories, f_P process faults and f_M memory faults are within the
     * algorithm's resilience; otherwise the rule that is broken, in words.
     */
    Optional<String> checkResilience(int n, int m, int fP, int fM);

    /** The layout of every memory, for n processes; unused when the algorithm uses no memory. */
    MemoryLayout memoryLayout(int n);

    /** Creates process {@code env.self()}, which proposes {@code input}, tolerating {@code fM} memory crashes. */
    Protocol create(Env env, Bytes input, int fM);
}
