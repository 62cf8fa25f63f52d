package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection commands as Redis answers them (issue 9): PING's arity, ECHO, SELECT, QUIT, a null array header. */
class RespCommandsTest {
    @Test
    void connectionCommandsAnswerAsRedisDoes() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0); RespClient r = new RespClient(c.respAddress(2))) {
            assertThat(r.call("PING")).isEqualTo("PONG");
            assertThat(r.call("PING", "hello")).isEqualTo("hello");
            assertThat(r.call("PING", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command");
            assertThat(r.call("ECHO", "x y")).isEqualTo("x y");
            assertThat(r.call("ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command");
            assertThat(r.call("SELECT", "0")).isEqualTo("OK");
            assertThat(r.call("SELECT", "1")).startsWith("-ERR DB index is out of range");
            r.raw("*-1\r\n*0\r\n".getBytes(StandardCharsets.US_ASCII)); // ignored, as by Redis
            assertThat(r.call("PING")).isEqualTo("PONG");
            assertThat(r.call("SET", "k", "v", "NX", "GET")).isNull(); // through a follower, forwarded
            assertThat(r.call("APPEND", "k", "w")).isEqualTo("2");
            assertThat(r.call("DBSIZE")).isEqualTo("1");
            assertThat(r.call("HSET", "h", "f", "v")).startsWith("-ERR unknown command 'hset'; mnm serves PING, ECHO")
                    .contains("APPEND").contains("SETRANGE");
        }
    }

    /** Issue 9: keys ending in 0xFF and 0xFE were one key; DEL of one deleted the other. Through a follower and the leader. */
    @Test
    void binaryKeysStayApart() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient leader = new RespClient(c.respAddress(1)); RespClient follower = new RespClient(c.respAddress(3))) {
            byte[] ff = {'b', (byte) 0xff};
            byte[] fe = {'b', (byte) 0xfe};
            leader.raw(Resp.command(java.util.List.of("SET".getBytes(), ff, "1".getBytes())));
            assertThat(leader.rawReply()).isEqualTo("+OK\r\n");
            follower.raw(Resp.command(java.util.List.of("SET".getBytes(), fe, "2".getBytes())));
            assertThat(follower.rawReply()).isEqualTo("+OK\r\n");
            follower.raw(Resp.command(java.util.List.of("DEL".getBytes(), fe)));
            assertThat(follower.rawReply()).isEqualTo(":1\r\n");
            leader.raw(Resp.command(java.util.List.of("GET".getBytes(), ff)));
            assertThat(leader.rawReply()).isEqualTo("$1\r\n1\r\n");
        }
    }

    @Test
    void helloClientAndConfigAnswerWhatClientsAsk() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0); RespClient r = new RespClient(c.respAddress(1))) {
            r.raw(Resp.command(java.util.List.of("HELLO".getBytes())));
            assertThat(r.rawReply()).startsWith("*14\r\n$6\r\nserver\r\n$3\r\nmnm\r\n").contains("$5\r\nproto\r\n:2\r\n");
            assertThat(r.call("HELLO", "3")).startsWith("-NOPROTO");
            assertThat(r.call("CLIENT", "GETNAME")).isNull();
            assertThat(r.call("CLIENT", "SETNAME", "worker-1")).isEqualTo("OK");
            assertThat(r.call("CLIENT", "GETNAME")).isEqualTo("worker-1");
            assertThat(r.call("CLIENT", "SETNAME", "a b")).startsWith("-ERR Client names cannot contain spaces");
            assertThat(Long.parseLong(r.call("CLIENT", "ID"))).isPositive();
            r.raw(Resp.command(java.util.List.of("CONFIG".getBytes(), "GET".getBytes(), "appendonly".getBytes())));
            assertThat(r.rawReply()).isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
            assertThat(r.call("CONFIG", "SET", "save", "")).startsWith("-ERR mnm serves CONFIG GET only");
        }
    }

    /** redis-benchmark fetches the server's CONFIG first and stops at the first error reply. */
    @Test
    void redisBenchmarkRunsItsTestsThroughLeaderAndFollower() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/redis-benchmark")),
                "redis-benchmark is not installed");
        try (LocalCluster c = LocalCluster.start(3, 3, 0)) {
            for (int node : new int[] {1, 3}) {
                Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p",
                        Integer.toString(c.respAddress(node).getPort()), "-n", "300", "-c", "4", "-q",
                        "-t", "ping,set,get,incr,mset").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor()).as(out).isZero();
                assertThat(out).doesNotContain("Could not fetch server CONFIG").doesNotContain("ERR")
                        .contains("SET: ").contains("GET: ").contains("INCR: ").contains("MSET (10 keys): ");
            }
        }
    }

    /** MULTI … EXEC is logged as one command: every replica runs the queued commands together. */
    @Test
    void transactionsRunTogetherOrNotAtAll() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             RespClient r = new RespClient(c.respAddress(3)); RespClient other = new RespClient(c.respAddress(1))) {
            assertThat(r.call("EXEC")).isEqualTo("-ERR EXEC without MULTI");
            assertThat(r.call("MULTI")).isEqualTo("OK");
            assertThat(r.call("MULTI")).isEqualTo("-ERR MULTI calls can not be nested");
            assertThat(r.call("SET", "t", "1")).isEqualTo("QUEUED");
            assertThat(r.call("INCR", "t")).isEqualTo("QUEUED");
            assertThat(r.call("GET", "t")).isEqualTo("QUEUED");
            r.raw(Resp.command(java.util.List.of("EXEC".getBytes())));
            assertThat(r.rawReply()).isEqualTo("*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
            assertThat(other.call("GET", "t")).isEqualTo("2");
            // an error while queueing aborts the whole transaction
            assertThat(r.call("MULTI")).isEqualTo("OK");
            assertThat(r.call("SET", "t", "9")).isEqualTo("QUEUED");
            assertThat(r.call("SET", "t")).startsWith("-ERR wrong number of arguments");
            assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.");
            assertThat(r.call("MULTI")).isEqualTo("OK");
            assertThat(r.call("SET", "t", "9")).isEqualTo("QUEUED");
            assertThat(r.call("DISCARD")).isEqualTo("OK");
            assertThat(other.call("GET", "t")).as("neither ran").isEqualTo("2");
            assertThat(r.call("WATCH", "t")).startsWith("-ERR mnm does not support WATCH yet");
        }
    }

    private static List<String> split(String line) {
        return RespDecoder.splitArgs(line).stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    /** Issue 9: an inline command with a quoted argument was split at the space. */
    @Test
    void inlineCommandsAreSplitAsRedisSplitsThem() throws Exception {
        assertThat(split("SET q \"hello world\"")).containsExactly("SET", "q", "hello world");
        assertThat(split("SET k 'a\\'b'")).containsExactly("SET", "k", "a'b");
        assertThat(split("SET k \"tab\\there\\x41\\n\" \"\"")).containsExactly("SET", "k", "tab\there" + "A\n", "");
        assertThatThrownBy(() -> split("SET k \"open")).hasMessage("unbalanced quotes in request");
        assertThatThrownBy(() -> split("SET k \"a\"b")).hasMessage("unbalanced quotes in request");
        try (LocalCluster c = LocalCluster.start(3, 3, 0); RespClient r = new RespClient(c.respAddress(1))) {
            r.raw("SET q \"hello world\"\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(r.rawReply()).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "q")).isEqualTo("hello world");
        }
    }

    @Test
    void quitAnswersWhatCameBeforeItThenOkThenCloses() throws Exception {
        try (LocalCluster c = LocalCluster.start(3, 3, 0);
             Socket s = new Socket(c.respAddress(1).getAddress(), c.respAddress(1).getPort())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write("SET q 1\r\nQUIT\r\nSET q 2\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(new String(RespClient.readReply(in), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
            assertThat(new String(RespClient.readReply(in), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
            assertThat(in.read()).as("closed after QUIT").isEqualTo(-1);
            try (RespClient r = new RespClient(c.respAddress(1))) {
                assertThat(r.call("GET", "q")).as("nothing after QUIT ran").isEqualTo("1");
            }
        }
    }
}
