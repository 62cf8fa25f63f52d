package dev.mnm.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string: the content of a register, a consensus value, a log entry. */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;
    private final int hash;

    private Bytes(byte[] data) {
        this.data = data;
        this.hash = Arrays.hashCode(data);
    }

    /** Copies {@code data}. */
    public static Bytes of(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    public static Bytes utf8(String s) {
        return new Bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes ownership of {@code data}: the caller must not change it afterwards. */
    static Bytes wrap(byte[] data) {
        return new Bytes(data);
    }

    public int length() {
        return data.length;
    }

    public byte at(int i) {
        return data[i];
    }

    public byte[] toArray() {
        return data.clone();
    }

    public String utf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && b.hash == hash && Arrays.equals(b.data, data);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Printable UTF-8 as itself, anything else as hex. */
    @Override
    public String toString() {
        for (byte b : data) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(data);
            }
        }
        return utf8();
    }
}
