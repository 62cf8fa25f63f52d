package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Permission;
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
 * <h2>Invariant (why a decision is safe)</h2>
 * An attempt with number b counts a phase-2 acknowledgement from memory i only if i is
 * <em>confirmed</em> for b: b's own phase-1 iteration on i completed — its changePermission
 * executed, then its write of b acked, then its read of every slot saw no minProp above b (lines
 * 13–18) — and b's phase-2 write on i was issued only after that read returned. (p1's attempt
 * with the lowest number 1 holds the permission on every memory from the start, so every memory
 * is confirmed for it.) Then, on a confirmed memory i, for any attempt b' &gt; b that counts i in
 * its own phase 1: b''s write of b' acked, so b' held the permission then, which it took after b
 * took it (else b's write of b, after b's permission change, would have been nak'd or b's read
 * would have seen b'); so b's phase-2 write on i either executes before b''s changePermission —
 * hence before b''s read, which sees (b, value) — or after it, and is nak'd. With quorum
 * intersection this gives Paxos's P2c: every attempt above a decided b adopts b's value.
 *
 * <p>Two deviations from the pseudocode, each needed for the invariant: (1) phase 2 is issued on a
 * memory only once that memory is confirmed, and a memory whose phase 1 completes after the quorum
 * (a late changePermission) is confirmed then, or ends the attempt if its read shows a higher
 * number; without this an acknowledgement from a memory whose permission was taken late, after a
 * rival's phase 1 there, was counted (issue 7, schedule A), and a late phase-1 write of (b, ⊥, ⊥)
 * could land after the same attempt's phase-2 write and erase it. (2) Callbacks of an attempt that
 * has ended are ignored, so an old attempt can neither decide nor start a second concurrent attempt.
 * Within one attempt at most one operation per memory is outstanding (seed 003 §3); across attempts
 * the runtime's per-(process, memory) FIFO order keeps an old attempt's operations before the new
 * one's.
 *
 * <p>Where the pseudocode is silent: p1 skips phase 1 only on its first attempt, with proposal
 * number 1 (on a later attempt it may have lost the permission it started with, so it must take it
 * like anyone else); a process that restarts would have to run phase 1 (the simulator's processes
 * crash and stay down); proposal numbers are k·n + p; decisions reach the other processes as
 * {@code Decided} messages.
 */
class ProtectedMemoryPaxos extends LeaderDriven {
    static final int REGION = 0;
    private final int quorum;
    /** The attempt under way; callbacks of any other are ignored. */
    private Attempt current;

    ProtectedMemoryPaxos(Env env, Bytes input, int fM) {
        super(env, input);
        this.quorum = env.memories() - fM;
    }

    @Override
    void attempt(long propNr) {
        current = new Attempt(propNr);
        current.start();
    }

    /** Lines 19–20: the value of the highest accepted proposal seen, or the input if there is none. */
    Bytes adopt(Bytes highestAccepted) {
        return highestAccepted == null ? input : highestAccepted;
    }

    /** Line 13. A test overrides this to build the mutant that skips taking the permission. */
    boolean takesPermission() {
        return true;
    }

    /**
     * Whether a phase-2 acknowledgement from a memory counts only once that memory is confirmed.
     * A test overrides this to put back the bug of issue 7 schedule A (phase 2 on every memory at once).
     */
    boolean waitsForConfirmation() {
        return true;
    }

    /** One iteration of {@code repeat forever} (lines 9–24) with proposal number {@code propNr}. */
    private final class Attempt {
        final long propNr;
        final int m = env.memories();
        /** Phase 1 on memory i finished (lines 13–15), and whether it passed lines 17–18 there. */
        final boolean[] phase1Done = new boolean[m + 1];
        final boolean[] confirmed = new boolean[m + 1];
        final boolean[] phase2Issued = new boolean[m + 1];
        int phase1Count;
        int acks;
        Slot highest;
        /** The value of phase 2, once chosen (lines 19–20). */
        Bytes myValue;
        boolean over;

        Attempt(long propNr) {
            this.propNr = propNr;
        }

        boolean live() {
            return !over && current == this && active();
        }

        void start() {
            if (propNr == LOWEST) { // p1 holds the permission on every memory from the start (line 11)
                java.util.Arrays.fill(confirmed, true);
                phase2(input);
                return;
            }
            for (int i = 1; i <= m; i++) {                                                // line 12
                int mem = i;
                if (takesPermission()) {
                    env.memory(mem, new MemoryOp.ChangePermission(REGION,                 // line 13
                            Permission.exclusiveWriter(env.self(), n)), ack -> writeAndRead(mem));
                } else {
                    writeAndRead(mem);
                }
            }
        }

        private void writeAndRead(int i) {
            if (!live()) {
                return;
            }
            env.memory(i, new MemoryOp.Write(REGION, env.self() - 1,                      // line 14
                    new Slot(propNr, 0, null).encode()), w -> {
                if (!live()) {
                    return;
                }
                boolean wrote = w instanceof Reply.Ack;
                env.memory(i, new MemoryOp.ReadRange(REGION, 0, n),                       // line 15
                        r -> phase1Done(i, wrote, slots(r)));
            });
        }

        /** Memory i finished phase 1; lines 16–18 for the quorum, and the confirmation of i. */
        private void phase1Done(int i, boolean wrote, Slot[] read) {
            if (!live()) {
                return;
            }
            boolean ok = wrote && read != null;                                           // line 17
            for (Slot s : read == null ? new Slot[0] : read) {
                saw(s.minProp());
                ok &= s.minProp() <= propNr;                                              // line 18
                if (s.value() != null && (highest == null || s.accProp() > highest.accProp())) {
                    highest = s;
                }
            }
            if (!ok) {
                end(); // "continue" — also after the quorum: a rival took over (or will take) memory i
                return;
            }
            phase1Done[i] = true;
            confirmed[i] = true;
            if (myValue != null) {
                issuePhase2(i); // confirmed late: it may count now
            } else if (++phase1Count == quorum) {                                         // line 16
                phase2(adopt(highest == null ? null : highest.value()));                  // lines 19–20
            }
        }

        private void phase2(Bytes value) {
            myValue = value;
            for (int i = 1; i <= m; i++) {                                                // line 21
                if (confirmed[i] || !waitsForConfirmation()) {
                    issuePhase2(i);
                }
            }
        }

        private void issuePhase2(int i) {
            if (phase2Issued[i]) {
                return;
            }
            phase2Issued[i] = true;
            env.memory(i, new MemoryOp.Write(REGION, env.self() - 1,
                    new Slot(propNr, propNr, myValue).encode()), w -> {
                if (!live()) {
                    return;
                }
                if (!(w instanceof Reply.Ack)) {
                    end();                                                                // line 23
                } else if (++acks == quorum) {                                            // line 22
                    over = true;
                    decideAndAnnounce(myValue);                                           // line 24
                }
            });
        }

        private void end() {
            over = true;
            giveUp();
        }
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
