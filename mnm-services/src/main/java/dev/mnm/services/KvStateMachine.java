package dev.mnm.services;

import dev.mnm.core.Bytes;
import dev.mnm.protocols.log.ReplicatedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The key-value state every replica applies from the log, in log order. A log entry is one
 * command (its arguments, length-prefixed); applying it returns the RESP reply. Reads go through
 * the log too, which is what makes them linearizable.
 */
final class KvStateMachine implements ReplicatedLog.StateMachine {
    /** The commands that go through the log, with their arity rule: exact if positive, at least −n if negative. */
    static final Map<String, Integer> COMMANDS = Map.of("GET", 2, "SET", 3, "DEL", -2, "EXISTS", -2, "INCR", 2,
            "MGET", -2, "MSET", -3);
    static final Set<String> EVEN_ARGS = Set.of("MSET");

    private final Map<String, byte[]> data = new HashMap<>();

    /** Null if {@code args} is a well-formed logged command; otherwise the error reply. */
    static byte[] validate(List<byte[]> args) {
        String name = name(args);
        Integer arity = COMMANDS.get(name);
        if (arity == null) {
            return null;
        }
        boolean ok = arity > 0 ? args.size() == arity : args.size() >= -arity;
        if (ok && EVEN_ARGS.contains(name)) {
            ok = args.size() % 2 == 1;
        }
        return ok ? null : Resp.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
    }

    static String name(List<byte[]> args) {
        return new String(args.getFirst(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    static Bytes encode(List<byte[]> args) {
        int size = 4;
        for (byte[] a : args) {
            size += 4 + a.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(args.size());
        for (byte[] a : args) {
            b.putInt(a.length).put(a);
        }
        return Bytes.of(b.array());
    }

    static List<byte[]> decode(Bytes command) {
        ByteBuffer b = ByteBuffer.wrap(command.toArray());
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
        List<byte[]> a = decode(command);
        String key = a.size() > 1 ? new String(a.get(1), StandardCharsets.UTF_8) : "";
        byte[] reply = switch (name(a)) {
            case "GET" -> Resp.bulk(data.get(key));
            case "SET" -> {
                data.put(key, a.get(2));
                yield Resp.simple("OK");
            }
            case "DEL", "EXISTS" -> {
                boolean del = name(a).equals("DEL");
                long n = 0;
                for (int k = 1; k < a.size(); k++) {
                    String kk = new String(a.get(k), StandardCharsets.UTF_8);
                    if (del ? data.remove(kk) != null : data.containsKey(kk)) {
                        n++;
                    }
                }
                yield Resp.integer(n);
            }
            case "INCR" -> {
                byte[] old = data.get(key);
                long v;
                try {
                    v = old == null ? 0 : Long.parseLong(new String(old, StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    yield Resp.error("ERR value is not an integer or out of range");
                }
                if (v == Long.MAX_VALUE) {
                    yield Resp.error("ERR increment or decrement would overflow");
                }
                data.put(key, Long.toString(v + 1).getBytes(StandardCharsets.UTF_8));
                yield Resp.integer(v + 1);
            }
            case "MGET" -> {
                List<byte[]> items = new ArrayList<>();
                for (int k = 1; k < a.size(); k++) {
                    items.add(Resp.bulk(data.get(new String(a.get(k), StandardCharsets.UTF_8))));
                }
                yield Resp.array(items);
            }
            case "MSET" -> {
                for (int k = 1; k + 1 < a.size(); k += 2) {
                    data.put(new String(a.get(k), StandardCharsets.UTF_8), a.get(k + 1));
                }
                yield Resp.simple("OK");
            }
            default -> Resp.error("ERR unknown command");
        };
        return Bytes.of(reply);
    }
}
