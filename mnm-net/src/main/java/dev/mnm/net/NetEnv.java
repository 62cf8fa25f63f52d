package dev.mnm.net;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Reply;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Env} of a process on the network: memory operations go to the memory nodes over
 * authenticated connections, timers and every callback run on one single-threaded executor — the
 * process's logical thread — so the protocol classes of the simulator run here unmodified. One
 * time unit is one microsecond.
 */
public final class NetEnv implements Env {
    private static final Logger log = LoggerFactory.getLogger(NetEnv.class);
    private final int self;
    private final int processes;
    private final MemoryClient[] memories;
    private final ScheduledExecutorService thread;

    /** {@code memories[i]} is the connection to memory i (1-based; index 0 unused; null if unreachable). */
    public NetEnv(int self, int processes, MemoryClient[] memories, ScheduledExecutorService thread) {
        this.self = self;
        this.processes = processes;
        this.memories = memories.clone();
        this.thread = thread;
    }

    @Override
    public int self() {
        return self;
    }

    @Override
    public int processes() {
        return processes;
    }

    @Override
    public int memories() {
        return memories.length - 1;
    }

    @Override
    public void send(int to, Message message) {
        throw new UnsupportedOperationException("process-to-process messages are not wired on the network yet");
    }

    @Override
    public void memory(int memory, MemoryOp op, Consumer<Reply> onReply) {
        MemoryClient c = memories[memory];
        if (c != null) { // an unreachable memory never answers, like a crashed one
            c.execute(op, onReply);
        }
    }

    @Override
    public Timer setTimer(long delay, Runnable action) {
        try {
            var f = thread.schedule(guarded(self, action), Math.max(0, delay), TimeUnit.MICROSECONDS);
            return () -> f.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            return () -> { }; // the process is shutting down: its timers never fire
        }
    }

    /** Logs what a protocol callback throws: an executor would swallow it and stop the process silently. */
    static Runnable guarded(int process, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                log.error("process {}: protocol callback failed", process, e);
                throw e;
            }
        };
    }

    @Override
    public void decide(Bytes value) {
        log.info("process {} decided {}", self, value);
    }

    @Override
    public void note(String text) {
        log.info("process {}: {}", self, text);
    }
}
