package dev.mnm.sim;

/** A fault injected into a simulated run. Times are in the runtime's time units (see {@code Env.DELAY}). */
public sealed interface Fault {
    /** Process {@code process} stops taking steps at {@code time}. */
    record CrashProcess(int process, long time) implements Fault {}

    /** Memory {@code memory} stops answering at {@code time}: later operations on it hang. */
    record CrashMemory(int memory, long time) implements Fault {}

    /** Every hop to or from the node takes {@code factor} times as long. */
    record Slow(boolean memory, int id, int factor) implements Fault {}

    /**
     * From {@code from} until {@code until}, messages between the processes in {@code side} (a bit
     * mask, bit p for process p) and the others are held back, and delivered after {@code until}.
     */
    record Partition(long side, long from, long until) implements Fault {}

    /** The leader oracle tells {@code process} that {@code leader} leads, at {@code time}. */
    record LeaderChange(int process, int leader, long time) implements Fault {}
}
