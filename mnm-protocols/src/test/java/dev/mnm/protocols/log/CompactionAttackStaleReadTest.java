package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * A follower's log read that was issued before the process recovered, led and stepped down comes
 * back after it: its start ({@code from}, the applied point when it was issued) is below what the
 * process has applied since (here: a snapshot installed by its phase 1, then positions it
 * committed as leader). n = m = 3, f_M = 1, 4 slots.
 * <ol>
 *   <li>p1 commits c0..c7 on all three memories (every register reused, snapshots to 8).</li>
 *   <li>M1 crashes and restarts empty (the one failure).</li>
 *   <li>Follower p3 learns up to 6 and knows 7 committed; its next read (from 6) executes on M1
 *       (restarted: not counted) and M2; on M3 it is slow.</li>
 *   <li>p2 recovers on M2, M3 (M1 joining), catches M1 up and commits d0..d5 with M1 and M2; its
 *       writes on M3 are slow, so M3 still holds c4..c7.</li>
 *   <li>p3 recovers on M1 and M2: a reused register, it installs a snapshot above 6, and leads; it
 *       commits e0. M1 crashes and restarts again; p3's next write there is refused, and p3
 *       follows again.</li>
 *   <li>p3's slow read on M3 executes: the read completes with M2's and M3's answers, position 6
 *       holds c6 on both, and the learner applies position 6 on a process that applied far more.</li>
 * </ol>
 * The learner's {@code log.apply(6, …)} throws "applying slot 6 at …" (no wrong value is applied:
 * {@link ReplicatedLog#apply} refuses a slot other than the next). The read should be dropped
 * when the applied point moved while it was in flight.
 */
class CompactionAttackStaleReadTest {
    @Test
    void aFollowerReadIssuedBeforeALeadershipIsDroppedAfterIt() {
        CompactionAttackTest h = new CompactionAttackTest();
        for (int k = 0; k <= 5; k++) {
            h.commit(1, "c" + k, 1, 2, 3);
        }
        // p3 learns up to 6 (a snapshot); p1 commits c6, c7; one read tells p3 that 6 is committed
        h.follow(3, 1, 2, 3);
        assertThat(h.logs[3].applied()).as(h.memories()).isEqualTo(6);
        h.commit(1, "c6", 1, 2, 3);
        h.commit(1, "c7", 1, 2, 3);
        h.restartMemory(1);
        h.logs[3].learner().poll();
        h.w.drain(3, 2, 3);
        assertThat(h.logs[3].applied()).isEqualTo(6);
        assertThat(h.logs[3].learner().knownCommit()).isEqualTo(7);
        // p3's next read: from 6, knowing 7 committed; M1 (restarted, not counted) and M2 answer, M3 is slow
        h.logs[3].learner().poll();
        h.w.drain(3, 1, 2);
        assertThat(h.w.pending(3, 3)).isPositive();
        // p1 still leads in its eyes: depose it (its write on M1 is refused)
        h.submit(1, "P");
        h.w.drain(1, 1);
        assertThat(h.logs[1].leading()).isFalse();
        // p2 recovers on M2, M3 (M1 joining, caught up); its writes on M3 after its phase 1 stay slow
        h.lead(2, 2, 3);
        h.w.drain(2, 3); // its snapshot (8) on M3; nothing else is pending there yet
        for (int k = 0; k < 4; k++) {
            h.w.drain(2, 1, 2);
        }
        assertThat(h.marked(1)).as(h.memories()).isTrue();
        for (int k = 0; k <= 5; k++) {
            h.commit(2, "d" + k, 1, 2);
        }
        h.trace("p2 committed d0..d5 with M1, M2");
        assertThat(h.entry(3, 6).position()).isEqualTo(6);
        // p3 recovers on M1, M2: it installs a snapshot and leads
        h.lead(3, 1, 2);
        long appliedAsLeader = h.logs[3].applied();
        assertThat(appliedAsLeader).as(h.memories()).isGreaterThan(6);
        h.w.drain(2, 1, 2); // p2 refused, deposed
        h.commit(3, "e0", 1, 2);
        // M1 restarts again; p3's next write there is refused: p3 follows
        h.restartMemory(1);
        h.submit(3, "e1");
        h.w.drain(3, 1);
        assertThat(h.logs[3].leading()).isFalse();
        h.trace("p3 follows again");
        // p3's slow read on M3 executes now
        assertThatCode(() -> {
            h.w.exec(3, 3);
            h.w.exec(3, 3);
            h.w.reply(3, 3);
            h.w.reply(3, 3);
        }).as(h.memories()).doesNotThrowAnyException();
        h.assertSafe();
    }
}
