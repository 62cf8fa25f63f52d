package dev.mnm.core;

import java.util.function.Consumer;

/**
 * The seed's {@code pfor i=1..m { … } wait for completion of m − f_M iterations}: start one
 * iteration per memory in parallel and continue once {@code quorum} of them have completed.
 * An iteration is a chain of memory operations on one memory; it completes by calling
 * {@link Iteration#done()}. Iterations that finish after the quorum are ignored; an iteration on a
 * crashed memory never finishes.
 */
public final class Pfor {
    private final int quorum;
    private final boolean[] completed;
    private final Runnable onQuorum;
    private int count;
    private boolean fired;

    private Pfor(int memories, int quorum, Runnable onQuorum) {
        if (quorum < 1 || quorum > memories) {
            throw new IllegalArgumentException("quorum " + quorum + " of " + memories + " memories");
        }
        this.quorum = quorum;
        this.completed = new boolean[memories + 1];
        this.onQuorum = onQuorum;
    }

    /**
     * Runs {@code body} for memories 1..m of {@code env}; {@code onQuorum} runs once, when
     * {@code quorum} iterations have completed.
     */
    public static Pfor run(Env env, int quorum, Consumer<Iteration> body, Runnable onQuorum) {
        Pfor pfor = new Pfor(env.memories(), quorum, onQuorum);
        for (int i = 1; i <= env.memories(); i++) {
            body.accept(pfor.new Iteration(i));
        }
        return pfor;
    }

    /** Whether iteration {@code memory} had completed when the quorum was reached (or since). */
    public boolean completed(int memory) {
        return completed[memory];
    }

    /** The iteration for one memory. */
    public final class Iteration {
        private final int memory;

        private Iteration(int memory) {
            this.memory = memory;
        }

        public int memory() {
            return memory;
        }

        public void done() {
            if (fired || completed[memory]) {
                return;
            }
            completed[memory] = true;
            if (++count == quorum) {
                fired = true;
                onQuorum.run();
            }
        }
    }
}
