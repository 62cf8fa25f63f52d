package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import java.nio.ByteBuffer;

/**
 * The register a process owns in each memory: {@code slot[i,p] = (minProp, accProp, value)} in
 * Protected Memory Paxos (seed 003 Alg. 6, line 4), and the block {@code (mbal, bal, inp)} of Disk
 * Paxos. {@code value == null} is ⊥; the empty register reads as (0, 0, ⊥).
 */
record Slot(long minProp, long accProp, Bytes value) {
    static final Slot EMPTY = new Slot(0, 0, null);

    Bytes encode() {
        int len = value == null ? 0 : value.length();
        ByteBuffer b = ByteBuffer.allocate(17 + len);
        b.putLong(minProp).putLong(accProp).put((byte) (value == null ? 0 : 1));
        if (value != null) {
            b.put(value.toArray());
        }
        return Bytes.of(b.array());
    }

    static Slot decode(Bytes bytes) {
        if (bytes.length() == 0) {
            return EMPTY;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.toArray());
        long min = b.getLong();
        long acc = b.getLong();
        if (b.get() == 0) {
            return new Slot(min, acc, null);
        }
        byte[] v = new byte[b.remaining()];
        b.get(v);
        return new Slot(min, acc, Bytes.of(v));
    }
}
