package dev.mnm.services;

import dev.mnm.core.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** KEYS and SCAN over the key space, with Redis's glob patterns ({@link Glob}). Deterministic, as every command. */
final class KeyScan {
    private KeyScan() {}

    record Options(byte[] match, long count, String type) {}

    /** SCAN's MATCH, COUNT and TYPE, or null if they are malformed. */
    static Options options(List<byte[]> args) {
        byte[] match = null;
        long count = 10;
        String type = null;
        for (int k = 2; k < args.size(); k += 2) {
            if (k + 1 == args.size()) {
                return null;
            }
            switch (KvCommands.upper(args.get(k))) {
                case "MATCH" -> match = args.get(k + 1);
                case "COUNT" -> {
                    Long c = KvCommands.integer(args.get(k + 1));
                    if (c == null || c < 1) {
                        return null;
                    }
                    count = c;
                }
                case "TYPE" -> type = new String(args.get(k + 1), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                default -> {
                    return null;
                }
            }
        }
        return new Options(match, count, type);
    }

    /**
     * SCAN: keys in the order of a fixed 63-bit hash of their bytes (ties by the bytes), from the
     * first whose hash is at least the cursor; about {@code count} of them examined per call; the
     * next cursor is the hash of the first key not examined, 0 at the end. A key present from the
     * first call to the last is returned at least once, whatever is added or deleted meanwhile:
     * a key's place in the order never moves. Each call sorts the whole key space (N log N).
     */
    static byte[] scan(Map<Bytes, byte[]> data, long cursor, Options o) {
        List<Bytes> keys = new ArrayList<>(data.keySet());
        keys.sort((x, y) -> {
            int c = Long.compare(scanHash(x), scanHash(y));
            return c != 0 ? c : Arrays.compareUnsigned(x.toArray(), y.toArray());
        });
        List<byte[]> found = new ArrayList<>();
        long next = 0;
        int examined = 0;
        long previous = -1;
        for (Bytes k : keys) {
            long h = scanHash(k);
            if (h < cursor) {
                continue;
            }
            if (examined >= o.count() && h != previous) { // keys of one hash go together: the cursor names a hash
                next = h;
                break;
            }
            previous = h;
            examined++;
            boolean typeOk = o.type() == null || o.type().equals("string");
            if (typeOk && (o.match() == null || Glob.matches(o.match(), k.toArray()))) {
                found.add(Resp.bulk(k.toArray()));
            }
        }
        return Resp.array(List.of(Resp.bulk(Long.toString(next).getBytes(StandardCharsets.US_ASCII)), Resp.array(found)));
    }

    /** FNV-1a over the key's bytes, then MurmurHash3's finaliser; positive and never 0 (0 is the cursor of the start). */
    static long scanHash(Bytes key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.toArray()) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return ((h ^ (h >>> 33)) >>> 1) | 1;
    }

    /** KEYS: the keys matching {@code pattern}, in byte order. */
    static byte[] keys(Map<Bytes, byte[]> data, byte[] pattern) {
        List<Bytes> keys = new ArrayList<>(data.keySet());
        keys.sort((x, y) -> Arrays.compareUnsigned(x.toArray(), y.toArray()));
        List<byte[]> out = new ArrayList<>();
        for (Bytes k : keys) {
            if (Glob.matches(pattern, k.toArray())) {
                out.add(Resp.bulk(k.toArray()));
            }
        }
        return Resp.array(out);
    }
}
