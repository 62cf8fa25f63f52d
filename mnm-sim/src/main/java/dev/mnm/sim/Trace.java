package dev.mnm.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Writes a run's events as JSON lines: {@code {"t":…,"delays":…,"kind":…, …}}. */
public final class Trace implements AutoCloseable {
    private final Writer out;
    private final long delay;

    public Trace(Writer out, long delay) {
        this.out = out;
        this.delay = delay;
    }

    /** {@code fields} alternate names and values; numbers and booleans are written bare, anything else as a string. */
    public void event(long time, String kind, Object... fields) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"t\":").append(time).append(",\"delays\":").append((double) time / delay)
                .append(",\"kind\":");
        string(sb, kind);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            sb.append(',');
            string(sb, String.valueOf(fields[i]));
            sb.append(':');
            Object v = fields[i + 1];
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                string(sb, String.valueOf(v));
            }
        }
        sb.append("}\n");
        try {
            out.write(sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void string(StringBuilder sb, String s) {
        dev.mnm.check.Json.quote(sb, s);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
