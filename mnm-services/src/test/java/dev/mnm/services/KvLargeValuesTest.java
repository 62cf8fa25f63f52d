package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 7 over loopback: values up to 16 MiB and commands up to 64 MiB replicate (a command
 * over 256 KiB is logged in parts), replication connections survive them, and a command over the
 * limit gets a clear error before it enters the log.
 */
class KvLargeValuesTest {
    static byte[] value(int size, int seed) {
        byte[] v = new byte[size];
        for (int k = 0; k < size; k++) {
            v[k] = (byte) (k * 31 + seed);
        }
        return v;
    }

    static byte[] bulkOf(byte[] raw) {
        int start = new String(raw, 0, Math.min(raw.length, 20), StandardCharsets.US_ASCII).indexOf("\r\n") + 2;
        return Arrays.copyOfRange(raw, start, raw.length - 2);
    }

    static List<byte[]> args(Object... parts) {
        List<byte[]> a = new ArrayList<>();
        for (Object p : parts) {
            a.add(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
        }
        return a;
    }

    @Test
    void largeValuesAndCommandsReplicateAndSurviveAMemoryCrash() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient follower = new RespClient(c.respAddress(2), 120_000);
             RespClient other = new RespClient(c.respAddress(3), 120_000)) { // large commands are slow (README)
            // the seen failure: MSET of three 400 KB values hung the node that received it
            byte[] a = value(400_000, 1);
            byte[] b = value(400_000, 2);
            byte[] d = value(400_000, 3);
            follower.raw(Resp.command(args("MSET", "a", a, "b", b, "d", d)));
            assertThat(follower.rawReply()).isEqualTo("+OK\r\n");
            // a few pipelined 400 KB SETs through a follower
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int k = 0; k < 5; k++) {
                pipeline.writeBytes(Resp.command(args("SET", "p" + k, value(400_000, 10 + k))));
            }
            follower.raw(pipeline.toByteArray());
            for (int k = 0; k < 5; k++) {
                assertThat(follower.rawReply()).isEqualTo("+OK\r\n");
            }
            // 16 MiB, and a 64 MiB command (four 16 MiB values, less the framing)
            byte[] big = value(16 << 20, 7);
            other.raw(Resp.command(args("SET", "big", big)));
            assertThat(other.rawReply()).isEqualTo("+OK\r\n");
            List<byte[]> huge = args("MSET", "h1", value((16 << 20) - 64, 1), "h2", value((16 << 20) - 64, 2),
                    "h3", value((16 << 20) - 64, 3), "h4", value((16 << 20) - 64, 4));
            other.raw(Resp.command(huge));
            assertThat(other.rawReply()).isEqualTo("+OK\r\n");
            // everything is readable, through every node, and after a memory crash
            c.killMemory(1);
            for (RespClient r : List.of(follower, other)) {
                r.raw(Resp.command(args("GET", "a")));
                assertThat(bulkOf(r.rawReplyBytes())).isEqualTo(a);
                r.raw(Resp.command(args("GET", "p4")));
                assertThat(bulkOf(r.rawReplyBytes())).isEqualTo(value(400_000, 14));
                r.raw(Resp.command(args("GET", "big")));
                assertThat(bulkOf(r.rawReplyBytes())).isEqualTo(big);
            }
            follower.raw(Resp.command(args("GET", "h4")));
            assertThat(bulkOf(follower.rawReplyBytes())).isEqualTo(huge.get(8));
            assertThat(follower.call("SET", "after", "1")).isEqualTo("OK");
            // over the limit: a clear error, on that connection only
            try (RespClient tooBig = new RespClient(c.respAddress(1))) {
                byte[] head = ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + ((64 << 20) + 1) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                tooBig.raw(head);
                assertThat(tooBig.rawReply()).startsWith("-ERR Protocol error: bulk string of 67108865 bytes (at most 67108864)");
            }
            assertThat(other.call("GET", "after")).isEqualTo("1");
        }
    }
}
