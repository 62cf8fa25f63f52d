package dev.mnm.protocols.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.testing.ManualWorld;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, schedule A, against the real class: n = 3, m = 3, f_M = 1. p2's phase 1 completes on
 * M1 and M2 while its changePermission on M3 is slow; p3's phase 1 completes on M2 and M3 while its
 * changePermission on M1 is slow. The broken algorithm counted p2's phase-2 acks from M1 and M3 (its
 * late permission on M3 landed after p3's phase 1 there) and p3's from M1 and M2: two decisions.
 */
class ScheduleATest {
    static ManualWorld scheduleA(boolean mutant) {
        ManualWorld w = new ManualWorld(3, 3, Algorithms.PROTECTED_MEMORY_PAXOS.memoryLayout(3));
        for (int p = 1; p <= 3; p++) {
            Bytes input = Bytes.utf8("v" + p);
            w.install(p, mutant
                    ? new ProtectedMemoryPaxos(w.env(p), input, 1) {
                        @Override
                        boolean waitsForConfirmation() {
                            return false;
                        }
                    }
                    : new ProtectedMemoryPaxos(w.env(p), input, 1));
            w.start(p);
        }
        // 1. Ω names p2 (proposal 2): phase 1 on M1 completes; on M2 all but the read's reply
        w.leader(2, 2);
        w.drain(2, 1);
        w.roundTrip(2, 2); // changePermission
        w.roundTrip(2, 2); // write (2, ⊥, ⊥)
        w.exec(2, 2);      // read: executed, reply still on its way
        // 2. Ω names p3 (proposal 3): phase 1 completes on M2 and M3, finding no value; M1 is slow
        w.leader(3, 3);
        w.drain(3, 2, 3);
        // 3. p2's quorum {M1, M2} fires; it writes phase 2; M1 acks; its slow permission on M3 lands now
        w.reply(2, 2);
        w.roundTrip(2, 1);  // phase-2 write on M1: ack (p3's permission there is still slow)
        w.roundTrip(2, 3);  // changePermission on M3, after p3's phase 1 there
        w.roundTrip(2, 3);  // the broken algorithm's phase-2 write on M3: ack, so p2 decides v2
        // 4. p3's slow changePermission on M1 lands; its phase-2 writes on M1 and M2 ack
        w.roundTrip(3, 1);
        w.roundTrip(3, 1);
        w.roundTrip(3, 2);
        // then everything pending happens
        w.settle(10_000, false);
        return w;
    }

    @Test
    void scheduleADecidesOneValue() {
        ManualWorld w = scheduleA(false);
        assertThat(w.disagreements()).as(w.steps()).isEmpty();
        assertThat(w.decisions()).as("p3 decides, and p2 learns it when told").isNotEmpty();
    }

    @Test
    void theBugPutBackDecidesTwoValues() {
        ManualWorld w = scheduleA(true);
        assertThat(w.disagreements()).as(w.steps()).isNotEmpty();
    }
}
