package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Pfor;
import dev.mnm.core.Reply;
import java.util.function.BiConsumer;

/**
 * Disk Paxos (Gafni &amp; Lamport 2002) as in the "O-Consensus w Memory Failures" slide of seed
 * 002: memories are disks whose single region every process may read and write, with static
 * permissions; process p owns block {@code Reg[i][p] = (mbal, bal, inp)} (register p−1) of each
 * memory i.
 *
 * <pre>
 *   for every memory i in parallel:                 // phase 1
 *     Reg[i][p].write(b, bal, inp); temp[i][1..n] = Reg[i][1..n].read()
 *   until completed for m − f_M memories
 *   if some mbal &gt; b: abort; val = inp of highest bal (or my input if none)
 *   for every memory i in parallel:                 // phase 2
 *     Reg[i][p].write(b, b, val); temp[i][1..n] = Reg[i][1..n].read()
 *   until completed for m − f_M memories
 *   if some mbal &gt; b: abort ("need to check if I ran alone!") else decide val
 * </pre>
 *
 * The initial leader p1 proposes with the lowest number, 1, on its first attempt, where phase 1
 * cannot find anything, so it skips phase 1: 2 operations, 4 delays, in the common case.
 */
class DiskPaxos extends LeaderDriven {
    static final int REGION = 0;
    private final int quorum;
    private Slot mine = Slot.EMPTY;

    DiskPaxos(Env env, Bytes input, int fM) {
        super(env, input);
        this.quorum = env.memories() - fM;
    }

    @Override
    void attempt(long propNr) {
        if (propNr == LOWEST) {
            phase2(propNr, input);
            return;
        }
        writeThenRead(new Slot(propNr, mine.accProp(), mine.value()), true, (ok, highest) -> {
            if (ok) {
                phase2(propNr, highest == null ? input : highest.value());
            } else {
                giveUp();
            }
        });
    }

    private void phase2(long propNr, Bytes value) {
        writeThenRead(new Slot(propNr, propNr, value), readsAfterWrite(), (ok, highest) -> {
            if (ok) {
                decideAndAnnounce(value);
            } else {
                giveUp();
            }
        });
    }

    /**
     * Writes {@code block} to this process's register on every memory, then reads all blocks
     * there; once m − f_M memories have done both, calls {@code then} with whether every write
     * succeeded and no block carried a higher mbal, and the block with the highest accepted ballot.
     */
    private void writeThenRead(Slot block, boolean read, BiConsumer<Boolean, Slot> then) {
        mine = block;
        int m = env.memories();
        Slot[][] temp = new Slot[m + 1][];
        boolean[] written = new boolean[m + 1];
        Bytes encoded = block.encode();
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> {
            int i = it.memory();
            env.memory(i, new MemoryOp.Write(REGION, env.self() - 1, encoded), w -> {
                written[i] = w instanceof Reply.Ack;
                if (!read) {
                    temp[i] = new Slot[0];
                    it.done();
                    return;
                }
                env.memory(i, new MemoryOp.ReadRange(REGION, 0, n), r -> {
                    temp[i] = ProtectedMemoryPaxos.slots(r);
                    it.done();
                });
            });
        }, () -> {
            if (!active()) {
                return;
            }
            boolean ok = true;
            Slot highest = null;
            for (int i = 1; i <= m; i++) {
                if (!pfor[0].completed(i)) {
                    continue;
                }
                ok &= written[i] && temp[i] != null;
                for (Slot s : temp[i] == null ? new Slot[0] : temp[i]) {
                    saw(s.minProp());
                    ok &= s.minProp() <= block.minProp();
                    if (s.value() != null && (highest == null || s.accProp() > highest.accProp())) {
                        highest = s;
                    }
                }
            }
            then.accept(ok, highest);
        });
    }

    /** A test overrides this to build the mutant that skips the read after the phase-2 write. */
    boolean readsAfterWrite() {
        return true;
    }
}
