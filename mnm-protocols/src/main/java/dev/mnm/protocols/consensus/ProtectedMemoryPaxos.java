package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Permission;
import dev.mnm.core.Pfor;
import dev.mnm.core.Reply;
import java.util.List;

/**
 * Protected Memory Paxos, seed 003 §5.1, Algorithm 6; line numbers below are the algorithm's.
 *
 * <p>Memory i is one region, initially (R: Π−{p1}, W: ∅, RW: {p1}) (lines 1–2), holding
 * {@code slot[i,q]} for every process q as register q−1 (lines 3–4). A leader other than p1 takes
 * exclusive write permission, writes its proposal number and reads every slot on m − f_M memories
 * (phase 1, lines 11–20); then it writes (propNr, propNr, value) to its slot and decides as soon as
 * m − f_M of those writes succeed (lines 21–24): a successful write proves no later leader took the
 * permission, so the read that Disk Paxos needs after its write is unnecessary. Common case: p1
 * skips phase 1 and decides after one write round trip, 2 delays (Theorem 5.1).
 *
 * <p>Where the pseudocode is silent: p1 skips phase 1 only on its first attempt, with proposal
 * number 1 (on a later attempt it may have lost the permission it started with, so it must take it
 * like anyone else);
 * proposal numbers are k·n + p; decisions reach the other processes as {@code Decided} messages.
 */
class ProtectedMemoryPaxos extends LeaderDriven {
    static final int REGION = 0;
    private final int quorum;

    ProtectedMemoryPaxos(Env env, Bytes input, int fM) {
        super(env, input);
        this.quorum = env.memories() - fM;
    }

    @Override
    void attempt(long propNr) {
        if (propNr == LOWEST) {
            phase2(propNr, input); // p1 holds the permission from the start (line 11)
            return;
        }
        int m = env.memories();
        boolean[] write1Success = new boolean[m + 1];
        Slot[][] localInfo = new Slot[m + 1][];
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> {                                       // line 12
            int i = it.memory();
            Runnable writeAndRead = () ->
                env.memory(i, new MemoryOp.Write(REGION, env.self() - 1,              // line 14
                        new Slot(propNr, 0, null).encode()), w -> {
                    write1Success[i] = w instanceof Reply.Ack;
                    env.memory(i, new MemoryOp.ReadRange(REGION, 0, n), r -> {        // line 15
                        localInfo[i] = slots(r);
                        it.done();
                    });
                });
            if (takesPermission()) {
                env.memory(i, new MemoryOp.ChangePermission(REGION,                   // line 13
                        Permission.exclusiveWriter(env.self(), n)), ack -> writeAndRead.run());
            } else {
                writeAndRead.run();
            }
        }, () -> {                                                                     // line 16
            if (!active()) {
                return;
            }
            Slot highest = null;
            boolean failed = false;
            for (int i = 1; i <= m; i++) {
                if (!pfor[0].completed(i)) {
                    continue;
                }
                failed |= !write1Success[i] || localInfo[i] == null;                  // line 17
                for (Slot s : localInfo[i] == null ? new Slot[0] : localInfo[i]) {
                    saw(s.minProp());
                    failed |= s.minProp() > propNr;                                    // line 18
                    if (s.value() != null && (highest == null || s.accProp() > highest.accProp())) {
                        highest = s;
                    }
                }
            }
            if (failed) {
                giveUp();
                return;
            }
            phase2(propNr, adopt(highest == null ? null : highest.value()));           // lines 19–20
        });
    }

    private void phase2(long propNr, Bytes myValue) {
        int m = env.memories();
        boolean[] write2Success = new boolean[m + 1];
        Pfor[] pfor = new Pfor[1];
        Bytes slot = new Slot(propNr, propNr, myValue).encode();
        pfor[0] = Pfor.run(env, quorum, it -> env.memory(it.memory(),                 // line 21
                new MemoryOp.Write(REGION, env.self() - 1, slot), w -> {
                    write2Success[it.memory()] = w instanceof Reply.Ack;
                    it.done();
                }), () -> {                                                            // line 22
            if (!active()) {
                return;
            }
            for (int j = 1; j <= m; j++) {
                if (pfor[0].completed(j) && !write2Success[j]) {
                    giveUp();                                                          // line 23
                    return;
                }
            }
            decideAndAnnounce(myValue);                                                // line 24
        });
    }

    /** Lines 19–20: the value of the highest accepted proposal seen, or the input if there is none. */
    Bytes adopt(Bytes highestAccepted) {
        return highestAccepted == null ? input : highestAccepted;
    }

    /** Line 13. A test overrides this to build the mutant that skips taking the permission. */
    boolean takesPermission() {
        return true;
    }

    static Slot[] slots(Reply reply) {
        if (!(reply instanceof Reply.Values(List<Bytes> values))) {
            return null;
        }
        Slot[] out = new Slot[values.size()];
        for (int q = 0; q < out.length; q++) {
            out[q] = Slot.decode(values.get(q));
        }
        return out;
    }
}
