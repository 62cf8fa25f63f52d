package dev.mnm.core;

/** 64-bit words in registers, big-endian, as RDMA atomics see them. */
public final class Words {
    private Words() {}

    public static Bytes ofLong(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return Bytes.wrap(b);
    }

    /** The empty register reads as 0; anything but 0 or 8 bytes is refused. */
    public static long toLong(Bytes b) {
        if (b.length() == 0) {
            return 0;
        }
        if (b.length() != 8) {
            throw new IllegalArgumentException("not a 64-bit word: " + b.length() + " bytes");
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b.at(i) & 0xff);
        }
        return v;
    }
}
