package dev.mnm.bench;

import dev.mnm.services.LocalCluster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long run of the replicated key-value service (issue 8 item 8): {@code millions} × 10^6 SETs
 * on a 3 + 3 {@link LocalCluster} whose log has {@link LocalCluster#SLOTS} reused slots, from 16
 * connections that each pipeline 32 commands to the leader, over 100,000 keys (each connection
 * owns the keys ≡ its number mod 16, the value is the connection's sequence number). Every
 * million commands it prints the rate, the leader's log position and last snapshot, and the JVM's
 * resident set and heap after a GC — flat once the log has wrapped. At the end every key is read
 * back and compared with its last acknowledged value.
 *
 * <pre>bin/bench compaction [millions]</pre>
 */
final class CompactionBench {
    private CompactionBench() {}

    static final int CONNECTIONS = 16;
    static final int PIPELINE = 32;
    static final int KEYS = 100_000;

    public static void main(String[] args) throws Exception {
        long total = (long) (args.length > 0 ? Double.parseDouble(args[0]) : 10) * 1_000_000;
        System.out.printf("compaction run: java %s, %d processors, %,d SETs, %d connections x %d pipelined, %,d keys, "
                + "log of %,d slots%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), total, CONNECTIONS,
                PIPELINE, KEYS, LocalCluster.config(1).slots());
        System.out.println("| commands | s | SET/s (last million) | applied (log position) | snapshot_index | RSS MiB | heap MiB after GC |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            InetSocketAddress leader = c.respAddress(1);
            AtomicLong done = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            long[][] last = new long[CONNECTIONS][];
            Thread[] threads = new Thread[CONNECTIONS];
            long perConnection = total / CONNECTIONS;
            for (int t = 0; t < CONNECTIONS; t++) {
                int id = t;
                last[t] = new long[KEYS / CONNECTIONS];
                threads[t] = Thread.ofPlatform().start(() -> drive(leader, id, perConnection, last[id], done, errors));
            }
            long start = System.nanoTime();
            long mark = start;
            long nextReport = 1_000_000;
            while (done.get() < perConnection * CONNECTIONS) {
                Thread.sleep(100);
                if (done.get() >= nextReport) {
                    long now = System.nanoTime();
                    report(c, nextReport, (now - start) / 1e9, 1_000_000 / ((now - mark) / 1e9));
                    mark = now;
                    nextReport += 1_000_000;
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%,d SETs in %.1f s (%,.0f SET/s), %d error replies%n", done.get(), seconds,
                    done.get() / seconds, errors.get());
            System.out.printf("read back: %s%n", verify(leader, last));
            report(c, done.get(), seconds, 0);
        }
    }

    static String key(int k) {
        return String.format("key:%011d", k);
    }

    /** Connection {@code id}: SETs of its keys, {@link #PIPELINE} at a time; {@code last} holds each key's last acknowledged value. */
    static void drive(InetSocketAddress at, int id, long count, long[] last, AtomicLong done, AtomicLong errors) {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            long seq = 0;
            int own = last.length;
            while (seq < count) {
                int batch = (int) Math.min(PIPELINE, count - seq);
                StringBuilder sb = new StringBuilder();
                for (int b = 0; b < batch; b++) {
                    long v = seq + b;
                    String key = key((int) (v % own) * CONNECTIONS + id);
                    String value = Long.toString(v);
                    sb.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$")
                            .append(value.length()).append("\r\n").append(value).append("\r\n");
                }
                out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int b = 0; b < batch; b++) {
                    String reply = LoadGenerator.line(in);
                    long v = seq + b;
                    int slot = (int) (v % own);
                    if (reply.equals("+OK")) {
                        last[slot] = v + 1; // 0 means never acknowledged
                    } else {
                        errors.incrementAndGet();
                    }
                }
                seq += batch;
                done.addAndGet(batch);
            }
        } catch (IOException e) {
            throw new IllegalStateException("connection " + id + ": " + e.getMessage(), e);
        }
    }

    /** Reads every key through the log and compares it with its last acknowledged value. */
    static String verify(InetSocketAddress at, long[][] last) throws IOException {
        int checked = 0;
        int wrong = 0;
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            for (int id = 0; id < CONNECTIONS; id++) {
                for (int slot = 0; slot < last[id].length; slot++) {
                    int k = slot * CONNECTIONS + id;
                    if (last[id][slot] == 0) {
                        continue;
                    }
                    String key = key(k);
                    out.write(("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String head = LoadGenerator.line(in);
                    String value = head.startsWith("$") && !head.equals("$-1") ? LoadGenerator.line(in) : null;
                    checked++;
                    if (value == null || Long.parseLong(value) < last[id][slot] - 1) {
                        wrong++;
                    }
                }
            }
        }
        return checked + " keys read, " + wrong + " older than their last acknowledged SET";
    }

    static void report(LocalCluster c, long commands, double seconds, double rate) throws Exception {
        long applied = 0;
        long snapshot = 0;
        for (int p = 1; p <= c.processes(); p++) {
            if (c.process(p).leading()) {
                var st = c.process(p).status();
                applied = st.applied();
                snapshot = st.snapshot();
            }
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
        System.out.printf("| %,d | %.1f | %s | %,d | %,d | %d | %d |%n", commands, seconds,
                rate == 0 ? "" : String.format("%,.0f", rate), applied, snapshot, rss() >> 20, heap);
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        }
        return 0;
    }
}
