package dev.mnm.services;

import dev.mnm.core.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the logged commands do to the key space, with Redis's arities, integer parsing and error
 * texts: the string commands and the key commands that need no clock. Every replica runs the same
 * commands in log order, so this must be deterministic: it reads nothing but its arguments and
 * the key space. Keys are binary-safe ({@link Bytes}, compared byte by byte).
 *
 * <p>Expiry (SET EX/PX/EXAT/PXAT/KEEPTTL, EXPIRE, TTL) needs the time to enter the log with the
 * command, which mnm does not do yet: those options get an error that says so.
 */
final class KvCommands {
    private KvCommands() {}

    /**
     * A transaction (MULTI … EXEC) as one logged command: {@code MNM.EXEC}, then for each queued
     * command its argument count and its arguments. Every replica runs them back to back, with
     * nothing between: atomic and isolated.
     */
    static final String EXEC = "MNM.EXEC";

    /** The logged commands, with their arity: exact if positive, at least −n if negative. */
    static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("GET", 2), Map.entry("SET", -3), Map.entry("SETNX", 3), Map.entry("GETSET", 3),
            Map.entry("GETDEL", 2), Map.entry("MGET", -2), Map.entry("MSET", -3), Map.entry("MSETNX", -3),
            Map.entry("APPEND", 3), Map.entry("STRLEN", 2), Map.entry("GETRANGE", 4), Map.entry("SETRANGE", 4),
            Map.entry("INCR", 2), Map.entry("DECR", 2), Map.entry("INCRBY", 3), Map.entry("DECRBY", 3),
            Map.entry("DEL", -2), Map.entry("UNLINK", -2), Map.entry("EXISTS", -2), Map.entry("TYPE", 2),
            Map.entry("RENAME", 3), Map.entry("DBSIZE", 1), Map.entry("FLUSHALL", -1), Map.entry("KEYS", 2),
            Map.entry("SCAN", -2), Map.entry(EXEC, -1));
    /** Commands that change nothing: applied again when a copy reaches the log, never remembered. */
    static final Set<String> READS = Set.of("GET", "MGET", "STRLEN", "GETRANGE", "EXISTS", "TYPE", "DBSIZE", "KEYS", "SCAN");
    private static final Set<String> PAIRS = Set.of("MSET", "MSETNX");
    /** Redis's limit on a string's length, which SETRANGE and APPEND must not pass. */
    static final long MAX_STRING = 512L << 20;

    static final byte[] NOT_INTEGER = Resp.error("ERR value is not an integer or out of range");
    static final byte[] SYNTAX = Resp.error("ERR syntax error");

    /** Null if {@code args} is a well-formed logged command (or not a logged command); otherwise the error reply. */
    static byte[] validate(List<byte[]> args) {
        String name = KvStateMachine.name(args);
        Integer arity = ARITY.get(name);
        if (arity == null) {
            return null;
        }
        boolean ok = arity > 0 ? args.size() == arity : args.size() >= -arity;
        if (ok && PAIRS.contains(name)) {
            ok = args.size() % 2 == 1;
        }
        if (!ok) {
            return Resp.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
        }
        return switch (name) {
            case EXEC -> {
                List<List<byte[]>> queued = unpack(args);
                if (queued == null) {
                    yield Resp.error("ERR malformed transaction");
                }
                for (List<byte[]> c : queued) {
                    String n = KvStateMachine.name(c);
                    byte[] bad = n.equals(EXEC) || !ARITY.containsKey(n) ? Resp.error("ERR malformed transaction") : validate(c);
                    if (bad != null) {
                        yield bad;
                    }
                }
                yield null;
            }
            case "SET" -> setOptions(args) == null ? setError(args) : null;
            case "SCAN" -> {
                Long cursor = integer(args.get(1));
                if (cursor == null || cursor < 0) {
                    yield Resp.error("ERR invalid cursor");
                }
                yield KeyScan.options(args) == null ? SYNTAX : null;
            }
            case "FLUSHALL" -> args.size() == 1 || args.size() == 2 && Set.of("SYNC", "ASYNC").contains(upper(args.get(1)))
                    ? null : SYNTAX;
            case "INCRBY", "DECRBY" -> integer(args.get(2)) == null ? NOT_INTEGER : null;
            case "GETRANGE" -> integer(args.get(2)) == null || integer(args.get(3)) == null ? NOT_INTEGER : null;
            case "SETRANGE" -> {
                Long offset = integer(args.get(2));
                yield offset == null ? NOT_INTEGER : offset < 0 || offset + args.get(3).length > MAX_STRING
                        ? Resp.error("ERR offset is out of range") : null;
            }
            default -> null;
        };
    }

    private record SetOptions(boolean nx, boolean xx, boolean get) {}

    /** SET's options if they are ones mnm runs (NX, XX, GET), else null. */
    private static SetOptions setOptions(List<byte[]> args) {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        for (byte[] o : args.subList(3, args.size())) {
            switch (upper(o)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> get = true;
                default -> {
                    return null;
                }
            }
        }
        return nx && xx ? null : new SetOptions(nx, xx, get);
    }

    private static byte[] setError(List<byte[]> args) {
        for (byte[] o : args.subList(3, args.size())) {
            if (Set.of("EX", "PX", "EXAT", "PXAT", "KEEPTTL").contains(upper(o))) {
                return Resp.error("ERR mnm does not support expiry yet: SET takes NX, XX and GET, not " + upper(o));
            }
        }
        return SYNTAX;
    }

    /** Runs a validated command on {@code data}; returns its RESP reply. */
    static byte[] run(Map<Bytes, byte[]> data, List<byte[]> a) {
        String name = KvStateMachine.name(a);
        Bytes key = a.size() > 1 ? Bytes.of(a.get(1)) : Bytes.EMPTY;
        byte[] old = a.size() > 1 ? data.get(key) : null;
        return switch (name) {
            case EXEC -> {
                List<byte[]> replies = new ArrayList<>();
                for (List<byte[]> c : unpack(a)) {
                    replies.add(run(data, c));
                }
                yield Resp.array(replies);
            }
            case "GET" -> Resp.bulk(old);
            case "SET" -> {
                SetOptions o = setOptions(a);
                boolean write = !(o.nx() && old != null || o.xx() && old == null);
                if (write) {
                    data.put(key, a.get(2));
                }
                yield o.get() ? Resp.bulk(old) : write ? Resp.simple("OK") : Resp.bulk(null);
            }
            case "SETNX" -> {
                if (old == null) {
                    data.put(key, a.get(2));
                }
                yield Resp.integer(old == null ? 1 : 0);
            }
            case "GETSET" -> {
                data.put(key, a.get(2));
                yield Resp.bulk(old);
            }
            case "GETDEL" -> {
                data.remove(key);
                yield Resp.bulk(old);
            }
            case "MGET" -> {
                List<byte[]> items = new ArrayList<>();
                for (byte[] k : a.subList(1, a.size())) {
                    items.add(Resp.bulk(data.get(Bytes.of(k))));
                }
                yield Resp.array(items);
            }
            case "MSET", "MSETNX" -> {
                boolean nx = name.equals("MSETNX");
                for (int k = 1; nx && k < a.size(); k += 2) {
                    if (data.containsKey(Bytes.of(a.get(k)))) {
                        yield Resp.integer(0);
                    }
                }
                for (int k = 1; k + 1 < a.size(); k += 2) {
                    data.put(Bytes.of(a.get(k)), a.get(k + 1));
                }
                yield nx ? Resp.integer(1) : Resp.simple("OK");
            }
            case "APPEND" -> {
                byte[] add = a.get(2);
                int length = old == null ? 0 : old.length;
                if (length + (long) add.length > MAX_STRING) {
                    yield Resp.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
                }
                byte[] now = Arrays.copyOf(old == null ? new byte[0] : old, length + add.length);
                System.arraycopy(add, 0, now, length, add.length);
                data.put(key, now);
                yield Resp.integer(now.length);
            }
            case "STRLEN" -> Resp.integer(old == null ? 0 : old.length);
            case "GETRANGE" -> Resp.bulk(range(old, integer(a.get(2)), integer(a.get(3))));
            case "SETRANGE" -> {
                int offset = (int) (long) integer(a.get(2));
                byte[] value = a.get(3);
                byte[] base = old == null ? new byte[0] : old;
                if (value.length == 0) {
                    yield Resp.integer(base.length);
                }
                byte[] now = Arrays.copyOf(base, Math.max(base.length, offset + value.length));
                System.arraycopy(value, 0, now, offset, value.length);
                data.put(key, now);
                yield Resp.integer(now.length);
            }
            case "INCR", "DECR", "INCRBY", "DECRBY" -> {
                long delta = switch (name) {
                    case "INCR" -> 1;
                    case "DECR" -> -1;
                    case "INCRBY" -> integer(a.get(2));
                    default -> -integer(a.get(2));
                };
                if (name.equals("DECRBY") && integer(a.get(2)) == Long.MIN_VALUE) {
                    yield Resp.error("ERR decrement would overflow");
                }
                Long v = old == null ? Long.valueOf(0) : integer(old);
                if (v == null) {
                    yield NOT_INTEGER;
                }
                long next;
                try {
                    next = Math.addExact(v, delta);
                } catch (ArithmeticException e) {
                    yield Resp.error("ERR increment or decrement would overflow");
                }
                data.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
                yield Resp.integer(next);
            }
            case "DEL", "UNLINK", "EXISTS" -> {
                boolean exists = name.equals("EXISTS");
                long n = 0;
                for (byte[] k : a.subList(1, a.size())) {
                    Bytes kk = Bytes.of(k);
                    n += (exists ? data.containsKey(kk) : data.remove(kk) != null) ? 1 : 0;
                }
                yield Resp.integer(n);
            }
            case "TYPE" -> Resp.simple(old == null ? "none" : "string");
            case "RENAME" -> {
                if (old == null) {
                    yield Resp.error("ERR no such key");
                }
                data.remove(key);
                data.put(Bytes.of(a.get(2)), old);
                yield Resp.simple("OK");
            }
            case "DBSIZE" -> Resp.integer(data.size());
            case "KEYS" -> KeyScan.keys(data, a.get(1));
            case "SCAN" -> KeyScan.scan(data, integer(a.get(1)), KeyScan.options(a));
            case "FLUSHALL" -> {
                data.clear();
                yield Resp.simple("OK");
            }
            default -> Resp.error("ERR unknown command");
        };
    }

    /** The one command that runs {@code queued} as a transaction. */
    static List<byte[]> pack(List<List<byte[]>> queued) {
        List<byte[]> out = new ArrayList<>();
        out.add(EXEC.getBytes(StandardCharsets.US_ASCII));
        for (List<byte[]> c : queued) {
            out.add(Integer.toString(c.size()).getBytes(StandardCharsets.US_ASCII));
            out.addAll(c);
        }
        return out;
    }

    /** The commands of a transaction, or null if {@code args} is not one {@link #pack} made. */
    private static List<List<byte[]>> unpack(List<byte[]> args) {
        List<List<byte[]>> out = new ArrayList<>();
        int k = 1;
        while (k < args.size()) {
            Long n = integer(args.get(k));
            if (n == null || n < 1 || n > args.size() - k - 1) {
                return null;
            }
            out.add(args.subList(k + 1, k + 1 + (int) (long) n));
            k += 1 + (int) (long) n;
        }
        return out;
    }

    /** GETRANGE: bytes start..end of {@code s}, both inclusive, negative counting from the end, as Redis clamps them. */
    private static byte[] range(byte[] s, long start, long end) {
        int n = s == null ? 0 : s.length;
        if (start < 0) {
            start = Math.max(0, n + start);
        }
        if (end < 0) {
            end = n + end;
        }
        end = Math.min(end, n - 1L);
        if (n == 0 || start > end) {
            return new byte[0];
        }
        return Arrays.copyOfRange(s, (int) start, (int) end + 1);
    }

    /**
     * A 64-bit integer the way Redis reads one (string2ll): an optional minus sign and decimal
     * digits, no leading zero, no plus sign, no spaces, not "-0"; null otherwise or if it does
     * not fit in 64 bits.
     */
    static Long integer(byte[] b) {
        String t = new String(b, StandardCharsets.ISO_8859_1);
        boolean negative = t.startsWith("-");
        String digits = negative ? t.substring(1) : t;
        if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || digits.length() > 1 && digits.charAt(0) == '0' || negative && digits.equals("0")) {
            return null;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String upper(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }
}
