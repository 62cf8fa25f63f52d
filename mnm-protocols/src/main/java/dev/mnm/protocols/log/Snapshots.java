package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Snapshots of the state machine in the memories, so that the log can reuse its slots (log
 * compaction; the seeds are silent on it, this is mnm's design).
 *
 * <p>With S slots, position s of the log lives in slot register s mod S, and a snapshot is taken at
 * every multiple of H = S / 2 (its <em>index</em>: the state after applying positions 0..index−1).
 * Each memory has three snapshot buffers in the log region (so only the permission holder writes
 * them); snapshot k goes to buffer (k / H) mod 3: {@link #partsPerBuffer} part registers of at most
 * {@link #PART_BYTES} each, then a header register. A part carries the snapshot's index and CRC, so
 * a reader that meets parts of another snapshot (a buffer being overwritten) sees the mismatch and
 * tries again. A state machine's snapshot bytes depend only on the commands applied, so two
 * processes writing snapshot k write the same bytes, and any complete snapshot k anywhere is the
 * committed state at k.
 *
 * <p>Invariants ({@link LeaderTerm}): a leader writes position s only if it knows a snapshot with
 * index D &gt; s − S <em>durable</em> (complete on m − f_M memories it confirmed), so the entry
 * s − S that it overwrites is covered; and it writes a snapshot k only if k &gt; D, where k ≤ its
 * applied point ≤ D + S: so k lands in another buffer than D (or is D's own bytes), and the
 * durable snapshot is never torn by its own leader.
 */
final class Snapshots {
    private Snapshots() {}

    /** Bytes per part register. */
    static final int PART_BYTES = 256 * 1024;
    /** The most part registers per buffer: a snapshot holds at most 4096 × 256 KiB = 1 GiB. */
    static final int MAX_PARTS = 4096;
    static final int BUFFERS = 3;
    /** Parts per read, so that one reply stays well inside a memory node's frame. */
    static final int PARTS_PER_READ = 16;

    /** A snapshot: the state after {@code index} log positions. */
    record Snapshot(long index, Bytes state) {}

    /** Registers the snapshot buffers take in the log region. */
    static int registers(int slots) {
        return BUFFERS * (1 + partsPerBuffer(slots));
    }

    /**
     * Part registers per buffer with a log of {@code slots}: one per slot up to {@link #MAX_PARTS},
     * so the small logs of tests and of the explorer keep small memories (a 4-slot log: snapshots
     * up to 1 MiB).
     */
    static int partsPerBuffer(int slots) {
        return Math.min(MAX_PARTS, slots);
    }

    /** The first register of the buffers. */
    static int base(int n, int slots) {
        return n + 1 + slots;
    }

    static int buffer(long index, int slots) {
        return (int) ((index / (slots / 2)) % BUFFERS);
    }

    static int header(int n, int slots, int buffer) {
        return base(n, slots) + buffer * (1 + partsPerBuffer(slots)) + partsPerBuffer(slots);
    }

    static int part(int n, int slots, int buffer, int k) {
        return base(n, slots) + buffer * (1 + partsPerBuffer(slots)) + k;
    }

    static int parts(Bytes state) {
        return Math.max(1, (state.length() + PART_BYTES - 1) / PART_BYTES);
    }

    static long crc(Bytes state) {
        CRC32 crc = new CRC32();
        crc.update(state.toArray());
        return crc.getValue();
    }

    /** What a header says: index, total length, parts, CRC of the state. */
    record Header(long index, int length, int parts, long crc) {
        Bytes encode() {
            return Bytes.of(ByteBuffer.allocate(24).putLong(index).putInt(length).putInt(parts).putLong(crc).array());
        }

        /** The header a read returned, or null if it is empty or names more parts than a buffer of this log holds. */
        static Header decode(Reply r, int slots) {
            if (!(r instanceof Reply.Value(Bytes v)) || v.length() != 24) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(v.toArray());
            Header h = new Header(b.getLong(), b.getInt(), b.getInt(), b.getLong());
            return h.parts < 1 || h.parts > partsPerBuffer(slots) || h.length < 0 ? null : h;
        }
    }

    /**
     * Writes {@code s} into its buffer on memory i: the parts, then the header (per-memory order
     * puts the header last). {@code then} hears the header's reply; any nak before it comes to
     * {@code naked}.
     */
    static void write(Env env, int n, int slots, int i, Snapshot s, long crc, Consumer<Reply> naked, Consumer<Reply> then) {
        int buffer = buffer(s.index(), slots);
        int parts = parts(s.state());
        byte[] all = s.state().toArray();
        for (int k = 0; k < parts; k++) {
            int from = k * PART_BYTES;
            int len = Math.min(PART_BYTES, all.length - from);
            ByteBuffer b = ByteBuffer.allocate(20 + len).putLong(s.index()).putLong(crc).putInt(k).put(all, from, len);
            env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, part(n, slots, buffer, k), Bytes.of(b.array())), naked);
        }
        Header h = new Header(s.index(), all.length, parts, crc);
        env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, header(n, slots, buffer), h.encode()), then);
    }

    /** Reads the three headers of memory i; {@code then} gets the best one above {@code above}, or null. */
    static void bestHeader(Env env, int n, int slots, int i, long above, Consumer<Header> then) {
        Header[] best = {null};
        int[] answers = {0};
        for (int b = 0; b < BUFFERS; b++) {
            env.memory(i, new MemoryOp.Read(ReplicatedLog.LOG_REGION, header(n, slots, b)), r -> {
                Header h = Header.decode(r, slots);
                if (h != null && h.index() > above && (best[0] == null || h.index() > best[0].index())) {
                    best[0] = h;
                }
                if (++answers[0] == BUFFERS) {
                    then.accept(best[0]);
                }
            });
        }
    }

    /**
     * Reads the snapshot {@code h} names from memory i's buffer; {@code then} gets it, or null if a
     * part belongs to another snapshot (the buffer is being overwritten) or the bytes do not check.
     */
    static void read(Env env, int n, int slots, int i, Header h, Consumer<Snapshot> then) {
        int buffer = buffer(h.index(), slots);
        byte[] state = new byte[h.length()];
        boolean[] bad = {false};
        int[] pending = {(h.parts() + PARTS_PER_READ - 1) / PARTS_PER_READ};
        for (int from = 0; from < h.parts(); from += PARTS_PER_READ) {
            int first = from;
            int count = Math.min(PARTS_PER_READ, h.parts() - from);
            env.memory(i, new MemoryOp.ReadRange(ReplicatedLog.LOG_REGION, part(n, slots, buffer, from), count), r -> {
                if (r instanceof Reply.Values(List<Bytes> vs)) {
                    for (int k = 0; k < vs.size(); k++) {
                        bad[0] |= !copyPart(vs.get(k), h, first + k, state);
                    }
                } else {
                    bad[0] = true;
                }
                if (--pending[0] == 0) {
                    Bytes s = Bytes.of(state);
                    then.accept(bad[0] || crc(s) != h.crc() ? null : new Snapshot(h.index(), s));
                }
            });
        }
    }

    private static boolean copyPart(Bytes part, Header h, int k, byte[] state) {
        if (part.length() < 20) {
            return false;
        }
        byte[] a = part.toArray();
        ByteBuffer b = ByteBuffer.wrap(a);
        if (b.getLong() != h.index() || b.getLong() != h.crc() || b.getInt() != k) {
            return false;
        }
        int from = k * PART_BYTES;
        int len = a.length - 20;
        if (from + len > state.length || len != Math.min(PART_BYTES, state.length - from)) {
            return false;
        }
        System.arraycopy(a, 20, state, from, len);
        return true;
    }

    /**
     * Finds a snapshot above {@code above}: reads the headers of memory {@code hint}, or if it is 0
     * of m − f_M memories (any of them: a complete snapshot is the committed state at its index
     * wherever it is), then the best one's parts. {@code then} gets it, or null if none was found or
     * it did not check (the caller tries again later). Replies after {@code timeout} are ignored and
     * {@code then} gets null, so a memory that crashes while it is read delays, and never stops, the
     * caller.
     */
    static void fetch(Env env, int n, int slots, int hint, int quorum, long above, long timeout, Consumer<Snapshot> then) {
        boolean[] over = {false};
        Env.Timer[] timer = new Env.Timer[1];
        Consumer<Snapshot> finish = s -> {
            if (!over[0]) {
                over[0] = true;
                timer[0].cancel();
                then.accept(s);
            }
        };
        timer[0] = env.setTimer(timeout, () -> finish.accept(null));
        if (hint != 0) {
            bestHeader(env, n, slots, hint, above, h -> {
                if (h == null) {
                    finish.accept(null);
                } else {
                    read(env, n, slots, hint, h, finish);
                }
            });
            return;
        }
        Header[] best = new Header[1];
        int[] where = {0};
        dev.mnm.core.Pfor.run(env, quorum, it -> bestHeader(env, n, slots, it.memory(), above, h -> {
            if (h != null && (best[0] == null || h.index() > best[0].index())) {
                best[0] = h;
                where[0] = it.memory();
            }
            it.done();
        }), () -> {
            if (best[0] == null) {
                finish.accept(null);
            } else {
                read(env, n, slots, where[0], best[0], finish);
            }
        });
    }
}
