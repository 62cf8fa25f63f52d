package dev.mnm.services;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP commands — arrays of bulk strings, or inline commands — into lists of arguments.
 * Malformed input, or input past the limits, is a {@link Bad} error: the connection gets an error
 * reply and is closed.
 */
final class RespDecoder extends ByteToMessageDecoder {
    static final class Bad extends RuntimeException {
        Bad(String why) {
            super(why);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            List<byte[]> cmd = in.getByte(start) == '*' ? array(in) : inline(in);
            if (cmd == null) {
                in.readerIndex(start);
                return;
            }
            if (!cmd.isEmpty()) {
                out.add(cmd);
            }
        }
    }

    private static List<byte[]> array(ByteBuf in) {
        String head = line(in);
        if (head == null) {
            return null;
        }
        int n = number(head.substring(1));
        if (n <= 0) { // *-1 (a null array) or *0: nothing to run, as Redis ignores them
            return List.of();
        }
        if (n > Resp.MAX_ARGS) {
            throw new Bad("array of " + n + " arguments (at most " + Resp.MAX_ARGS + ")");
        }
        List<byte[]> args = new ArrayList<>(n);
        long total = 0;
        for (int k = 0; k < n; k++) {
            String h = line(in);
            if (h == null) {
                return null;
            }
            if (h.isEmpty() || h.charAt(0) != '$') {
                throw new Bad("expected a bulk string, got '" + h + "'");
            }
            int len = number(h.substring(1));
            if (len < 0 || len > Resp.MAX_BULK) {
                throw new Bad("bulk string of " + len + " bytes (at most " + Resp.MAX_BULK + ")");
            }
            total += len;
            if (total > Resp.MAX_COMMAND) {
                throw new Bad("command of more than " + Resp.MAX_COMMAND + " bytes");
            }
            if (in.readableBytes() < len + 2) {
                return null;
            }
            byte[] a = new byte[len];
            in.readBytes(a);
            if (in.readByte() != '\r' || in.readByte() != '\n') {
                throw new Bad("bulk string not followed by CRLF");
            }
            args.add(a);
        }
        return args;
    }

    private static List<byte[]> inline(ByteBuf in) {
        String l = line(in);
        if (l == null) {
            return null;
        }
        List<byte[]> args = new ArrayList<>();
        for (String w : l.trim().split(" +")) {
            if (!w.isEmpty()) {
                args.add(w.getBytes(StandardCharsets.UTF_8));
            }
        }
        return args;
    }

    /** One CRLF-terminated line, or null if it has not fully arrived. */
    private static String line(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            if (in.readableBytes() > Resp.MAX_LINE) {
                throw new Bad("line longer than " + Resp.MAX_LINE + " bytes");
            }
            return null;
        }
        int len = eol - in.readerIndex();
        if (len > Resp.MAX_LINE) {
            throw new Bad("line longer than " + Resp.MAX_LINE + " bytes");
        }
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.readerIndex(eol + 1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Bad("not a number: '" + s + "'");
        }
    }
}
