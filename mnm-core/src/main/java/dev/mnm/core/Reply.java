package dev.mnm.core;

import java.util.List;

/** What a memory answers to an operation: ack, nak (no permission, or not in the region), or values. */
public sealed interface Reply {
    Ack ACK = new Ack();
    Nak NAK = new Nak();

    record Ack() implements Reply {}

    record Nak() implements Reply {}

    record Value(Bytes value) implements Reply {}

    record Values(List<Bytes> values) implements Reply {}

    default boolean isNak() {
        return this instanceof Nak;
    }
}
