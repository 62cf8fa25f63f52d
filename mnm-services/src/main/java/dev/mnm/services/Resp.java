package dev.mnm.services;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RESP, the Redis protocol: encoding replies and commands, and reading a reply from a stream. */
final class Resp {
    static final int MAX_ARGS = 1024;
    /** The largest argument: 64 MiB. */
    static final int MAX_BULK = 64 << 20;
    /** The largest command, all its arguments together: 64 MiB. */
    static final int MAX_COMMAND = 64 << 20;
    static final int MAX_LINE = 64 * 1024;

    private Resp() {}

    static byte[] simple(String s) {
        return ("+" + s + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] error(String s) {
        return ("-" + s.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] integer(long v) {
        return (":" + v + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bulk(byte[] v) {
        if (v == null) {
            return "$-1\r\n".getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(v.length + 16);
        out.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(v);
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    static byte[] array(List<byte[]> encodedItems) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + encodedItems.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
        encodedItems.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A command as a RESP array of bulk strings. */
    static byte[] command(List<byte[]> args) {
        List<byte[]> items = new ArrayList<>();
        for (byte[] a : args) {
            items.add(bulk(a));
        }
        return array(items);
    }

    /** Reads one whole reply and returns its bytes as they were on the wire. */
    static byte[] readReply(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copyReply(in, out, 0);
        return out.toByteArray();
    }

    private static void copyReply(InputStream in, ByteArrayOutputStream out, int depth) throws IOException {
        if (depth > 8) {
            throw new IOException("reply nested too deeply");
        }
        String line = readLine(in);
        out.writeBytes((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        char type = line.isEmpty() ? '?' : line.charAt(0);
        switch (type) {
            case '+', '-', ':' -> { }
            case '$' -> {
                int len = Integer.parseInt(line.substring(1));
                if (len >= 0) {
                    out.writeBytes(in.readNBytes(len + 2));
                }
            }
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int k = 0; k < n; k++) {
                    copyReply(in, out, depth + 1);
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("bad line ending");
                }
                return sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > MAX_LINE) {
                throw new IOException("line too long");
            }
        }
        throw new IOException("connection closed");
    }
}
