package dev.mnm.bench;

import dev.mnm.services.KvNode;
import dev.mnm.services.LocalCluster;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key-value service side by side: mnm KV replicated over n = 3 processes and m = 3 memory
 * nodes, the same service unreplicated (the floor), and Apache Ratis with three servers and an
 * equivalent state machine ({@link RatisKv} says how it is configured), each driven over loopback by
 * {@link LoadGenerator} with 1, 8 and 64 closed-loop clients doing SET (16-byte keys, 32-byte
 * values) and GET; then the fail-over time (leader killed → first commit by the new leader).
 *
 * <pre>bin/bench kv [seconds-per-point]</pre>
 */
public final class KvBench {
    private KvBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        System.out.printf("kv benchmark: java %s, %d processors, %.0f s per point after 1 s warm-up, closed loop%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), seconds);
        System.out.println("| system | clients | op | ops/s | p50 µs | p99 µs | p99.9 µs |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|");
        List<LoadGenerator.Result> results = new ArrayList<>();
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            InetSocketAddress leader = c.respAddress(1);
            for (int clients : new int[] {1, 8, 64}) {
                for (boolean set : new boolean[] {true, false}) {
                    results.add(print(LoadGenerator.run("mnm n=3 m=3", clients, set, 1, seconds,
                            id -> new LoadGenerator.RespClient(leader))));
                }
            }
        }
        try (KvNode floor = KvNode.startUnreplicated(new InetSocketAddress("127.0.0.1", 0))) {
            for (int clients : new int[] {1, 8, 64}) {
                for (boolean set : new boolean[] {true, false}) {
                    results.add(print(LoadGenerator.run("unreplicated", clients, set, 1, seconds,
                            id -> new LoadGenerator.RespClient(floor.respAddress()))));
                }
            }
        }
        try (RatisKv ratis = new RatisKv(3, 17_000)) {
            Thread.sleep(3_000); // leader election
            for (int clients : new int[] {1, 8, 64}) {
                for (boolean set : new boolean[] {true, false}) {
                    results.add(print(LoadGenerator.run("Apache Ratis 3.3 (3 servers)", clients, set, 1, seconds,
                            id -> ratis.client())));
                }
            }
        }
        failover(20);
    }

    static LoadGenerator.Result print(LoadGenerator.Result r) {
        System.out.printf("| %s | %d | %s | %,.0f | %d | %d | %d |%n", r.name(), r.clients(), r.op(), r.throughput(),
                r.latency().getValueAtPercentile(50), r.latency().getValueAtPercentile(99),
                r.latency().getValueAtPercentile(99.9));
        return r;
    }

    /** Kills the leader under a write load and times the first commit of the new leader, {@code runs} times. */
    static void failover(int runs) throws Exception {
        double[] ms = new double[runs];
        for (int k = 0; k < runs; k++) {
            try (LocalCluster c = LocalCluster.start(3, 3, 0);
                 Socket s = new Socket(c.respAddress(2).getAddress(), c.respAddress(2).getPort())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream());
                for (int i = 0; i < 200; i++) {
                    set(out, in, i); // warm up through the follower, forwarded to p1
                }
                Thread.sleep(3_500); // past the failure detector's start-up grace (10 suspicion periods)
                long killed = System.nanoTime();
                c.killProcess(1);
                int i = 0;
                while (!set(out, in, 1000 + i++)) {
                    // errors until p2 has taken over
                }
                ms[k] = (System.nanoTime() - killed) / 1e6;
            }
        }
        Arrays.sort(ms);
        System.out.printf("fail-over (leader killed -> first commit by the new leader), %d runs: median %.1f ms, "
                + "p99 %.1f ms, min %.1f ms, max %.1f ms (peers told by the closed connection; heartbeat suspicion "
                + "after %d ticks of %d µs)%n", runs, ms[runs / 2], ms[(int) Math.ceil(runs * 0.99) - 1], ms[0],
                ms[runs - 1], LocalCluster.config(1).suspectAfter(), LocalCluster.config(1).heartbeat());
    }

    private static boolean set(OutputStream out, InputStream in, int n) throws Exception {
        String k = LoadGenerator.key(n);
        out.write(("*3\r\n$3\r\nSET\r\n$16\r\n" + k + "\r\n$32\r\n" + LoadGenerator.VALUE + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) != '\n') {
            sb.append((char) ch);
        }
        return sb.toString().startsWith("+OK");
    }
}
