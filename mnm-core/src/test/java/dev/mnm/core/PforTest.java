package dev.mnm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PforTest {
    /** An Env with three memories; nothing else is used. */
    static final class ThreeMemories implements Env {
        public int self() { return 1; }
        public int processes() { return 1; }
        public int memories() { return 3; }
        public void send(int to, Message message) { throw new UnsupportedOperationException(); }
        public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) { throw new UnsupportedOperationException(); }
        public Timer setTimer(long delay, Runnable action) { throw new UnsupportedOperationException(); }
        public void decide(Bytes value) { throw new UnsupportedOperationException(); }
    }

    @Test
    void continuesOnceWhenTheQuorumOfIterationsHasCompleted() {
        List<Pfor.Iteration> iterations = new ArrayList<>();
        int[] fired = {0};
        Pfor pfor = Pfor.run(new ThreeMemories(), 2, iterations::add, () -> fired[0]++);
        assertThat(iterations).extracting(Pfor.Iteration::memory).containsExactly(1, 2, 3);
        iterations.get(2).done();
        iterations.get(2).done(); // twice counts once
        assertThat(fired[0]).isZero();
        iterations.get(0).done();
        assertThat(fired[0]).isEqualTo(1);
        iterations.get(1).done(); // after the quorum: ignored
        assertThat(fired[0]).isEqualTo(1);
        assertThat(pfor.completed(1)).isTrue();
        assertThat(pfor.completed(3)).isTrue();
        assertThat(pfor.completed(2)).as("finished after the quorum").isFalse();
    }
}
