package dev.mnm.sim;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Message;
import dev.mnm.core.Permission;
import dev.mnm.core.Protocol;
import java.util.Optional;
import java.util.function.BiFunction;

/** A tiny algorithm for testing the simulator: a factory of protocols, no resilience rules beyond n ≥ f_P + 1. */
record TestAlgorithm(String name, BiFunction<Env, Bytes, Protocol> factory) implements ConsensusAlgorithm {
    record Value(Bytes value) implements Message {}

    @Override
    public int maxProcessFaults(int n) {
        return n - 1;
    }

    @Override
    public int maxMemoryFaults(int m) {
        return (m - 1) / 2;
    }

    @Override
    public Optional<String> checkResilience(int n, int m, int fP, int fM) {
        return n < fP + 1 ? Optional.of("n >= f_P + 1") : Optional.empty();
    }

    @Override
    public MemoryLayout memoryLayout(int n) {
        return MemoryLayout.singleRegion(4, Permission.exclusiveWriter(1, n), LegalChange.STATIC);
    }

    @Override
    public Protocol create(Env env, Bytes input, int fM) {
        return factory.apply(env, input);
    }

    /** Correct when Ω is stable: whoever Ω names decides its input and tells everyone, who adopt it. */
    static TestAlgorithm leaderDecides() {
        return new TestAlgorithm("leader-decides", (env, input) -> new Protocol() {
            boolean decided;

            @Override
            public void start() {}

            @Override
            public void onLeader(int leader) {
                if (leader == env.self() && !decided) {
                    decided = true;
                    env.decide(input);
                    env.broadcast(new Value(input));
                }
            }

            @Override
            public void onMessage(int from, Message m) {
                if (!decided) {
                    decided = true;
                    env.decide(((Value) m).value());
                }
            }
        });
    }

    /** A protocol that does only what {@code onStart} does. */
    static TestAlgorithm onStart(String name, java.util.function.Consumer<Env> onStart) {
        return new TestAlgorithm(name, (env, input) -> new Protocol() {
            @Override
            public void start() {
                onStart.accept(env);
            }

            @Override
            public void onMessage(int from, Message m) {}
        });
    }
}
