package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Pfor;
import dev.mnm.core.RegisterClient;
import dev.mnm.core.Reply;
import java.util.function.Consumer;

/**
 * Naive majority replication (seed 002, "Handling Memory Failures" and its exercise): one
 * register per memory; a write writes (timestamp, value) to every memory and returns when a
 * majority acknowledge; a read reads every memory, waits for a majority and returns the value with
 * the highest timestamp. Nothing is written back, so two reads during one write can see new then
 * old: regular, not atomic. Timestamps are the writer's own counter, so give it one writer.
 */
final class MajorityRegister implements RegisterClient {
    static final int REGISTER = 0;
    private final Env env;
    private final int quorum;
    private long counter;

    MajorityRegister(Env env, int fM) {
        this.env = env;
        this.quorum = env.memories() - fM;
    }

    @Override
    public void write(long value, Runnable done) {
        Tagged t = new Tagged(++counter, env.self(), true, value);
        Pfor.run(env, quorum, it -> env.memory(it.memory(),
                new MemoryOp.Write(0, REGISTER, t.encode()), r -> it.done()), done);
    }

    @Override
    public void read(Consumer<Long> done) {
        int m = env.memories();
        Tagged[] got = new Tagged[m + 1];
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> env.memory(it.memory(), new MemoryOp.Read(0, REGISTER), r -> {
            got[it.memory()] = r instanceof Reply.Value(dev.mnm.core.Bytes b) ? Tagged.decode(b) : Tagged.EMPTY;
            it.done();
        }), () -> {
            Tagged max = Tagged.EMPTY;
            for (int i = 1; i <= m; i++) {
                if (pfor[0].completed(i)) {
                    max = Tagged.max(max, got[i]);
                }
            }
            done.accept(max.value());
        });
    }
}
