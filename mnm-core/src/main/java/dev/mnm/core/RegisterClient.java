package dev.mnm.core;

import java.util.function.Consumer;

/**
 * One client of a replicated register. Values are integers; {@code null} is ⊥, the initial value.
 * A client runs one operation at a time; {@code done} runs when the operation returns (work the
 * algorithm leaves "in the background" may continue after it).
 */
public interface RegisterClient extends Protocol {
    void write(long value, Runnable done);

    void read(Consumer<Long> done);

    @Override
    default void start() {}

    @Override
    default void onMessage(int from, Message message) {
        throw new IllegalStateException("register clients exchange no messages");
    }
}
