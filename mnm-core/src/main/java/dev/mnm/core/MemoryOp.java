package dev.mnm.core;

/**
 * An operation on one memory, through one region (seed 003 §3). {@link ReadRange} reads
 * consecutive registers in one operation, as one RDMA READ of a contiguous buffer does.
 */
public sealed interface MemoryOp {
    int region();

    record Read(int region, int register) implements MemoryOp {}

    record ReadRange(int region, int from, int count) implements MemoryOp {
        public ReadRange {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1: " + count);
            }
        }
    }

    record Write(int region, int register, Bytes value) implements MemoryOp {}

    /** Compare-and-swap; the reply is the register's old value (success iff it equals {@code expected}). */
    record Cas(int region, int register, Bytes expected, Bytes value) implements MemoryOp {}

    /** Fetch-and-add on the register read as a 64-bit big-endian integer (empty reads as 0); replies the old value. */
    record Fadd(int region, int register, long delta) implements MemoryOp {}

    /** Replies ack whether or not the change took effect, as in the model: it returns no result. */
    record ChangePermission(int region, Permission permission) implements MemoryOp {}
}
