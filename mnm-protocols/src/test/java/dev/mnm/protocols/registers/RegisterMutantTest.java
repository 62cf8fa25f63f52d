package dev.mnm.protocols.registers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.core.RegisterAlgorithm.Guarantee;
import dev.mnm.sim.RegisterSweep;
import org.junit.jupiter.api.Test;

/** Broken variants of the guessed-timestamp register that the sweep of {@link RegisterSweepTest} must catch. */
class RegisterMutantTest {
    static RegisterSweep.Outcome sweep(RegisterAlgorithm mutant) {
        RegisterSweep.Outcome o = RegisterSweep.run(RegisterSweepTest.contended(mutant), 1, RegisterSweepTest.SEEDS);
        System.out.println(mutant.name() + ": " + o.failures().size() + "+ failing seeds, first:\n"
                + (o.ok() ? "none" : o.failures().getFirst().failureReport()));
        return o;
    }

    @Test
    void withoutTimestampLocksHistoriesAreNotLinearizable() {
        RegisterAlgorithm mutant = new Registers.Spec("swarm-without-locks", Guarantee.LINEARIZABLE_REGISTER, Registers::entries, true,
                (env, fM) -> new SwarmRegister(env, fM) {
                    @Override
                    boolean writerLocks() {
                        return false;
                    }

                    @Override
                    boolean readerLocks() {
                        return false;
                    }
                });
        RegisterSweep.Outcome o = sweep(mutant);
        assertThat(o.failures()).isNotEmpty();
        assertThat(o.failures().getFirst().violations().getFirst()).startsWith("linearizability");
    }

    @Test
    void aReaderThatReturnsAGuessedValueAtOnceIsCaught() {
        RegisterAlgorithm mutant = new Registers.Spec("swarm-reader-returns-guess", Guarantee.LINEARIZABLE_REGISTER,
                Registers::entries, true, (env, fM) -> new SwarmRegister(env, fM) {
                    @Override
                    boolean readerChecksGuesses() {
                        return false;
                    }
                });
        RegisterSweep.Outcome o = sweep(mutant);
        assertThat(o.failures()).isNotEmpty();
        assertThat(o.failures().getFirst().violations().getFirst()).startsWith("linearizability");
    }

    @Test
    void aReaderThatReturnsAGuessedValueWithoutLockingItIsCaught() {
        RegisterAlgorithm mutant = new Registers.Spec("swarm-reader-skips-lock", Guarantee.LINEARIZABLE_REGISTER, Registers::entries,
                true, (env, fM) -> new SwarmRegister(env, fM) {
                    @Override
                    boolean readerLocks() {
                        return false;
                    }
                });
        RegisterSweep.Outcome o = sweep(mutant);
        assertThat(o.failures()).isNotEmpty();
        assertThat(o.failures().getFirst().violations().getFirst()).startsWith("linearizability");
    }

    @Test
    void aMaxRegisterWhoseReadsDoNotWriteBackIsCaught() {
        RegisterAlgorithm mutant = new Registers.Spec("max-register-no-write-back", Guarantee.MAX_REGISTER,
                Registers::entries, false, (env, fM) -> new MaxRegister(new ReliableMaxRegister(env, fM) {
                    @Override
                    boolean writesBack() {
                        return false;
                    }
                }));
        RegisterSweep.Outcome o = sweep(mutant);
        assertThat(o.failures()).isNotEmpty();
        assertThat(o.failures().getFirst().violations().getFirst()).startsWith("max register: read-read");
    }
}
