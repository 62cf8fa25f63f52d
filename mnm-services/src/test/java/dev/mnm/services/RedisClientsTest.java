package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * The same scenarios through the two Java Redis clients people use (issue 9): plain commands,
 * pipelining, a transaction and binary keys, against a follower (which forwards to the leader)
 * and the leader.
 */
class RedisClientsTest {
    private static final byte[] FF = {'k', (byte) 0xff};
    private static final byte[] FE = {'k', (byte) 0xfe};

    @Test
    void jedis() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            for (int node : new int[] {3, 1}) {
                InetSocketAddress a = c.respAddress(node);
                try (Jedis j = new Jedis(a.getHostString(), a.getPort())) {
                    String p = "j" + node + ":";
                    assertThat(j.ping()).isEqualTo("PONG");
                    assertThat(j.set(p + "a", "1")).isEqualTo("OK");
                    assertThat(j.incrBy(p + "a", 41)).isEqualTo(42);
                    assertThat(j.append(p + "a", "!")).isEqualTo(3);
                    assertThat(j.get(p + "a")).isEqualTo("42!");
                    Pipeline pipe = j.pipelined();
                    for (int k = 0; k < 100; k++) {
                        pipe.incr(p + "n");
                    }
                    Response<String> last = pipe.get(p + "n");
                    pipe.sync();
                    assertThat(last.get()).isEqualTo("100");
                    Transaction t = j.multi();
                    t.set(p + "t", "x");
                    t.getSet(p + "t", "y");
                    t.strlen(p + "t");
                    assertThat(t.exec()).containsExactly("OK", "x", 1L);
                    assertThat(j.set(FF, "1".getBytes())).isEqualTo("OK");
                    assertThat(j.set(FE, "2".getBytes())).isEqualTo("OK");
                    assertThat(j.del(FE)).isEqualTo(1);
                    assertThat(j.get(FF)).isEqualTo("1".getBytes());
                }
            }
        }
    }

    @Test
    void lettuce() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            for (int node : new int[] {3, 1}) {
                InetSocketAddress a = c.respAddress(node);
                RedisClient client = RedisClient.create(RedisURI.create(a.getHostString(), a.getPort()));
                try (StatefulRedisConnection<String, String> conn = client.connect();
                     StatefulRedisConnection<byte[], byte[]> bin = client.connect(ByteArrayCodec.INSTANCE)) {
                    RedisCommands<String, String> r = conn.sync();
                    String p = "l" + node + ":";
                    assertThat(r.ping()).isEqualTo("PONG");
                    assertThat(r.set(p + "a", "1")).isEqualTo("OK");
                    assertThat(r.decrby(p + "a", 2)).isEqualTo(-1);
                    assertThat(r.setnx(p + "a", "z")).isFalse();
                    var async = conn.async(); // pipelining: 100 commands sent before any reply is read
                    conn.setAutoFlushCommands(false);
                    List<io.lettuce.core.RedisFuture<Long>> fs = new java.util.ArrayList<>();
                    for (int k = 0; k < 100; k++) {
                        fs.add(async.incr(p + "n"));
                    }
                    conn.flushCommands();
                    conn.setAutoFlushCommands(true);
                    assertThat(fs.getLast().get()).isEqualTo(100);
                    assertThat(r.multi()).isEqualTo("OK");
                    r.set(p + "t", "x");
                    r.incr(p + "c");
                    TransactionResult tr = r.exec();
                    assertThat(tr.wasDiscarded()).isFalse();
                    assertThat(List.<Object>of(tr.get(0), tr.get(1))).containsExactly("OK", 1L);
                    RedisCommands<byte[], byte[]> b = bin.sync();
                    assertThat(b.set(FF, "1".getBytes())).isEqualTo("OK");
                    assertThat(b.set(FE, "2".getBytes())).isEqualTo("OK");
                    assertThat(b.del(FE)).isEqualTo(1);
                    assertThat(b.get(FF)).isEqualTo("1".getBytes());
                } finally {
                    client.shutdown();
                }
            }
        }
    }
}
