package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.Message;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Liveness of the read-ahead in an idle log: a leader writes a burst at once and goes idle, so
 * the followers' windows stay full with no commit point above their applied one (or they read
 * ahead to the end of the log each time). Their log reads over a long idle stretch must stay
 * bounded by a few per idle poll — no hot loop — and they must reach the commit point written.
 */
class LearnerAheadAttackIdleTest {
    static final int N = 3;

    /** Counts, per process, the reads of slot registers it issues (one per memory per log read). */
    static final class CountingEnv implements Env {
        final Env inner;
        final int slots;
        long slotReads;

        CountingEnv(Env inner, int slots) {
            this.inner = inner;
            this.slots = slots;
        }

        @Override public int self() { return inner.self(); }
        @Override public int processes() { return inner.processes(); }
        @Override public int memories() { return inner.memories(); }
        @Override public void send(int to, Message message) { inner.send(to, message); }
        @Override public Timer setTimer(long delay, Runnable action) { return inner.setTimer(delay, action); }
        @Override public void decide(Bytes value) { inner.decide(value); }
        @Override public void note(String text) { inner.note(text); }

        @Override
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
            if (op instanceof MemoryOp.ReadRange r && r.region() == ReplicatedLog.LOG_REGION
                    && r.from() >= N + 1 && r.from() < N + 1 + slots) {
                slotReads++;
            }
            inner.memory(memory, op, onReply);
        }
    }

    @ParameterizedTest
    @CsvSource({"16,2,4,false", "16,2,4,true", "16,1,4,true", "8,2,4,true", "8,2,6,true", "16,3,5,false", "4,1,4,true", "32,2,1,true"})
    void anIdleFollowerReadsABoundedNumberOfTimesAndCatchesUp(int slots, int chunk, int burst, boolean compact) {
        long poll = 5 * Env.DELAY;
        long idlePoll = 80 * Env.DELAY;
        ReplicatedLog.Config cfg = new ReplicatedLog.Config(1, slots, 10 * Env.DELAY, 4, poll, chunk, idlePoll);
        World world = new World(N, 3, ReplicatedLog.layout(N, slots), Timing.COMMON_CASE, new SeededChooser(1), null);
        ReplicatedLog[] logs = new ReplicatedLog[N + 1];
        CountingEnv[] envs = new CountingEnv[N + 1];
        List<List<String>> applied = new ArrayList<>();
        applied.add(null);
        for (int p = 1; p <= N; p++) {
            List<String> mine = new ArrayList<>();
            applied.add(mine);
            envs[p] = new CountingEnv(world.env(p), slots);
            ReplicatedLog.StateMachine sm = compact ? new LogAdversarialSweepTest.SequenceMachine(mine) : c -> {
                mine.add(c.utf8());
                return c;
            };
            logs[p] = new ReplicatedLog(envs[p], cfg, sm);
            world.install(p, logs[p]);
            int q = p;
            world.at(0, () -> logs[q].start());
        }
        List<String> done = new ArrayList<>();
        world.at(60 * Env.DELAY, () -> {
            for (int p = 1; p <= N; p++) {
                if (logs[p].leading()) {
                    for (int k = 0; k < burst; k++) {
                        String c = "c" + k;
                        logs[p].submit(Bytes.utf8(c), o -> done.add(c + " " + o));
                    }
                    return;
                }
            }
        });
        while (world.step(2_000 * Env.DELAY)) { }
        int leader = logs[1].leading() ? 1 : logs[2].leading() ? 2 : 3;
        assertThat(done).as("the burst committed").hasSize(burst).allMatch(s -> s.contains("Done"));
        long[] before = new long[N + 1];
        for (int p = 1; p <= N; p++) {
            before[p] = envs[p].slotReads;
        }
        long stretch = 20_000 * Env.DELAY;
        while (world.step(2_000 * Env.DELAY + stretch)) { }
        for (int p = 1; p <= N; p++) {
            if (p == leader) {
                continue;
            }
            long reads = (envs[p].slotReads - before[p]) / 3;
            long bound = (stretch / idlePoll + 2) * (2 + slots / chunk);
            System.out.printf("S=%d chunk=%d burst=%d compact=%b: p%d read the log %d times in %d idle polls; applied %s (leader %s)%n",
                    slots, chunk, burst, compact, p, reads, stretch / idlePoll, applied.get(p), applied.get(leader));
            assertThat(reads).as("log reads of idle follower p" + p).isLessThanOrEqualTo(bound);
            assertThat(logs[p].applied()).as("p" + p + " reaches the highest commit point in the log")
                    .isGreaterThanOrEqualTo(burst <= 4 ? 0 : 1);
        }
    }
}
