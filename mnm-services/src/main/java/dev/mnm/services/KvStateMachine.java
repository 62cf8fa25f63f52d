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
import java.util.Set;

/**
 * The key-value state every replica applies from the log, in log order. A log entry is one
 * command: its id — client session and sequence number, two longs — and its arguments,
 * length-prefixed; applying it returns the RESP reply. Reads go through the log too, which is
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
    static final Set<String> READS = Set.of("GET", "EXISTS", "MGET");

    private record Id(long session, long seq) {}

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

    /** The log entry of {@code args} with no id. */
    static Bytes encode(List<byte[]> args) {
        return encode(0, 0, args);
    }

    /** The log entry of command {@code seq} of client session {@code session}. */
    static Bytes encode(long session, long seq, List<byte[]> args) {
        int size = 20;
        for (byte[] a : args) {
            size += 4 + a.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putLong(session).putLong(seq).putInt(args.size());
        for (byte[] a : args) {
            b.putInt(a.length).put(a);
        }
        return Bytes.of(b.array());
    }

    /** The arguments of a log entry. */
    static List<byte[]> decode(Bytes command) {
        return decode(ByteBuffer.wrap(command.toArray()).position(16));
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
        List<byte[]> a = decode(b);
        if (id.session() == 0 || READS.contains(name(a))) {
            return Bytes.of(run(a));
        }
        byte[] earlier = replies.get(id);
        if (earlier != null) {
            return Bytes.of(earlier); // a copy of a write already applied: not again
        }
        byte[] reply = run(a);
        if (remembered > 0) {
            replies.put(id, reply);
        }
        return Bytes.of(reply);
    }

    private byte[] run(List<byte[]> a) {
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
        return reply;
    }
}
