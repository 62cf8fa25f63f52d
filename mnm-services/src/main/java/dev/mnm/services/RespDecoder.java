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
        return l == null ? null : splitArgs(l);
    }

    /**
     * An inline command's arguments as Redis splits them (sdssplitargs): separated by spaces;
     * "double quotes" with the escapes \n \r \t \b \a \\ \" and \xHH; 'single quotes' with \';
     * a closing quote must be followed by a space or the end. {@code line} holds one char per byte.
     *
     * @throws Bad on unbalanced quotes
     */
    static List<byte[]> splitArgs(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                return args;
            }
            StringBuilder cur = new StringBuilder();
            char quote = 0;
            boolean done = false;
            while (!done) {
                if (i == n) {
                    if (quote != 0) {
                        throw new Bad("unbalanced quotes in request");
                    }
                    break;
                }
                char c = line.charAt(i);
                if (quote == '"' && c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x'
                        && hex(line.charAt(i + 2)) >= 0 && hex(line.charAt(i + 3)) >= 0) {
                    cur.append((char) (hex(line.charAt(i + 2)) * 16 + hex(line.charAt(i + 3))));
                    i += 4;
                    continue;
                }
                if (quote == '"' && c == '\\' && i + 1 < n) {
                    char e = line.charAt(++i);
                    cur.append(switch (e) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'b' -> '\b';
                        case 'a' -> (char) 7;
                        default -> e;
                    });
                } else if (quote == '\'' && c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                    cur.append('\'');
                    i++;
                } else if (quote != 0 && c == quote) {
                    if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
                        throw new Bad("unbalanced quotes in request");
                    }
                    done = true;
                } else if (quote == 0 && Character.isWhitespace(c)) {
                    done = true;
                } else if (quote == 0 && (c == '"' || c == '\'') && cur.isEmpty()) {
                    quote = c;
                } else {
                    cur.append(c);
                }
                i++;
            }
            args.add(cur.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
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
        String s = in.toString(in.readerIndex(), len, StandardCharsets.ISO_8859_1); // one char per byte
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
