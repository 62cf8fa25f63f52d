package dev.mnm.protocols.registers;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import dev.mnm.core.Words;
import java.util.function.Consumer;

/**
 * The per-writer timestamp locks {@code TSL[tid]} of seed 002's guessed-timestamp register: for a
 * timestamp ts of writer tid, either the writer locks it (WRITE: it will write a fresh timestamp)
 * or readers lock it (READ, shared: they return the guessed value), never both.
 *
 * <p>Lock word tid lives in register tid−1 of one extra memory the simulator keeps reliable: the
 * slides leave TSL abstract, and replicating it across fallible memories needs consensus, which
 * this register does not implement. The word holds (ts, mode); TRYLOCK is a CAS from the last
 * word this client saw, retried while the word holds an older timestamp; it fails if the word
 * holds ts in the other mode, or a newer timestamp (conservatively: a failed TRYLOCK is always safe).
 */
final class TimestampLock {
    enum Mode { WRITE, READ }

    static final int REGION = 0;
    private final Env env;
    private final int memory;
    private final Bytes[] known;

    TimestampLock(Env env) {
        this.env = env;
        this.memory = env.memories() + 1;
        this.known = new Bytes[env.processes() + 1];
        java.util.Arrays.fill(known, Bytes.EMPTY);
    }

    void tryLock(int writer, long ts, Mode mode, Consumer<Boolean> done) {
        Bytes want = Words.ofLong(ts << 1 | (mode == Mode.READ ? 1 : 0));
        env.memory(memory, new MemoryOp.Cas(REGION, writer - 1, known[writer], want), r -> {
            if (!(r instanceof Reply.Value(Bytes old))) {
                done.accept(false);
                return;
            }
            if (old.equals(known[writer])) {
                known[writer] = want;
                done.accept(true);
                return;
            }
            known[writer] = old;
            long word = Words.toLong(old);
            long heldTs = word >>> 1;
            boolean heldRead = (word & 1) == 1;
            if (heldTs < ts) {
                tryLock(writer, ts, mode, done);
            } else {
                done.accept(heldTs == ts && heldRead && mode == Mode.READ);
            }
        });
    }
}
