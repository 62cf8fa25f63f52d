package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * One log slot's content: the log position it holds (slot registers are reused, position s in
 * register s mod S, see {@link Snapshots}), the proposal number that wrote it, the leader's commit
 * point when it wrote it (every position below is committed: Mu's piggybacked FUO), and the
 * command. A CRC-32 over all of it guards against torn or half-written entries: an entry that does
 * not check is treated as empty and never applied.
 */
record LogEntry(long position, long propNr, long commit, Bytes command) {
    private static final int FRAMING = 8 + 8 + 8 + 4 + 8;

    Bytes encode() {
        ByteBuffer b = ByteBuffer.allocate(FRAMING + command.length());
        b.putLong(position).putLong(propNr).putLong(commit).putInt(command.length()).put(command.toArray());
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putLong(crc.getValue());
        return Bytes.of(b.array());
    }

    /** The entry, or null if the register is empty or its content does not check. */
    static LogEntry decode(Bytes bytes) {
        if (bytes.length() < FRAMING) {
            return null;
        }
        byte[] a = bytes.toArray();
        ByteBuffer b = ByteBuffer.wrap(a);
        long position = b.getLong();
        long propNr = b.getLong();
        long commit = b.getLong();
        int len = b.getInt();
        if (len < 0 || len != a.length - FRAMING) {
            return null;
        }
        byte[] cmd = new byte[len];
        b.get(cmd);
        CRC32 crc = new CRC32();
        crc.update(a, 0, FRAMING - 8 + len);
        if (b.getLong() != crc.getValue()) {
            return null;
        }
        return new LogEntry(position, propNr, commit, Bytes.of(cmd));
    }
}
