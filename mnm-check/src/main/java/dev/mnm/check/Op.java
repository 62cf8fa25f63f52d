package dev.mnm.check;

import java.util.List;

/**
 * One client operation of a history, with its invocation and completion times.
 *
 * @param id       position in the history, unique
 * @param process  the client that ran it
 * @param f        the function: read, write, cas, …
 * @param key      the object it acted on; operations on different keys are checked separately
 * @param value    the argument (write, cas) or the result (read); {@code null} is ⊥ / nil.
 *                 A cas carries [expected, new].
 * @param invoke   invocation time
 * @param complete completion time; {@link Long#MAX_VALUE} for an {@code info} operation, whose
 *                 outcome is unknown: it may take effect at any point after its invocation, or never
 * @param status   {@code OK} or {@code INFO} ({@code fail} operations had no effect and are dropped)
 */
public record Op(int id, int process, String f, String key, List<String> value, long invoke, long complete,
                 Status status) {
    public enum Status { OK, INFO }

    public Op {
        value = value == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(value));
    }

    /** The single value, for reads and writes. */
    public String single() {
        return value == null || value.isEmpty() ? null : value.getFirst();
    }

    public boolean info() {
        return status == Status.INFO;
    }

    @Override
    public String toString() {
        String v = value == null ? "nil" : value.size() == 1 ? String.valueOf(value.getFirst()) : value.toString();
        return "p" + process + " " + f + (key == null ? "" : "(" + key + ")") + " " + v + (info() ? " ?" : "");
    }
}
