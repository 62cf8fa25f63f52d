package dev.mnm.services;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RESP, the Redis protocol: encoding replies and commands, and its limits. */
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
}
