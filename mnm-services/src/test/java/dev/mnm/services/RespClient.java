package dev.mnm.services;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal blocking RESP client for tests. */
final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(InetSocketAddress a) throws IOException {
        this(a, 15_000);
    }

    /** A client that waits up to {@code timeoutMillis} for each reply. */
    RespClient(InetSocketAddress a, int timeoutMillis) throws IOException {
        socket = new Socket(a.getAddress(), a.getPort());
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a command; returns the reply as text ("+OK", "$3 abc" → "abc", "$-1" → null, ":5" → "5", "-ERR …"). */
    String call(String... args) throws IOException {
        List<byte[]> a = new ArrayList<>();
        for (String s : args) {
            a.add(s.getBytes(StandardCharsets.UTF_8));
        }
        out.write(Resp.command(a));
        out.flush();
        String raw = new String(readReply(in), StandardCharsets.UTF_8);
        return switch (raw.charAt(0)) {
            case '$' -> raw.startsWith("$-1") ? null : raw.substring(raw.indexOf("\r\n") + 2, raw.length() - 2);
            case ':', '+' -> raw.substring(1, raw.length() - 2);
            default -> raw.trim();
        };
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    byte[] rawReplyBytes() throws IOException {
        return readReply(in);
    }

    String rawReply() throws IOException {
        return new String(readReply(in), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
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
            if (sb.length() > Resp.MAX_LINE) {
                throw new IOException("line too long");
            }
        }
        throw new IOException("connection closed");
    }
}
