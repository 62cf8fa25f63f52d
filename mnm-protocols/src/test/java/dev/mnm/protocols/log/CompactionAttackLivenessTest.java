package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Not safety: a leader whose next position waits for a snapshot to be durable counts that
 * snapshot's acknowledgements only from the memories it had confirmed when it began writing it.
 * A memory confirmed later never gets it, so if one of the first ones then fails, the snapshot
 * never becomes durable and the leader, still named by Ω, never writes again. n = m = 3, f_M = 1,
 * 4 slots (H = 2).
 * <ol>
 *   <li>p1 commits c0..c7 on all three memories (snapshots to 8; registers hold 4..7).</li>
 *   <li>p2 (applied 0) recovers; its phase 1 on M1 is slow. On M2, M3 it reads a reused
 *       register, installs 8, sees positions up to 7: durableBound 4, so positions below 4 + 4 = 8
 *       may be written — none beyond its applied point 8 until its own snapshot 8 is durable. It
 *       writes 8 to M2 and M3 (its confirmed memories); M2 acknowledges, M3 is slow.</li>
 *   <li>p2's phase 1 on M1 completes: M1 is confirmed late (it gets the slots in flight: none).</li>
 *   <li>M3 crashes (the one failure).</li>
 *   <li>p2 leads with M1 and M2 up and answering, and every command waits forever.</li>
 * </ol>
 * A fix: when a memory is confirmed late (or marked after a catch-up, which wrote the leader's
 * snapshot there already), write the snapshot being written to it too and count its header's
 * acknowledgement.
 */
class CompactionAttackLivenessTest {
    @Test
    void aLateConfirmedMemoryCountsForTheSnapshotInWriting() {
        CompactionAttackTest h = new CompactionAttackTest();
        for (int k = 0; k <= 7; k++) {
            h.commit(1, "c" + k, 1, 2, 3);
        }
        h.submit(1, "P"); // p1 steps down: Ω moves on (its write is refused once p2 holds the permissions)
        h.lead(2, 2, 3);
        assertThat(h.logs[2].applied()).as(h.memories()).isEqualTo(8);
        h.w.drain(2, 2); // snapshot 8 on M2, acknowledged
        assertThat(h.w.pending(2, 3)).as("snapshot 8 to M3, held").isPositive();
        h.w.drain(2, 1); // p2's phase 1 on M1: confirmed late
        h.w.drain(1, 1, 2, 3); // p1's leftovers: refused
        assertThat(h.logs[1].leading()).isFalse();
        h.w.crashMemory(3);
        h.submit(2, "d0");
        for (int k = 0; k < 10; k++) {
            h.w.drain(2, 1, 2);
        }
        assertThat(h.logs[2].leading()).isTrue();
        assertThat(h.outcomes).as("p2 leads with M1 and M2 answering; " + h.memories()).anyMatch(o -> o.startsWith("d0@p2 Done"));
    }
}
