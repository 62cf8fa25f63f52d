package dev.mnm.services;

import java.io.BufferedInputStream;
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
        socket = new Socket(a.getAddress(), a.getPort());
        socket.setSoTimeout(15_000);
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
        String raw = new String(Resp.readReply(in), StandardCharsets.UTF_8);
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
        return Resp.readReply(in);
    }

    String rawReply() throws IOException {
        return new String(Resp.readReply(in), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
