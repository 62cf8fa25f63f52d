package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The commands one log slot carries: a count, then each command length-prefixed. An empty batch is a no-op. */
final class Batch {
    private Batch() {}

    static Bytes encode(List<Bytes> commands) {
        int size = 4;
        for (Bytes c : commands) {
            size += 4 + c.length();
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(commands.size());
        for (Bytes c : commands) {
            b.putInt(c.length()).put(c.toArray());
        }
        return Bytes.of(b.array());
    }

    static List<Bytes> decode(Bytes batch) {
        ByteBuffer b = ByteBuffer.wrap(batch.toArray());
        int n = b.getInt();
        List<Bytes> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            byte[] c = new byte[b.getInt()];
            b.get(c);
            out.add(Bytes.of(c));
        }
        return out;
    }
}
