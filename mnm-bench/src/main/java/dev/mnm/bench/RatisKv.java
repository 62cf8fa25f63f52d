package dev.mnm.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * The baseline for the KV benchmark: Apache Ratis 3.3 with three servers in this JVM over gRPC on
 * loopback, an equivalent key-value state machine, and — to be fair to a service whose memories
 * are in RAM — Ratis's in-memory log ({@code raft.server.log.use.memory=true}) instead of its
 * fsync'd segmented log. SET goes through the log; GET is a linearizable read-only query
 * ({@code sendReadOnly}, read index). Every other setting is Ratis's default.
 */
final class RatisKv implements AutoCloseable {
    private final List<RaftServer> servers = new ArrayList<>();
    private final RaftGroup group;
    private final RaftProperties clientProps = new RaftProperties();
    private final File dir;

    RatisKv(int n, int basePort) throws IOException {
        dir = Files.createTempDirectory("mnm-ratis").toFile();
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress("127.0.0.1:" + (basePort + i)).build());
        }
        group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.nameUUIDFromBytes("mnm-bench".getBytes())), peers);
        for (int i = 0; i < n; i++) {
            RaftProperties p = new RaftProperties();
            RaftServerConfigKeys.setStorageDir(p, List.of(new File(dir, "n" + i)));
            RaftServerConfigKeys.Log.setUseMemory(p, true);
            GrpcConfigKeys.Server.setPort(p, basePort + i);
            RaftServer s = RaftServer.newBuilder().setServerId(peers.get(i).getId()).setGroup(group).setProperties(p)
                    .setStateMachine(new Kv()).build();
            s.start();
            servers.add(s);
        }
    }

    /** A client doing SET / GET through the log / read index. */
    LoadGenerator.Client client() {
        RaftClient c = RaftClient.newBuilder().setProperties(clientProps).setRaftGroup(group).build();
        return new LoadGenerator.Client() {
            @Override
            public void op(boolean set, int n) throws IOException {
                String k = LoadGenerator.key(n);
                RaftClientReply r = set ? c.io().send(Message.valueOf("SET " + k + " " + LoadGenerator.VALUE))
                        : c.io().sendReadOnly(Message.valueOf("GET " + k));
                if (!r.isSuccess()) {
                    throw new IOException("ratis: " + r.getException());
                }
            }

            @Override
            public void close() throws IOException {
                c.close();
            }
        };
    }

    @Override
    public void close() throws IOException {
        for (RaftServer s : servers) {
            s.close();
        }
        try (var walk = Files.walk(dir.toPath())) {
            walk.sorted(java.util.Comparator.reverseOrder()).map(java.nio.file.Path::toFile).forEach(File::delete);
        }
    }

    /** The same key-value semantics as mnm's, for SET and GET. */
    static final class Kv extends BaseStateMachine {
        private final Map<String, String> data = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
            LogEntryProto entry = trx.getLogEntry();
            String[] cmd = entry.getStateMachineLogEntry().getLogData().toString(StandardCharsets.UTF_8).split(" ", 3);
            if (cmd.length == 3 && cmd[0].equals("SET")) {
                data.put(cmd[1], cmd[2]);
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.completedFuture(Message.valueOf("OK"));
        }

        @Override
        public CompletableFuture<Message> query(Message request) {
            String[] cmd = request.getContent().toString(StandardCharsets.UTF_8).split(" ", 2);
            String v = cmd.length == 2 ? data.get(cmd[1]) : null;
            return CompletableFuture.completedFuture(Message.valueOf(v == null ? "" : v));
        }
    }
}
