package dev.mnm.services;

import static dev.mnm.services.KvReconnectTest.untilOk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.protocols.log.ReplicatedLog;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 8 over loopback: a log of 64 slots serves far more commands than it has slots,
 * reusing them behind snapshots of the state; a process node restarted after the positions it
 * needs were reused catches up from a snapshot, a restarted memory node is caught up from one, and
 * a leader elected after all that recovers — nothing acknowledged is lost.
 */
class KvCompactionTest {
    static final int SLOTS = 64;

    /** The network defaults with a log of {@code slots} slots, read 16 at a time: it wraps after a few hundred commands. */
    static ReplicatedLog.Config smallLog(int slots) {
        ReplicatedLog.Config base = LocalCluster.config(1);
        return new ReplicatedLog.Config(1, slots, base.heartbeat(), base.suspectAfter(), base.poll(), 16, base.idlePoll());
    }

    static long field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in " + info);
    }

    static int leader(LocalCluster c) {
        for (int p = 1; p <= c.processes(); p++) {
            if (c.process(p).leading()) {
                return p;
            }
        }
        return 0;
    }

    @Test
    void aSmallLogServesManyTimesItsSizeAndRestartedNodesCatchUpFromSnapshots() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, smallLog(SLOTS)); RespClient client = new RespClient(c.respAddress(1))) {
            int incrs = 0;
            for (int k = 0; k < 300; k++) {
                assertThat(untilOk(client, "SET", "a" + k, "v" + k)).isEqualTo("OK");
                assertThat(untilOk(client, "INCR", "n")).isEqualTo(Long.toString(++incrs));
            }
            int follower = leader(c) == 3 ? 2 : 3;
            c.killProcess(follower);
            for (int k = 0; k < 200; k++) {
                assertThat(untilOk(client, "SET", "b" + k, "w" + k)).isEqualTo("OK");
            }
            c.restartProcess(follower); // remembers nothing; positions 0.. were reused long ago
            c.killMemory(2);
            c.restartMemory(2); // empty: caught up from the leader's snapshot
            for (int k = 0; k < 100; k++) {
                assertThat(untilOk(client, "INCR", "n")).isEqualTo(Long.toString(++incrs));
            }
            Thread.sleep(2_000);
            try (RespClient f = new RespClient(c.respAddress(follower))) {
                String info = f.call("INFO", "replication");
                assertThat(field(info, "applied")).as(info).isGreaterThan(3 * SLOTS);
                assertThat(field(info, "snapshot_index")).as("the restarted follower installed a snapshot: " + info)
                        .isGreaterThan(0);
            }
            try (RespClient l = new RespClient(c.respAddress(leader(c)))) {
                assertThat(l.call("INFO", "replication")).as("the leader's view of M2'").contains("memory_2:ok, holds the log");
            }
            c.killMemory(3); // now M1 and M2' hold the log
            int old = leader(c);
            c.killProcess(old); // a new leader recovers from a reused log
            try (RespClient other = new RespClient(c.respAddress(old % 3 + 1))) {
                for (int k = 0; k < 300; k += 7) {
                    assertThat(untilOk(other, "GET", "a" + k)).as("a" + k).isEqualTo("v" + k);
                }
                for (int k = 0; k < 200; k += 7) {
                    assertThat(untilOk(other, "GET", "b" + k)).as("b" + k).isEqualTo("w" + k);
                }
                assertThat(untilOk(other, "INCR", "n")).isEqualTo(Long.toString(++incrs));
            }
        }
    }
}
