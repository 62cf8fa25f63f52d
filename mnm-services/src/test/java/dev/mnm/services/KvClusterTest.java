package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import dev.mnm.check.Models;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The replicated KV service over loopback: RESP, forwarding, and faults during a write load. */
class KvClusterTest {
    static void awaitLeaderOtherThan(LocalCluster c, int dead) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (int p = 1; p <= c.processes(); p++) {
                if (p != dead && c.process(p).leading()) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no new leader within 20 s");
    }

    @Test
    void commandsWorkOnEveryNode() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient leader = new RespClient(c.respAddress(1));
             RespClient follower = new RespClient(c.respAddress(3))) {
            assertThat(leader.call("PING")).isEqualTo("PONG");
            assertThat(leader.call("SET", "k", "v1")).isEqualTo("OK");
            assertThat(follower.call("GET", "k")).as("forwarded to the leader").isEqualTo("v1");
            assertThat(follower.call("INCR", "n")).isEqualTo("1");
            assertThat(leader.call("INCR", "n")).isEqualTo("2");
            assertThat(leader.call("MSET", "a", "1", "b", "2")).isEqualTo("OK");
            assertThat(follower.call("EXISTS", "a", "b", "zz")).isEqualTo("2");
            assertThat(leader.call("DEL", "a", "zz")).isEqualTo("1");
            assertThat(leader.call("GET", "a")).isNull();
            assertThat(leader.call("INCR", "k")).startsWith("-ERR value is not an integer");
            assertThat(leader.call("HSET", "h", "f", "v")).startsWith("-ERR unknown command 'hset'");
            assertThat(leader.call("SET", "x")).startsWith("-ERR wrong number of arguments");
            // garbage on the RESP port closes that connection only
            try (RespClient bad = new RespClient(c.respAddress(2))) {
                bad.raw("*2\r\n$999999999\r\n".getBytes());
                assertThat(bad.rawReply()).startsWith("-ERR Protocol error");
            }
            assertThat(follower.call("GET", "k")).isEqualTo("v1");
        }
    }

    @Test
    void acknowledgedWritesSurviveAMemoryCrashAndALeaderCrashAndTheHistoryIsLinearizable() throws Exception {
        History history = new History();
        Map<String, String> acked = new ConcurrentHashMap<>(); // key → last acknowledged value
        java.util.concurrent.atomic.AtomicInteger ackedWrites = new java.util.concurrent.atomic.AtomicInteger();
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int w = 1; w <= 4; w++) {
                int client = w;
                clients.add(Thread.ofPlatform().start(() -> load(c, client, history, acked, ackedWrites, stop)));
            }
            Thread.sleep(500);
            c.killMemory(3);
            Thread.sleep(500);
            c.killProcess(1);
            awaitLeaderOtherThan(c, 1);
            Thread.sleep(1_000);
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
            assertThat(ackedWrites.get()).as("acknowledged SETs").isGreaterThan(100);
            try (RespClient r = new RespClient(c.respAddress(2))) {
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    String got = r.call("GET", e.getKey());
                    assertThat(got).as("acknowledged SET of " + e.getKey()).isNotNull();
                }
                assertThat(r.call("SET", "after", "ok")).isEqualTo("OK");
            }
        }
        long t0 = System.nanoTime();
        Checker.Result result = Checker.check(history.ops(), Models.KV, Duration.ofSeconds(60));
        System.out.printf("history: %d operations (%d info), checked in %.1f s: %s%n", history.ops().size(),
                history.ops().stream().filter(dev.mnm.check.Op::info).count(), (System.nanoTime() - t0) / 1e9,
                result.verdict());
        assertThat(result.verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
    }

    /** One client: SETs of unique values and GETs over 5 keys, through any live node, recorded. */
    static void load(LocalCluster c, int client, History h, Map<String, String> acked,
                     java.util.concurrent.atomic.AtomicInteger ackedWrites, AtomicBoolean stop) {
        int seq = 0;
        int node = 1 + client % c.processes();
        RespClient conn = null;
        while (!stop.get()) {
            String key = "k" + (seq % 5);
            boolean write = seq % 2 == 0;
            String value = client + "-" + seq;
            seq++;
            long t0 = System.nanoTime();
            h.invoke(client, write ? "write" : "read", key, write ? List.of(value) : null, t0);
            try {
                if (conn == null) {
                    conn = new RespClient(c.respAddress(node));
                }
                String r = write ? conn.call("SET", key, value) : conn.call("GET", key);
                long t1 = System.nanoTime();
                if (r != null && (r.startsWith("-NOTLEADER") || r.startsWith("-ERR node is shutting"))) {
                    h.complete(client, History.Type.FAIL, null, t1);
                } else if (r != null && r.startsWith("-")) {
                    h.complete(client, History.Type.INFO, null, t1);
                } else {
                    h.complete(client, History.Type.OK, write ? List.of(value)
                            : java.util.Collections.singletonList(r), t1);
                    if (write) {
                        acked.put(key, value);
                        ackedWrites.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                h.complete(client, History.Type.INFO, null, System.nanoTime());
                try {
                    if (conn != null) {
                        conn.close();
                    }
                } catch (Exception ignored) {
                    // gone
                }
                conn = null;
                node = 1 + node % c.processes();
            }
        }
    }

    @Test
    void tenThousandRandomFramesAtTheRespPortChangeNothing() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0); RespClient r = new RespClient(c.respAddress(1))) {
            assertThat(r.call("SET", "keep", "me")).isEqualTo("OK");
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
            int frames = 0;
            while (frames < 10_000) {
                try (java.net.Socket s = new java.net.Socket(c.respAddress(2).getAddress(), c.respAddress(2).getPort())) {
                    java.io.OutputStream out = s.getOutputStream();
                    for (int k = 0; k < 200; k++, frames++) {
                        byte[] junk = new byte[1 + rnd.nextInt(30)];
                        rnd.nextBytes(junk);
                        if (rnd.nextInt(4) == 0) {
                            junk[0] = (byte) "*$+-:"
                                    .charAt(rnd.nextInt(5)); // plausible RESP type bytes
                        }
                        // never a complete, valid command: no CRLF-terminated array of bulk strings
                        out.write(junk);
                    }
                    out.flush();
                } catch (java.io.IOException closedByNode) {
                    // the node closed the connection: expected
                }
            }
            assertThat(frames).isGreaterThanOrEqualTo(10_000);
            assertThat(r.call("GET", "keep")).isEqualTo("me");
            assertThat(r.call("EXISTS", "keep")).isEqualTo("1");
            try (RespClient f = new RespClient(c.respAddress(2))) {
                assertThat(f.call("GET", "keep")).as("the attacked node serves on").isEqualTo("me");
            }
        }
    }
}
