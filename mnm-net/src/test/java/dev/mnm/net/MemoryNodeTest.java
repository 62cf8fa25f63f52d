package dev.mnm.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnm.core.Bytes;
import dev.mnm.core.LegalChange;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Permission;
import dev.mnm.core.Reply;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryNodeTest {
    static final int N = 3;
    KeyPair[] keys = new KeyPair[N + 1];
    MemoryNode node;
    EventLoopGroup group;

    @BeforeEach
    void start() throws Exception {
        Map<Integer, PublicKey> pub = new java.util.HashMap<>();
        for (int p = 1; p <= N; p++) {
            keys[p] = Keys.generate();
            pub.put(p, keys[p].getPublic());
        }
        node = MemoryNode.start(1, MemoryLayout.singleRegion(8, Permission.exclusiveWriter(1, N),
                LegalChange.takeExclusiveWrite(N)), pub, new InetSocketAddress("127.0.0.1", 0));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        node.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    MemoryClient client(int p, KeyPair key) throws Exception {
        return MemoryClient.connect(p, key.getPrivate(), node.address(), group, Runnable::run);
    }

    static Reply call(MemoryClient c, MemoryOp op) throws Exception {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        c.execute(op, f::complete);
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void permissionsHoldOverTheWire() throws Exception {
        try (MemoryClient p1 = client(1, keys[1]); MemoryClient p2 = client(2, keys[2])) {
            assertThat(call(p1, new MemoryOp.Write(0, 0, Bytes.utf8("a")))).isEqualTo(Reply.ACK);
            assertThat(call(p2, new MemoryOp.Write(0, 0, Bytes.utf8("b")))).isEqualTo(Reply.NAK);
            assertThat(call(p2, new MemoryOp.Read(0, 0))).isEqualTo(new Reply.Value(Bytes.utf8("a")));
            call(p2, new MemoryOp.ChangePermission(0, Permission.exclusiveWriter(2, N)));
            assertThat(call(p1, new MemoryOp.Write(0, 0, Bytes.utf8("c")))).as("deposed").isEqualTo(Reply.NAK);
            assertThat(call(p2, new MemoryOp.ReadRange(0, 0, 2)))
                    .isEqualTo(new Reply.Values(java.util.List.of(Bytes.utf8("a"), Bytes.EMPTY)));
        }
    }

    @Test
    void aForgedIdentityIsRefused() throws Exception {
        KeyPair mallory = Keys.generate();
        assertThatThrownBy(() -> client(1, mallory)).hasMessageContaining("authentication failed for process 1");
        assertThatThrownBy(() -> client(9, mallory)).hasMessageContaining("authentication failed for process 9");
        assertThat(node.peek(0)).isEqualTo(Bytes.EMPTY);
    }

    /** Sends raw bytes on a fresh connection and reports whether the node closed it. */
    static boolean closedAfter(InetSocketAddress a, byte[] raw) throws Exception {
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.setSoTimeout(3000);
            new DataOutputStream(s.getOutputStream()).write(raw);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // drain the challenge and the error frame until the node closes
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            }
        }
    }

    static byte[] frame(int length, byte... body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + body.length);
        b.putInt(length).put(body);
        return b.array();
    }

    @Test
    void malformedTruncatedAndOversizedFramesCloseOnlyTheirConnection() throws Exception {
        try (MemoryClient p1 = client(1, keys[1])) {
            call(p1, new MemoryOp.Write(0, 3, Bytes.utf8("keep")));
            assertThat(closedAfter(node.address(), frame(Wire.MAX_FRAME + 1))).as("oversized").isTrue();
            assertThat(closedAfter(node.address(), frame(3, (byte) 4, (byte) 0, (byte) 0))).as("request before auth").isTrue();
            assertThat(closedAfter(node.address(), frame(2, (byte) 2, (byte) 0))).as("truncated auth").isTrue();
            assertThat(closedAfter(node.address(), frame(1, (byte) 99))).as("unknown type").isTrue();
            assertThat(call(p1, new MemoryOp.Read(0, 3))).as("the node serves on")
                    .isEqualTo(new Reply.Value(Bytes.utf8("keep")));
        }
    }

    @Test
    void tenThousandRandomFramesChangeNothingAndTheNodeServesOn() throws Exception {
        try (MemoryClient p1 = client(1, keys[1])) {
            call(p1, new MemoryOp.Write(0, 5, Bytes.utf8("before")));
            SplittableRandom rnd = new SplittableRandom(42);
            InetSocketAddress a = node.address();
            int frames = 0;
            while (frames < 10_000) {
                try (Socket s = new Socket(a.getAddress(), a.getPort())) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    for (int k = 0; k < 100; k++, frames++) {
                        int len = rnd.nextInt(40);
                        byte[] body = new byte[len];
                        rnd.nextBytes(body);
                        if (len > 0 && rnd.nextBoolean()) {
                            body[0] = (byte) (1 + rnd.nextInt(6)); // plausible frame types
                        }
                        int declared = rnd.nextInt(10) == 0 ? rnd.nextInt() : len;
                        out.writeInt(declared);
                        out.write(body);
                    }
                    out.flush();
                } catch (java.net.SocketException closedByNode) {
                    // the node closed the connection mid-stream: expected
                }
            }
            assertThat(frames).isGreaterThanOrEqualTo(10_000);
            assertThat(call(p1, new MemoryOp.Read(0, 5))).isEqualTo(new Reply.Value(Bytes.utf8("before")));
            for (int r = 0; r < 8; r++) {
                Bytes expected = r == 5 ? Bytes.utf8("before") : Bytes.EMPTY;
                assertThat(node.peek(r)).as("register " + r).isEqualTo(expected);
            }
            assertThat(node.permission(0)).isEqualTo(Permission.exclusiveWriter(1, N));
            try (MemoryClient p2 = client(2, keys[2])) {
                assertThat(call(p2, new MemoryOp.Read(0, 5))).isEqualTo(new Reply.Value(Bytes.utf8("before")));
            }
        }
    }
}
