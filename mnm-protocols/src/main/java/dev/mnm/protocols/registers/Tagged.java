package dev.mnm.protocols.registers;

import dev.mnm.core.Bytes;
import java.nio.ByteBuffer;

/**
 * A value in a max register: timestamp (ts, tid) with a GUESSED / VERIFIED flag, and the value
 * ({@code null} is ⊥). Ordered lexicographically by (ts, tid, flag), VERIFIED above GUESSED, so
 * that writing "w with VERIFIED" raises the register past w (seed 002, "Putting It All Together").
 */
record Tagged(long ts, int tid, boolean verified, Long value) implements Comparable<Tagged> {
    /** M's initial value, ((0, ⊥), VERIFIED, ⊥). */
    static final Tagged EMPTY = new Tagged(0, 0, true, null);

    @Override
    public int compareTo(Tagged o) {
        int c = Long.compare(ts, o.ts);
        if (c == 0) {
            c = Integer.compare(tid, o.tid);
        }
        return c != 0 ? c : Boolean.compare(verified, o.verified);
    }

    /** Compares the timestamps (ts, tid) only. */
    int compareTimestamp(Tagged o) {
        int c = Long.compare(ts, o.ts);
        return c != 0 ? c : Integer.compare(tid, o.tid);
    }

    Tagged asVerified() {
        return new Tagged(ts, tid, true, value);
    }

    static Tagged max(Tagged a, Tagged b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    Bytes encode() {
        ByteBuffer b = ByteBuffer.allocate(22);
        b.putLong(ts).putInt(tid).put((byte) (verified ? 1 : 0)).put((byte) (value == null ? 0 : 1))
                .putLong(value == null ? 0 : value);
        return Bytes.of(b.array());
    }

    static Tagged decode(Bytes bytes) {
        if (bytes.length() == 0) {
            return EMPTY;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.toArray());
        long ts = b.getLong();
        int tid = b.getInt();
        boolean verified = b.get() == 1;
        boolean present = b.get() == 1;
        long v = b.getLong();
        return new Tagged(ts, tid, verified, present ? v : null);
    }
}
