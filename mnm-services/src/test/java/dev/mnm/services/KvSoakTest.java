package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import dev.mnm.check.Models;
import dev.mnm.protocols.log.ReplicatedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's soak test, about a minute: under a write load from four clients and with a CPU hog
 * (two spinning threads) beside the cluster, memory and process nodes are killed and restarted in
 * turn — a memory restarts empty and must be caught up before the next fault — and at the end
 * every acknowledged write is readable and the history is linearizable. The log has {@link #SLOTS}
 * slots, so it is compacted many times meanwhile. {@code -Dsoak.seconds=N} changes its length.
 */
class KvSoakTest {
    static final int SECONDS = Integer.getInteger("soak.seconds", 60);
    /** A log this small wraps every few seconds under the load, so the faults meet snapshots being taken, written and installed. */
    static final int SLOTS = 1024;

    @Test
    void killsAndRestartsInTurnUnderLoadLoseNothingAcknowledged() throws Exception {
        History history = new History();
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger ackedWrites = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() & 3;
                }
                if (x == 7) {
                    System.out.print("");
                }
            }));
        }
        List<String> faults = new ArrayList<>();
        long logEnd;
        long snapshot;
        try (LocalCluster c = LocalCluster.start(3, 3, KvCompactionTest.smallLog(SLOTS))) {
            List<Thread> clients = new ArrayList<>();
            for (int w = 1; w <= 4; w++) {
                int client = w;
                clients.add(Thread.ofPlatform().start(() -> KvClusterTest.load(c, client, history, acked, ackedWrites, stop)));
            }
            long end = System.nanoTime() + SECONDS * 1_000_000_000L;
            for (int round = 0; System.nanoTime() < end; round++) {
                Thread.sleep(2_000);
                if (round % 2 == 0) {
                    int i = 1 + (round / 2) % 3;
                    c.killMemory(i);
                    Thread.sleep(500);
                    c.restartMemory(i);
                    faults.add("memory " + i);
                    Thread.sleep(3_000); // writes find it marked, a new phase 1 copies the log in
                } else {
                    int p = 1 + (round / 2) % 3;
                    c.killProcess(p);
                    Thread.sleep(500);
                    c.restartProcess(p);
                    faults.add("process " + p);
                    Thread.sleep(1_500);
                }
            }
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
            ReplicatedLog.Status st = c.process(1).status();
            logEnd = st.applied();
            snapshot = st.snapshot();
            try (RespClient r = new RespClient(c.respAddress(1))) {
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    assertThat(KvReconnectTest.untilOk(r, "GET", e.getKey())).as("acknowledged SET of " + e.getKey())
                            .isNotNull();
                }
            }
        } finally {
            stop.set(true);
        }
        Checker.Result result = Checker.check(history.ops(), Models.KV, Duration.ofSeconds(120));
        System.out.printf("soak %d s: faults %s; %d acknowledged SETs, %d operations (%d info); log position %d on %d"
                + " slots, last snapshot at %d: %s%n", SECONDS, faults, ackedWrites.get(), history.ops().size(),
                history.ops().stream().filter(dev.mnm.check.Op::info).count(), logEnd, SLOTS, snapshot, result.verdict());
        if (result.verdict() != Checker.Verdict.LINEARIZABLE) {
            java.nio.file.Path file = java.nio.file.Path.of("target", "soak-history.jsonl");
            try (var w = java.nio.file.Files.newBufferedWriter(file)) {
                history.write(w);
            }
            Checker.Partition bad = result.counterexample();
            System.out.println("history written to " + file.toAbsolutePath() + "; key " + bad.key() + ", unplaced "
                    + bad.unplaced() + "\nlongest linearizable prefix ends with " + bad.longest().subList(
                    Math.max(0, bad.longest().size() - 5), bad.longest().size()));
        }
        assertThat(ackedWrites.get()).as("acknowledged SETs").isGreaterThan(200);
        assertThat(faults).hasSizeGreaterThanOrEqualTo(6);
        assertThat(result.verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
    }
}
