package dev.mnm.core;

/**
 * One process's instance of an algorithm: a deterministic state machine driven by the runtime.
 * Memory replies and timers come back through the callbacks given to {@link Env}.
 */
public interface Protocol {
    /** Called once, before any other event. */
    void start();

    void onMessage(int from, Message message);

    /** The leader oracle Ω now names {@code leader}. */
    default void onLeader(int leader) {}
}
