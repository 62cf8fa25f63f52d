package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 items 5 and 6 over loopback: a command forwarded twice under one id (what a follower
 * does when its connection to the leader fails after sending) is applied once, and a pipeline sent
 * to a follower is applied and answered in the client's order.
 */
class KvForwardingTest {
    @Test
    void aForwardedCommandSentTwiceIsAppliedOnce() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient leader = new RespClient(c.respAddress(1))) {
            assertThat(leader.call("PING")).isEqualTo("PONG");
            for (int copy = 0; copy < 2; copy++) {
                assertThat(leader.call(KvNode.FORWARDED, "4242", "1", "INCR", "fresh")).as("copy " + copy).isEqualTo("1");
            }
            assertThat(leader.call(KvNode.FORWARDED, "4242", "2", "INCR", "fresh")).isEqualTo("2");
            assertThat(leader.call("GET", "fresh")).isEqualTo("2");
        }
    }

    @Test
    void aPipelineThroughAFollowerIsAppliedAndAnsweredInOrder() throws Exception {
        int n = 300;
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient follower = new RespClient(c.respAddress(3))) {
            assertThat(follower.call("SET", "warm", "up")).isEqualTo("OK");
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int k = 0; k < n; k++) {
                pipeline.writeBytes(Resp.command(KvStateMachineTest.args("INCR", "counter")));
            }
            pipeline.writeBytes(Resp.command(KvStateMachineTest.args("GET", "counter")));
            follower.raw(pipeline.toByteArray()); // one write
            for (int k = 1; k <= n; k++) {
                assertThat(follower.rawReply()).as("reply " + k).isEqualTo(":" + k + "\r\n");
            }
            assertThat(follower.rawReply()).isEqualTo("$3\r\n" + n + "\r\n");
        }
    }

    @Test
    void theFirstCommandOnAFreshClusterSucceedsOnEveryNode() throws Exception {
        for (int p = 1; p <= 3; p++) {
            try (LocalCluster c = LocalCluster.start(3, 3, 0);
                 RespClient client = new RespClient(c.respAddress(p))) {
                assertThat(client.call("INCR", "first")).as("first command, sent to process " + p).isEqualTo("1");
            }
        }
    }

    @Test
    void repliesOfTheLeaderAreParsedAndPassedOnUnchanged() {
        for (String reply : List.of("+OK\r\n", "-ERR x\r\n", ":12\r\n", "$-1\r\n", "$3\r\nabc\r\n", "*2\r\n$1\r\na\r\n$-1\r\n")) {
            io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(
                    new io.netty.handler.codec.redis.RedisDecoder(),
                    new io.netty.handler.codec.redis.RedisBulkStringAggregator(),
                    new io.netty.handler.codec.redis.RedisArrayAggregator());
            ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII));
            io.netty.handler.codec.redis.RedisMessage m = ch.readInbound();
            assertThat(new String(Forwarder.raw(m), StandardCharsets.US_ASCII)).isEqualTo(reply);
            io.netty.util.ReferenceCountUtil.release(m);
            ch.finishAndReleaseAll();
        }
    }
}
