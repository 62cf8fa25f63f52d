package dev.mnm.bench;

import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.services.LocalCluster;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/bench stability [minutes]}: leader changes on a 3 + 3 cluster left idle, then under a
 * write load with a CPU hog (two spinning threads) beside it, for {@code minutes} each. A leader
 * change is a new proposal number seen leading or recovering (polled every 20 ms on every process).
 */
final class StabilityBench {
    private StabilityBench() {}

    static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        run("idle", minutes, false);
        run("write load + CPU hog (2 spinning threads)", minutes, true);
    }

    static void run(String name, double minutes, boolean loaded) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        AtomicLong writes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Set<Long> proposals = new TreeSet<>();
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            if (loaded) {
                for (int h = 0; h < 2; h++) {
                    threads.add(Thread.ofPlatform().daemon().start(() -> {
                        long x = 0;
                        while (!stop.get()) {
                            x += System.nanoTime() % 7;
                        }
                        if (x == 42) {
                            System.out.print("");
                        }
                    }));
                }
                threads.add(Thread.ofPlatform().daemon().start(() -> load(c, stop, writes, errors)));
            }
            long end = System.nanoTime() + (long) (minutes * 60e9);
            while (System.nanoTime() < end) {
                for (int p = 1; p <= 3; p++) {
                    ReplicatedLog.Status st = c.process(p).status();
                    if (st.proposal() != 0) {
                        proposals.add(st.proposal());
                    }
                }
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        System.out.printf("%s, %.1f min: %d leader changes after the first leader (proposals seen leading or recovering: %s)"
                + "%s%n", name, minutes, Math.max(0, proposals.size() - 1), proposals,
                loaded ? String.format("; %,d SETs acknowledged, %,d error replies", writes.get(), errors.get()) : "");
    }

    private static void load(LocalCluster c, AtomicBoolean stop, AtomicLong writes, AtomicLong errors) {
        try (Socket s = new Socket(c.respAddress(2).getAddress(), c.respAddress(2).getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (long i = 0; !stop.get(); i++) {
                out.write(("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + Long.toString(i).length() + "\r\n" + i + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int first = in.read();
                while (in.read() != '\n') {
                    // rest of the line
                }
                (first == '+' ? writes : errors).incrementAndGet();
            }
        } catch (Exception e) {
            System.err.println("load stopped: " + e);
        }
    }
}
