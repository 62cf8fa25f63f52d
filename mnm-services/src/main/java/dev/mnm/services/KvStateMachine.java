package dev.mnm.services;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.log.ReplicatedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key-value state every replica applies from the log, in log order. A log entry is one
 * command — its id (client session and sequence number), and its arguments, length-prefixed — or,
 * for a command over {@link #PART_BYTES}, one part of it: the parts are logged in order and the
 * command is applied when its last missing part is, so a log entry stays small enough for the
 * memories' frames whatever the command's size. Applying returns the RESP reply. Reads go through the log too, which is
 * what makes them linearizable.
 *
 * <h2>Exactly once</h2>
 * A command may reach the log more than once: a node retries it when the leader it was sent to
 * lost leadership or stopped answering, and the first copy may still have committed. Every
 * replica remembers the replies of the last {@link #REMEMBERED} writes by id (session ≠ 0), in
 * log order, so a later copy of a write is not applied again and answers the original reply.
 * A read is applied again: its new reply is as linearizable as the first. Session 0 means no id
 * (commands from the simulator's clients, which never retry the same copy).
 */
final class KvStateMachine implements ReplicatedLog.StateMachine {
    /** Write replies remembered for deduplication, oldest forgotten first: about 10 MB at most for small replies. */
    static final int REMEMBERED = 100_000;

    /** The most bytes of a command's arguments in one log entry; larger commands are split into parts. */
    static final int PART_BYTES = 256 * 1024;
    /** Header of an entry: session, seq, part, parts. */
    static final int HEADER = 24;
    /** The reply to a part that is not the last one needed; the node then logs the next part. */
    static final byte[] PART_STORED = Resp.simple("MNM.PART");
    /** Parts of unfinished split commands kept at most, in bytes; the oldest unfinished commands go first. */
    static final long MAX_PARTIAL_BYTES = 256L << 20;

    private record Id(long session, long seq) {}

    private final LinkedHashMap<Id, byte[][]> partial = new LinkedHashMap<>();
    private long partialBytes;

    private final int remembered;
    private final Map<Id, byte[]> replies = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Id, byte[]> eldest) {
            return size() > remembered;
        }
    };

    KvStateMachine() {
        this(REMEMBERED);
    }

    /** A state machine remembering {@code remembered} write replies; 0 puts back the double-apply bug of issue 8. */
    KvStateMachine(int remembered) {
        this.remembered = remembered;
    }
    /** The key space; what the commands do to it is {@link KvCommands}. */
    private final Map<Bytes, byte[]> data = new HashMap<>();

    static String name(List<byte[]> args) {
        return new String(args.getFirst(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    /** The log entry of {@code args} with no id (it must fit in one part). */
    static Bytes encode(List<byte[]> args) {
        return encode(0, 0, args);
    }

    /** The one log entry of command {@code seq} of client session {@code session}; it must fit in one part. */
    static Bytes encode(long session, long seq, List<byte[]> args) {
        List<Bytes> e = entries(session, seq, args);
        if (e.size() != 1) {
            throw new IllegalArgumentException("a command of " + e.size() + " parts");
        }
        return e.getFirst();
    }

    /**
     * The log entries of command {@code seq} of client session {@code session}: one, or — if its
     * arguments take more than {@link #PART_BYTES} — one per part, to be logged in order. Each
     * entry is: session, seq (longs), part, parts (ints), then its slice of the arguments
     * (a count, then each length-prefixed).
     */
    static List<Bytes> entries(long session, long seq, List<byte[]> args) {
        long size = 4;
        for (byte[] a : args) {
            size += 4 + a.length;
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a command of " + size + " bytes");
        }
        ByteBuffer whole = ByteBuffer.allocate((int) size).putInt(args.size());
        for (byte[] a : args) {
            whole.putInt(a.length).put(a);
        }
        byte[] all = whole.array();
        int parts = Math.max(1, (all.length + PART_BYTES - 1) / PART_BYTES);
        List<Bytes> out = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            int from = k * PART_BYTES;
            int len = Math.min(PART_BYTES, all.length - from);
            out.add(Bytes.of(ByteBuffer.allocate(HEADER + len).putLong(session).putLong(seq).putInt(k).putInt(parts)
                    .put(all, from, len).array()));
        }
        return out;
    }

    /** The arguments of a one-part log entry. */
    static List<byte[]> decode(Bytes command) {
        return decode(ByteBuffer.wrap(command.toArray()).position(HEADER));
    }

    private static List<byte[]> decode(ByteBuffer b) {
        int n = b.getInt();
        List<byte[]> args = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            byte[] a = new byte[b.getInt()];
            b.get(a);
            args.add(a);
        }
        return args;
    }

    @Override
    public Bytes apply(Bytes command) {
        ByteBuffer b = ByteBuffer.wrap(command.toArray());
        Id id = new Id(b.getLong(), b.getLong());
        int part = b.getInt();
        int parts = b.getInt();
        byte[] earlier = replies.get(id);
        if (earlier != null) {
            return Bytes.of(earlier); // a copy of (a part of) a write already applied: not again
        }
        List<byte[]> a;
        if (parts == 1) {
            a = decode(b);
        } else {
            byte[] whole = assemble(id, part, parts, b);
            if (whole == null) {
                return Bytes.of(PART_STORED);
            }
            a = decode(ByteBuffer.wrap(whole));
        }
        byte[] reply = KvCommands.run(data, a);
        if (id.session() != 0 && !KvCommands.READS.contains(name(a)) && remembered > 0) {
            replies.put(id, reply);
        }
        return Bytes.of(reply);
    }

    /** Stores one part of a split command; the whole command once every part is there, else null. */
    private byte[] assemble(Id id, int part, int parts, ByteBuffer slice) {
        byte[][] got = partial.get(id);
        if (got == null || got.length != parts) {
            got = new byte[parts][];
            partial.put(id, got);
        }
        if (got[part] == null) {
            got[part] = new byte[slice.remaining()];
            slice.get(got[part]);
            partialBytes += got[part].length;
        }
        long total = 0;
        for (byte[] g : got) {
            if (g == null) {
                for (var it = partial.entrySet().iterator(); partialBytes > MAX_PARTIAL_BYTES && it.hasNext(); ) {
                    var oldest = it.next(); // commands whose parts stopped coming: oldest dropped first
                    if (oldest.getKey().equals(id)) {
                        continue;
                    }
                    for (byte[] x : oldest.getValue()) {
                        partialBytes -= x == null ? 0 : x.length;
                    }
                    it.remove();
                }
                return null;
            }
            total += g.length;
        }
        partial.remove(id);
        partialBytes -= total;
        ByteBuffer whole = ByteBuffer.allocate((int) total);
        for (byte[] g : got) {
            whole.put(g);
        }
        return whole.array();
    }

    /**
     * The whole state: keys in sorted order with their values, then the remembered write replies and
     * the unfinished split commands, each in the order they were applied — bytes that depend only on
     * the commands applied, as the log requires.
     */
    @Override
    public Bytes snapshot() {
        try {
            var bytes = new java.io.ByteArrayOutputStream();
            var out = new java.io.DataOutputStream(bytes);
            out.writeInt(data.size());
            List<Bytes> keys = new ArrayList<>(data.keySet());
            keys.sort((x, y) -> java.util.Arrays.compareUnsigned(x.toArray(), y.toArray()));
            for (Bytes key : keys) {
                writeBytes(out, key.toArray());
                writeBytes(out, data.get(key));
            }
            out.writeInt(replies.size());
            for (Map.Entry<Id, byte[]> e : replies.entrySet()) {
                out.writeLong(e.getKey().session());
                out.writeLong(e.getKey().seq());
                writeBytes(out, e.getValue());
            }
            out.writeInt(partial.size());
            for (Map.Entry<Id, byte[][]> e : partial.entrySet()) {
                out.writeLong(e.getKey().session());
                out.writeLong(e.getKey().seq());
                out.writeInt(e.getValue().length);
                for (byte[] part : e.getValue()) {
                    writeBytes(out, part);
                }
            }
            out.flush();
            return Bytes.of(bytes.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void restore(Bytes snapshot) {
        try {
            var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot.toArray()));
            data.clear();
            replies.clear();
            partial.clear();
            partialBytes = 0;
            for (int k = in.readInt(); k > 0; k--) {
                data.put(Bytes.of(readBytes(in)), readBytes(in));
            }
            for (int k = in.readInt(); k > 0; k--) {
                replies.put(new Id(in.readLong(), in.readLong()), readBytes(in));
            }
            for (int k = in.readInt(); k > 0; k--) {
                Id id = new Id(in.readLong(), in.readLong());
                byte[][] parts = new byte[in.readInt()][];
                for (int j = 0; j < parts.length; j++) {
                    parts[j] = readBytes(in);
                    partialBytes += parts[j] == null ? 0 : parts[j].length;
                }
                partial.put(id, parts);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a snapshot that does not decode", e);
        }
    }

    private static void writeBytes(java.io.DataOutputStream out, byte[] b) throws java.io.IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(java.io.DataInputStream in) throws java.io.IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
