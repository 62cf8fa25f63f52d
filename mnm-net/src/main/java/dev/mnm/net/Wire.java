package dev.mnm.net;

import dev.mnm.core.Bytes;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Permission;
import dev.mnm.core.Reply;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary encoding of memory operations and replies inside frames. Every frame on the wire is
 * a 4-byte big-endian length, then a type byte and the payload; a frame longer than
 * {@link #MAX_FRAME} or with anything malformed inside is a {@link BadFrame}, and the connection
 * that sent it is closed.
 */
final class Wire {
    static final int MAX_FRAME = 32 << 20;
    static final int MAX_VALUE = MAX_FRAME - 64;
    static final int MAX_RANGE = 1 << 16;

    static final byte CHALLENGE = 1;
    static final byte AUTH = 2;
    static final byte AUTH_OK = 3;
    static final byte REQUEST = 4;
    static final byte RESPONSE = 5;
    static final byte ERROR = 6;

    private static final byte READ = 1;
    private static final byte READ_RANGE = 2;
    private static final byte WRITE = 3;
    private static final byte CAS = 4;
    private static final byte FADD = 5;
    private static final byte CHANGE_PERMISSION = 6;

    private static final byte ACK = 1;
    private static final byte NAK = 2;
    private static final byte VALUE = 3;
    private static final byte VALUES = 4;

    private Wire() {}

    /** Something malformed arrived: the connection that sent it is closed with this reason. */
    static final class BadFrame extends RuntimeException {
        BadFrame(String reason) {
            super(reason);
        }
    }

    static void op(ByteBuf b, MemoryOp op) {
        switch (op) {
            case MemoryOp.Read r -> b.writeByte(READ).writeInt(r.region()).writeInt(r.register());
            case MemoryOp.ReadRange r -> b.writeByte(READ_RANGE).writeInt(r.region()).writeInt(r.from()).writeInt(r.count());
            case MemoryOp.Write w -> {
                b.writeByte(WRITE).writeInt(w.region()).writeInt(w.register());
                bytes(b, w.value());
            }
            case MemoryOp.Cas c -> {
                b.writeByte(CAS).writeInt(c.region()).writeInt(c.register());
                bytes(b, c.expected());
                bytes(b, c.value());
            }
            case MemoryOp.Fadd f -> b.writeByte(FADD).writeInt(f.region()).writeInt(f.register()).writeLong(f.delta());
            case MemoryOp.ChangePermission c -> b.writeByte(CHANGE_PERMISSION).writeInt(c.region())
                    .writeLong(c.permission().r()).writeLong(c.permission().w()).writeLong(c.permission().rw());
        }
    }

    static MemoryOp op(ByteBuf b) {
        byte kind = u8(b);
        int region = i32(b);
        try {
            return switch (kind) {
                case READ -> new MemoryOp.Read(region, i32(b));
                case READ_RANGE -> {
                    int from = i32(b);
                    int count = i32(b);
                    if (count < 1 || count > MAX_RANGE) {
                        throw new BadFrame("read range count out of 1.." + MAX_RANGE + ": " + count);
                    }
                    yield new MemoryOp.ReadRange(region, from, count);
                }
                case WRITE -> new MemoryOp.Write(region, i32(b), bytes(b));
                case CAS -> new MemoryOp.Cas(region, i32(b), bytes(b), bytes(b));
                case FADD -> new MemoryOp.Fadd(region, i32(b), i64(b));
                case CHANGE_PERMISSION -> new MemoryOp.ChangePermission(region,
                        new Permission(i64(b), i64(b), i64(b)));
                default -> throw new BadFrame("unknown operation kind " + kind);
            };
        } catch (IllegalArgumentException e) {
            throw new BadFrame("bad operation: " + e.getMessage());
        }
    }

    static void reply(ByteBuf b, Reply r) {
        switch (r) {
            case Reply.Ack a -> b.writeByte(ACK);
            case Reply.Nak n -> b.writeByte(NAK);
            case Reply.Value v -> {
                b.writeByte(VALUE);
                bytes(b, v.value());
            }
            case Reply.Values v -> {
                b.writeByte(VALUES).writeInt(v.values().size());
                for (Bytes x : v.values()) {
                    bytes(b, x);
                }
            }
        }
    }

    /** The bytes {@link #reply(ByteBuf, Reply)} writes, so a buffer can be sized once (large replies). */
    static int size(Reply r) {
        return switch (r) {
            case Reply.Ack a -> 1;
            case Reply.Nak n -> 1;
            case Reply.Value v -> 5 + v.value().length();
            case Reply.Values v -> {
                int size = 5;
                for (Bytes x : v.values()) {
                    size += 4 + x.length();
                }
                yield size;
            }
        };
    }

    static Reply reply(ByteBuf b) {
        byte kind = u8(b);
        return switch (kind) {
            case ACK -> Reply.ACK;
            case NAK -> Reply.NAK;
            case VALUE -> new Reply.Value(bytes(b));
            case VALUES -> {
                int n = i32(b);
                if (n < 0 || n > MAX_RANGE) {
                    throw new BadFrame("value count out of range: " + n);
                }
                List<Bytes> values = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    values.add(bytes(b));
                }
                yield new Reply.Values(List.copyOf(values));
            }
            default -> throw new BadFrame("unknown reply kind " + kind);
        };
    }

    static void bytes(ByteBuf b, Bytes v) {
        b.writeInt(v.length());
        b.writeBytes(v.toArray());
    }

    static Bytes bytes(ByteBuf b) {
        int n = i32(b);
        if (n < 0 || n > MAX_VALUE || n > b.readableBytes()) {
            throw new BadFrame("bad value length " + n);
        }
        byte[] data = new byte[n];
        b.readBytes(data);
        return Bytes.of(data);
    }

    static byte u8(ByteBuf b) {
        need(b, 1);
        return b.readByte();
    }

    static int i32(ByteBuf b) {
        need(b, 4);
        return b.readInt();
    }

    static long i64(ByteBuf b) {
        need(b, 8);
        return b.readLong();
    }

    static void need(ByteBuf b, int n) {
        if (b.readableBytes() < n) {
            throw new BadFrame("truncated frame");
        }
    }

    /** Fails unless the frame was read to its end. */
    static void end(ByteBuf b) {
        if (b.isReadable()) {
            throw new BadFrame(b.readableBytes() + " unexpected bytes at the end of a frame");
        }
    }
}
