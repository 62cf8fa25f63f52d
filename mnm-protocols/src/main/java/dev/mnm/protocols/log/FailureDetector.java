package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Pfor;
import dev.mnm.core.Reply;
import dev.mnm.core.Words;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Ω from heartbeat counters in memory. Every {@code heartbeat} time units a process increments its
 * counter in region 1 of every memory and reads everyone's counters and every minProp register
 * from m − f_M memories in the same round trip; a process whose counter stops moving for
 * {@code suspectAfter} ticks is suspected. Ω names the <em>incumbent</em> — the process whose
 * proposal number is the highest in the minProp registers (p1 before anyone wrote one) — while it
 * is not suspected, and otherwise the lowest-id process not suspected, so a slow leader that comes
 * back does not take leadership back.
 *
 * <p>Invariant: none for safety in Ω. Ω may be wrong for as long as it likes — several processes
 * may think they lead at once — and the log stays safe by permissions and phase 1 alone; Ω only
 * serves liveness. Start-up grace: nobody is suspected during the first ten suspicion periods.
 *
 * <p>One read here does serve safety: {@link #highestProposal} once {@link #hasRead}, from which a
 * (possibly restarted) process picks a proposal number above every one it used before
 * ({@link Recovery}). It counts only memories that hold the log (their mark, register n, is read
 * with the minProps): a memory that restarted empty has lost the minProps, and a leader's catch-up
 * copies every minProp into it before marking it ({@link CatchUp}), so a number written
 * on m − f_M memories that hold the log stays on m − f_M of them.
 */
final class FailureDetector {
    private final Env env;
    private final ReplicatedLog.Config cfg;
    private final int n;
    private final int quorum;
    private final IntConsumer onTick;
    private long beat;
    private final long[] lastBeat;
    private final int[] misses;
    /** For a process hinted dead, its counter when the hint came; −1 if none. */
    private final long[] hintedAt;
    private int leader = 1;
    private long highestProposal;
    /** The highest minProp in the latest read: Ω names the process it belongs to while that one is trusted. */
    private long lastReadProposal;
    private boolean hasRead;

    /** {@code onTick} hears, after each tick's reads, whom Ω names now. */
    FailureDetector(Env env, ReplicatedLog.Config cfg, IntConsumer onTick) {
        this.env = env;
        this.cfg = cfg;
        this.n = env.processes();
        this.quorum = env.memories() - cfg.fM();
        this.onTick = onTick;
        this.lastBeat = new long[n + 1];
        this.misses = new int[n + 1];
        this.hintedAt = new long[n + 1];
        java.util.Arrays.fill(hintedAt, -1);
    }

    int leader() {
        return leader;
    }

    /** The highest proposal number read from the minProp registers so far. */
    long highestProposal() {
        return highestProposal;
    }

    /** Whether a read of every minProp from m − f_M memories has completed since this instance started. */
    boolean hasRead() {
        return hasRead;
    }

    private boolean alive(int q) {
        if (q != env.self() && hintedAt[q] >= 0) {
            return false; // a hint of death, until q's counter moves on twice
        }
        return q == env.self() || misses[q] < cfg.suspectAfter() || beat < 10L * cfg.suspectAfter();
    }

    /**
     * A hint from outside the model — for example q's connection closed, which a dead process's
     * do at once — that q has crashed: q is suspected now, until its heartbeat counter advances
     * twice past what was read before the hint (one write of q's may still have been in flight),
     * and Ω is chosen again at once. Liveness only, like all of Ω: a wrong hint costs a leader
     * change, never safety.
     */
    void hint(int q) {
        if (q < 1 || q > n || q == env.self()) {
            return;
        }
        hintedAt[q] = lastBeat[q];
        choose();
    }

    void tick() {
        beat++;
        int base = ReplicatedLog.heartbeatBase(n, cfg.slots());
        for (int i = 1; i <= env.memories(); i++) {
            env.memory(i, new MemoryOp.Write(ReplicatedLog.HEARTBEAT_REGION, base + env.self() - 1, Words.ofLong(beat)),
                    r -> { });
        }
        long[] max = new long[n + 1];
        long[] highestProp = new long[1];
        int[] holding = {0};
        Pfor.run(env, quorum, it -> {
            env.memory(it.memory(), new MemoryOp.ReadRange(ReplicatedLog.HEARTBEAT_REGION, base, n), r -> {
                if (r instanceof Reply.Values(List<Bytes> vs)) {
                    for (int q = 1; q <= n; q++) {
                        max[q] = Math.max(max[q], word(vs.get(q - 1)));
                    }
                }
            });
            // same round trip: every minProp and, in register n, the joined mark
            env.memory(it.memory(), new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, 0, n + 1), r -> {
                if (r instanceof Reply.Values(List<Bytes> vs)
                        && ReplicatedLog.joined(new Reply.Value(vs.get(n)))) {
                    for (Bytes v : vs.subList(0, n)) {
                        highestProp[0] = Math.max(highestProp[0], word(v));
                    }
                    if (++holding[0] == quorum) { // minProps read on m − f_M memories that hold the log
                        highestProposal = Math.max(highestProposal, highestProp[0]);
                        hasRead = true;
                    }
                }
                it.done();
            });
        }, () -> {
            for (int q = 1; q <= n; q++) {
                if (max[q] > lastBeat[q]) {
                    lastBeat[q] = max[q];
                    misses[q] = 0;
                } else {
                    misses[q]++;
                }
                if (hintedAt[q] >= 0 && lastBeat[q] >= hintedAt[q] + 2) {
                    hintedAt[q] = -1; // it lives after all
                }
            }
            lastReadProposal = highestProp[0];
            choose();
        });
        env.setTimer(cfg.heartbeat(), this::tick);
    }

    /** Ω's output from what is known now, told to the log. */
    private void choose() {
        long prop = Math.max(1, lastReadProposal);
        int incumbent = (int) ((prop - 1) % n) + 1;
        int chosen = alive(incumbent) ? incumbent : 0;
        for (int q = 1; q <= n && chosen == 0; q++) {
            if (alive(q)) {
                chosen = q;
            }
        }
        if (chosen != leader) {
            env.note("leader is now " + chosen + (chosen == incumbent ? " (it holds the highest proposal number, " + prop + ")"
                    : " (process " + incumbent + ", which holds the highest proposal number, "
                            + (hintedAt[incumbent] >= 0 ? "was reported dead" : "missed " + misses[incumbent] + " heartbeats")
                            + ")"));
            leader = chosen;
        }
        onTick.accept(leader);
    }

    static long word(Bytes v) {
        return v.length() == 8 ? Words.toLong(v) : 0;
    }
}
