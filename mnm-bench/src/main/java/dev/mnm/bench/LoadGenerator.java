package dev.mnm.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: C clients, each sending one command and waiting for its reply
 * before the next, for a fixed time; latencies in an HdrHistogram (microseconds).
 */
final class LoadGenerator {
    /** A client connection: sends one operation, returns when it is answered. */
    interface Client extends AutoCloseable {
        void op(boolean set, int n) throws Exception;
    }

    record Result(String name, int clients, String op, long ops, double seconds, Histogram latency) {
        double throughput() {
            return ops / seconds;
        }
    }

    private LoadGenerator() {}

    /** 16-byte keys. */
    static String key(int n) {
        return String.format("key:%012d", n % 100_000);
    }

    /** 32-byte values. */
    static final String VALUE = "v".repeat(32);

    static Result run(String name, int clients, boolean set, double warmup, double seconds,
                      IntFunction<Client> connect) throws InterruptedException {
        List<Histogram> hs = new ArrayList<>();
        long[] counts = new long[clients];
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Histogram h = new Histogram(60_000_000L, 3);
            hs.add(h);
            int id = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                try (Client client = connect.apply(id)) {
                    int n = id * 1_000_000;
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        client.op(set, n++);
                        long us = (System.nanoTime() - t0) / 1000;
                        if (measuring.get()) {
                            h.recordValue(Math.min(us, 60_000_000L));
                            counts[id]++;
                        }
                    }
                } catch (Exception e) {
                    System.err.println(name + ": client " + id + " failed: " + e);
                }
            }));
        }
        Thread.sleep((long) (warmup * 1000));
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        Histogram all = new Histogram(60_000_000L, 3);
        hs.forEach(all::add);
        long ops = 0;
        for (long x : counts) {
            ops += x;
        }
        return new Result(name, clients, set ? "SET" : "GET", ops, elapsed, all);
    }

    /** One RESP line, without its CRLF. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    /** A RESP client for one connection. */
    static final class RespClient implements Client {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        RespClient(InetSocketAddress a) {
            try {
                socket = new Socket(a.getAddress(), a.getPort());
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void op(boolean set, int n) throws IOException {
            String k = key(n);
            String cmd = set ? "*3\r\n$3\r\nSET\r\n$16\r\n" + k + "\r\n$32\r\n" + VALUE + "\r\n"
                    : "*2\r\n$3\r\nGET\r\n$16\r\n" + k + "\r\n";
            out.write(cmd.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int type = in.read();
            String line = readLine();
            if (type == '-') {
                throw new IOException("error reply: " + line);
            }
            if (type == '$') {
                int len = Integer.parseInt(line);
                if (len >= 0) {
                    in.readNBytes(len + 2);
                }
            }
        }

        private String readLine() throws IOException {
            return line(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
