package dev.mnm.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client history in the Jepsen style: every operation is an {@code invoke} event followed by
 * one completion — {@code ok} (with its result), {@code fail} (it certainly had no effect) or
 * {@code info} (its outcome is unknown). Runtimes record into it; the checker reads its
 * {@link #ops()}. One JSON object per line:
 *
 * <pre>{"type":"invoke","process":1,"f":"write","key":"x","value":"3","time":100}
 * {"type":"ok","process":1,"f":"write","key":"x","value":"3","time":250}</pre>
 *
 * A cas carries {@code "value":["expected","new"]}. A process has at most one operation open.
 */
public final class History {
    /** The kinds of event. */
    public enum Type { INVOKE, OK, FAIL, INFO }

    /** One event of the history. */
    public record Event(Type type, int process, String f, String key, List<String> value, long time) {}

    private final List<Event> events = new ArrayList<>();
    private final Map<Integer, Event> open = new HashMap<>();

    /** Records an invocation; {@code value} is the argument (null for a read). */
    public synchronized void invoke(int process, String f, String key, List<String> value, long time) {
        Event e = new Event(Type.INVOKE, process, f, key, value, time);
        if (open.putIfAbsent(process, e) != null) {
            throw new IllegalStateException("process " + process + " already has an operation open");
        }
        events.add(e);
    }

    /** Records the completion of {@code process}'s open operation; {@code value} is its result. */
    public synchronized void complete(int process, Type type, List<String> value, long time) {
        if (type == Type.INVOKE) {
            throw new IllegalArgumentException("a completion is ok, fail or info");
        }
        Event inv = open.get(process);
        if (inv == null) {
            throw new IllegalStateException("process " + process + " has no operation open");
        }
        if (time < inv.time()) {
            throw new IllegalArgumentException("process " + process + "'s " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " at time " + time + " comes before its invoke at time " + inv.time());
        }
        open.remove(process);
        events.add(new Event(type, process, inv.f(), inv.key(), value, time));
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * The operations: fail dropped, info (and operations never completed) open-ended; a read's
     * and an incr's value is its result, anything else's its argument.
     */
    public synchronized List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        Map<Integer, Event> pending = new HashMap<>();
        for (Event e : events) {
            if (e.type() == Type.INVOKE) {
                pending.put(e.process(), e);
                continue;
            }
            Event inv = pending.remove(e.process());
            if (inv == null) {
                throw new IllegalArgumentException("a " + e.type() + " of process " + e.process() + " without an invoke");
            }
            switch (e.type()) {
                case OK -> ops.add(new Op(ops.size(), e.process(), inv.f(), inv.key(),
                        isRead(inv.f()) || inv.f().equals("incr") ? e.value() : inv.value(), inv.time(), e.time(),
                        Op.Status.OK));
                case INFO -> {
                    if (!isRead(inv.f())) { // an unknown read constrains nothing
                        ops.add(new Op(ops.size(), e.process(), inv.f(), inv.key(), inv.value(), inv.time(),
                                Long.MAX_VALUE, Op.Status.INFO));
                    }
                }
                default -> { } // fail: no effect
            }
        }
        for (Event inv : pending.values()) {
            if (!isRead(inv.f())) {
                ops.add(new Op(ops.size(), inv.process(), inv.f(), inv.key(), inv.value(), inv.time(),
                        Long.MAX_VALUE, Op.Status.INFO));
            }
        }
        return Collections.unmodifiableList(ops);
    }

    static boolean isRead(String f) {
        return f.equals("read");
    }

    /** Writes the events as JSON lines. */
    public synchronized void write(Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.setLength(0);
            sb.append("{\"type\":\"").append(e.type().name().toLowerCase(java.util.Locale.ROOT))
                    .append("\",\"process\":").append(e.process()).append(",\"f\":");
            Json.quote(sb, e.f());
            if (e.key() != null) {
                sb.append(",\"key\":");
                Json.quote(sb, e.key());
            }
            sb.append(",\"value\":");
            if (e.value() == null) {
                sb.append("null");
            } else if (e.value().size() == 1) {
                Json.quote(sb, e.value().getFirst());
            } else {
                sb.append('[');
                for (int k = 0; k < e.value().size(); k++) {
                    sb.append(k > 0 ? "," : "");
                    Json.quote(sb, e.value().get(k));
                }
                sb.append(']');
            }
            sb.append(",\"time\":").append(e.time()).append("}\n");
            out.write(sb.toString());
        }
        out.flush();
    }

    /** Reads JSON lines; an error names the line and what is wrong with it. */
    public static History read(Reader in) throws IOException {
        History h = new History();
        BufferedReader r = new BufferedReader(in);
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Map<String, Object> o = Json.object(line);
                Type type = Type.valueOf(string(o, "type", true).toUpperCase(java.util.Locale.ROOT));
                String who = string(o, "process", true);
                if (who.equals("nemesis")) {
                    continue; // Jepsen's fault injector: its events are not client operations
                }
                int process;
                try {
                    process = Integer.parseInt(who);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("\"process\" must be an integer (or \"nemesis\"), not '" + who + "'");
                }
                long time = parseTime(string(o, "time", true));
                String f = string(o, "f", type == Type.INVOKE);
                String key = string(o, "key", false);
                List<String> value = values(o.get("value"));
                if (type == Type.INVOKE) {
                    h.invoke(process, f, key, value, time);
                } else {
                    h.complete(process, type, value, time);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("history line " + n + ": " + e.getMessage(), e);
            }
        }
        return h;
    }

    /**
     * A time: an integer from 0 to 2^63 − 2 (2^63 − 1 stands for "never completed" in an {@link Op},
     * so a completion at that time would turn into an operation that never completed).
     */
    private static long parseTime(String t) {
        long time;
        try {
            time = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"time\" must be an integer, not '" + t + "'");
        }
        if (time < 0 || time == Long.MAX_VALUE) {
            throw new IllegalArgumentException("\"time\" must be from 0 to " + (Long.MAX_VALUE - 1) + ", not " + time);
        }
        return time;
    }

    private static String string(Map<String, Object> o, String field, boolean required) {
        Object v = o.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("missing \"" + field + "\"");
            }
            return null;
        }
        return v.toString();
    }

    private static List<String> values(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object x : l) {
                out.add(x == null ? null : x.toString());
            }
            return out;
        }
        return Collections.singletonList(v.toString());
    }
}
