package dev.mnm.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a {@link MemoryHost} keeps its registers: on the Java heap (the simulator's choice, where
 * millions of short runs come and go) or off-heap, as a memory node does, so that a large memory
 * adds nothing for the garbage collector to trace.
 */
public interface RegisterStore {
    Bytes get(int register);

    void set(int register, Bytes value);

    int size();

    static RegisterStore onHeap(int registers) {
        Bytes[] r = new Bytes[registers];
        java.util.Arrays.fill(r, Bytes.EMPTY);
        return new RegisterStore() {
            public Bytes get(int register) {
                return r[register];
            }

            public void set(int register, Bytes value) {
                r[register] = value;
            }

            public int size() {
                return r.length;
            }
        };
    }

    /**
     * Register contents in native memory, one segment per non-empty register; a segment is freed
     * when its register is overwritten and the segment becomes unreachable.
     */
    static RegisterStore offHeap(int registers) {
        MemorySegment[] r = new MemorySegment[registers];
        return new RegisterStore() {
            public Bytes get(int register) {
                MemorySegment s = r[register];
                return s == null ? Bytes.EMPTY : Bytes.wrap(s.toArray(ValueLayout.JAVA_BYTE));
            }

            public void set(int register, Bytes value) {
                if (value.length() == 0) {
                    r[register] = null;
                    return;
                }
                MemorySegment s = Arena.ofAuto().allocate(value.length());
                MemorySegment.copy(value.toArray(), 0, s, ValueLayout.JAVA_BYTE, 0, value.length());
                r[register] = s;
            }

            public int size() {
                return r.length;
            }
        };
    }
}
