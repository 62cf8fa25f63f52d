package dev.mnm.core;

import java.util.function.Consumer;

/**
 * Everything a protocol may do to the outside world (DESIGN principle 1). A protocol never
 * touches threads, sockets, clocks or randomness: it acts through this interface, and the runtime
 * calls it back — replies, messages, timers, leader changes — one event at a time on the
 * process's own logical thread.
 */
public interface Env {
    /** This process's id, 1..n. */
    int self();

    /** n: processes are 1..n. */
    int processes();

    /** m: memories are 1..m. */
    int memories();

    /** Sends {@code message} to process {@code to} (which may be self). */
    void send(int to, Message message);

    /**
     * Issues {@code op} on memory {@code memory}; {@code onReply} runs when its reply arrives, and
     * never if the memory has crashed. Operations of one process on one memory execute and reply
     * in the order issued, as on an RDMA queue pair; a protocol that keeps at most one outstanding
     * per memory (seed 003 §3) issues the next from the previous one's callback, and one that
     * pipelines (SWARM's doorbell-batched write + read) issues them together.
     */
    void memory(int memory, MemoryOp op, Consumer<Reply> onReply);

    /** Runs {@code action} after {@code delay} time units (one delay of the model is {@link #DELAY}). */
    Timer setTimer(long delay, Runnable action);

    /** Reports this process's decision (once). */
    void decide(Bytes value);

    /** A note for the runtime's trace or log; runtimes may ignore it. */
    default void note(String text) {}

    /** The time units in one message delay. */
    long DELAY = 100;

    /** A pending timer. */
    interface Timer {
        void cancel();
    }

    /** Sends to every process, self included. */
    default void broadcast(Message message) {
        for (int q = 1; q <= processes(); q++) {
            send(q, message);
        }
    }
}
