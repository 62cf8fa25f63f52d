package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Permission;
import dev.mnm.core.Protocol;
import java.util.List;
import java.util.Optional;

/** The consensus algorithms of mnm, by name. */
public final class Algorithms {
    private Algorithms() {}

    /** Paxos with message-passing acceptors: n ≥ 2f_P + 1, no memories. */
    public static final ConsensusAlgorithm PAXOS = new Spec("paxos", true,
            n -> MemoryLayout.singleRegion(1, Permission.readOnly(n), LegalChange.STATIC),
            (env, input, fM) -> new Paxos(env, input));

    /** Disk Paxos: memories as disks with static all-read-write permission; n ≥ f_P + 1, m ≥ 2f_M + 1. */
    public static final ConsensusAlgorithm DISK_PAXOS = new Spec("disk-paxos", false,
            n -> MemoryLayout.singleRegion(n, Permission.allReadWrite(n), LegalChange.STATIC),
            DiskPaxos::new);

    /** Protected Memory Paxos (seed 003 Alg. 6): n ≥ f_P + 1, m ≥ 2f_M + 1, 2-deciding. */
    public static final ConsensusAlgorithm PROTECTED_MEMORY_PAXOS = new Spec("protected-memory-paxos", false,
            n -> MemoryLayout.singleRegion(n, Permission.exclusiveWriter(1, n), LegalChange.takeExclusiveWrite(n)),
            ProtectedMemoryPaxos::new);

    public static List<ConsensusAlgorithm> all() {
        return List.of(PAXOS, DISK_PAXOS, PROTECTED_MEMORY_PAXOS);
    }

    public static Optional<ConsensusAlgorithm> byName(String name) {
        return all().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** How to create one process of an algorithm. */
    @FunctionalInterface
    interface Factory {
        Protocol create(Env env, Bytes input, int fM);
    }

    /** The layout of a memory for n processes. */
    @FunctionalInterface
    interface Layout {
        MemoryLayout of(int n);
    }

    /**
     * An algorithm: message-passing ones need a majority of correct processes (n ≥ 2f_P + 1) and
     * no memory; memory ones tolerate all but one process crashing (n ≥ f_P + 1) and a minority of
     * memories (m ≥ 2f_M + 1).
     */
    record Spec(String name, boolean messagePassing, Layout layout, Factory factory) implements ConsensusAlgorithm {
        @Override
        public int maxProcessFaults(int n) {
            return messagePassing ? (n - 1) / 2 : n - 1;
        }

        @Override
        public int maxMemoryFaults(int m) {
            return messagePassing ? 0 : (m - 1) / 2;
        }

        @Override
        public Optional<String> checkResilience(int n, int m, int fP, int fM) {
            if (messagePassing && n < 2 * fP + 1) {
                return Optional.of(name + " needs n >= 2f_P + 1 processes, but n = " + n + " and f_P = " + fP);
            }
            if (!messagePassing && n < fP + 1) {
                return Optional.of(name + " needs n >= f_P + 1 processes, but n = " + n + " and f_P = " + fP);
            }
            if (!messagePassing && m < 2 * fM + 1) {
                return Optional.of(name + " needs m >= 2f_M + 1 memories, but m = " + m + " and f_M = " + fM);
            }
            return Optional.empty();
        }

        @Override
        public MemoryLayout memoryLayout(int n) {
            return layout.of(n);
        }

        @Override
        public Protocol create(Env env, Bytes input, int fM) {
            return factory.create(env, input, fM);
        }
    }
}
