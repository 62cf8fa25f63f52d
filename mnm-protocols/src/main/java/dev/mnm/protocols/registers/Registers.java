package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Permission;
import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.core.RegisterAlgorithm.Guarantee;
import dev.mnm.core.RegisterClient;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** The replicated registers of mnm, by name. */
public final class Registers {
    private Registers() {}

    /** One entry per client in each memory, everyone may read and write (permissions are not needed here). */
    static MemoryLayout entries(int clients) {
        return MemoryLayout.singleRegion(clients, Permission.allReadWrite(clients), LegalChange.STATIC);
    }

    public static final RegisterAlgorithm MAJORITY = new Spec("majority-register", Guarantee.NONE,
            c -> MemoryLayout.singleRegion(1, Permission.allReadWrite(c), LegalChange.STATIC), false,
            MajorityRegister::new);

    public static final RegisterAlgorithm ABD = new Spec("abd", Guarantee.LINEARIZABLE_REGISTER, Registers::entries, false,
            AbdRegister::new);

    public static final RegisterAlgorithm MAX_REGISTER = new Spec("max-register", Guarantee.MAX_REGISTER,
            Registers::entries, false, MaxRegister::new);

    public static final RegisterAlgorithm SWARM = new Spec("swarm-register", Guarantee.LINEARIZABLE_REGISTER, Registers::entries,
            true, SwarmRegister::new);

    public static List<RegisterAlgorithm> all() {
        return List.of(SWARM, ABD, MAX_REGISTER, MAJORITY);
    }

    public static Optional<RegisterAlgorithm> byName(String name) {
        return all().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** How a register is built: its memory layout, whether it needs the reliable lock memory, its clients. */
    record Spec(String name, Guarantee guarantee, java.util.function.IntFunction<MemoryLayout> layout,
                boolean lockMemory, BiFunction<Env, Integer, RegisterClient> factory) implements RegisterAlgorithm {
        @Override
        public MemoryLayout memoryLayout(int clients) {
            return layout.apply(clients);
        }

        @Override
        public Optional<MemoryLayout> reliableMemory(int clients) {
            return lockMemory ? Optional.of(entries(clients)) : Optional.empty();
        }

        @Override
        public RegisterClient create(Env env, int fM) {
            return factory.apply(env, fM);
        }
    }
}
