package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.World;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same protocol class ({@link ReplicatedLog}) and state machine ({@link KvStateMachine}) run
 * in the deterministic simulator and on the network runtime, and give the same replies to the
 * same commands.
 */
class CrossRuntimeTest {
    static final List<List<String>> COMMANDS = List.of(
            List.of("SET", "a", "1"), List.of("INCR", "n"), List.of("INCR", "n"), List.of("MSET", "b", "x", "c", "y"),
            List.of("GET", "a"), List.of("DEL", "b", "zz"), List.of("EXISTS", "a", "b", "c"), List.of("INCR", "a"),
            List.of("MGET", "a", "b", "c"), List.of("GET", "n"));

    static List<byte[]> args(List<String> words) {
        List<byte[]> a = new ArrayList<>();
        words.forEach(w -> a.add(w.getBytes(StandardCharsets.UTF_8)));
        return a;
    }

    @Test
    void theSimulatorAndTheNetworkGiveTheSameReplies() throws Exception {
        // in the simulator: three processes, three memories, the leader applies each command in turn
        ReplicatedLog.Config cfg = new ReplicatedLog.Config(1, 1024, 10 * Env.DELAY, 4, 5 * Env.DELAY, 64);
        World world = new World(3, 3, ReplicatedLog.layout(3, cfg.slots()), Timing.RANDOM, new SeededChooser(3), null);
        ReplicatedLog[] logs = new ReplicatedLog[4];
        for (int p = 1; p <= 3; p++) {
            logs[p] = new ReplicatedLog(world.env(p), cfg, new KvStateMachine());
            world.install(p, logs[p]);
            int q = p;
            world.at(0, () -> logs[q].start());
        }
        List<String> simulated = new ArrayList<>();
        world.at(50 * Env.DELAY, () -> submitInOrder(world, logs[1], 0, simulated)); // after p1's phase 1
        while (world.step(5_000 * Env.DELAY)) {
            // run
        }
        assertThat(simulated).hasSize(COMMANDS.size());

        // on the network
        List<String> networked = new ArrayList<>();
        try (LocalCluster c = LocalCluster.start(3, 3, 0); RespClient r = new RespClient(c.respAddress(2))) {
            for (List<String> cmd : COMMANDS) {
                networked.add(rawOf(r, cmd));
            }
        }
        assertThat(networked).isEqualTo(simulated);
        assertThat(simulated.get(4)).isEqualTo("$1\r\n1\r\n");
        assertThat(simulated.get(7)).isEqualTo(":2\r\n");
    }

    private static void submitInOrder(World world, ReplicatedLog leader, int k, List<String> replies) {
        if (k == COMMANDS.size()) {
            return;
        }
        world.at(world.now() + Env.DELAY, () -> leader.submit(KvStateMachine.encode(args(COMMANDS.get(k))), o -> {
            replies.add(((ReplicatedLog.Outcome.Done) o).reply().utf8());
            submitInOrder(world, leader, k + 1, replies);
        }));
    }

    private static String rawOf(RespClient r, List<String> cmd) throws Exception {
        r.raw(Resp.command(args(cmd)));
        return r.rawReply();
    }

    @Test
    void encodedCommandsRoundTrip() {
        List<byte[]> a = args(List.of("SET", "k", "v w"));
        Bytes e = KvStateMachine.encode(a);
        List<byte[]> back = KvStateMachine.decode(e);
        assertThat(back).hasSize(3);
        assertThat(Arrays.equals(back.get(2), "v w".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
}
