package dev.mnm.check;

/**
 * A sequential specification: an initial state and a step function. States must have value
 * equality ({@code equals} / {@code hashCode}): the checker memoises (linearized set, state).
 */
public interface Model {
    String name();

    Object init();

    /** The state after {@code op} (with its recorded result) from {@code state}, or null if {@code op} is illegal there. */
    Object step(Object state, Op op);
}
