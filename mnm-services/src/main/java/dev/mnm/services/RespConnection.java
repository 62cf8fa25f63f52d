package dev.mnm.services;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP client connection of a {@link KvNode}: commands run as they come (pipelined), replies
 * go back in the order of the commands. The connection's own commands — HELLO, CLIENT, QUIT —
 * are answered here; every other goes to {@link KvNode#execute} under this connection's client
 * session, so a command retried after a lost leader is applied once. A malformed frame closes
 * this connection only, with an error reply and a log line.
 */
final class RespConnection extends SimpleChannelInboundHandler<List<byte[]>> {
    private static final Logger log = LoggerFactory.getLogger(RespConnection.class);
    private static final AtomicLong CLIENT_IDS = new AtomicLong();

    private final KvNode node;

    RespConnection(KvNode node) {
        this.node = node;
    }

    private final ArrayDeque<CompletableFuture<byte[]>> inflight = new ArrayDeque<>();
    /** This connection's client session: a random id, unique with overwhelming probability. */
    private final long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private long seq;

    /** The reply to QUIT: once it is written, the connection closes; nothing after it runs. */
    private CompletableFuture<byte[]> quit;

    /** The commands queued since MULTI, or null outside a transaction. */
    private List<List<byte[]>> queued;
    /** A command since MULTI was refused: EXEC aborts. */
    private boolean aborted;

    /** CLIENT SETNAME's name, or null. */
    private byte[] name;
    /** CLIENT ID's answer: unique among the connections of this JVM. */
    private final long clientId = CLIENT_IDS.incrementAndGet();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, List<byte[]> args) {
        if (quit != null) {
            return;
        }
        CompletableFuture<byte[]> f = transaction(args);
        if (f == null) {
            byte[] local = connectionCommand(args);
            f = local != null ? CompletableFuture.completedFuture(local) : node.execute(args, session, ++seq);
        }
        if (KvStateMachine.name(args).equals("QUIT")) {
            quit = f;
        }
        inflight.add(f);
        f.whenComplete((r, e) -> ctx.executor().execute(() -> drain(ctx)));
    }

    /**
     * MULTI, EXEC, DISCARD, and every command between MULTI and EXEC: the reply, or null for a
     * command outside a transaction. Between them a logged command is checked and queued
     * ({@code +QUEUED}); any other, or one that fails its check, is answered with an error and
     * makes EXEC abort, as in Redis. EXEC logs the queued commands as one command ({@link
     * KvCommands#pack}), so every replica runs them together. WATCH is refused: it would need
     * key versions in the log.
     */
    private CompletableFuture<byte[]> transaction(List<byte[]> args) {
        String cmd = KvStateMachine.name(args);
        byte[] reply;
        if (cmd.equals("WATCH") || cmd.equals("UNWATCH")) {
            reply = Resp.error("ERR mnm does not support WATCH yet (MULTI, EXEC and DISCARD it does)");
        } else if (cmd.equals("MULTI")) {
            reply = queued != null ? Resp.error("ERR MULTI calls can not be nested") : Resp.simple("OK");
            queued = queued != null ? queued : new java.util.ArrayList<>();
        } else if (cmd.equals("DISCARD")) {
            reply = queued == null ? Resp.error("ERR DISCARD without MULTI") : Resp.simple("OK");
            queued = null;
            aborted = false;
        } else if (cmd.equals("EXEC")) {
            if (queued == null) {
                reply = Resp.error("ERR EXEC without MULTI");
            } else if (aborted || queued.isEmpty()) {
                reply = aborted ? Resp.error("EXECABORT Transaction discarded because of previous errors.") : Resp.array(List.of());
            } else {
                List<byte[]> exec = KvCommands.pack(queued);
                queued = null;
                return node.execute(exec, session, ++seq);
            }
            queued = null;
            aborted = false;
        } else if (queued == null) {
            return null;
        } else {
            byte[] bad = KvCommands.ARITY.containsKey(cmd) && !cmd.equals(KvCommands.EXEC) ? KvCommands.validate(args)
                    : Resp.error("ERR mnm queues only the key-value commands in a transaction, not '"
                            + KvNode.printable(cmd.toLowerCase(java.util.Locale.ROOT), 40) + "'");
            if (bad == null) {
                queued.add(List.copyOf(args));
            }
            aborted |= bad != null;
            reply = bad != null ? bad : Resp.simple("QUEUED");
        }
        return CompletableFuture.completedFuture(reply);
    }

    /**
     * HELLO and CLIENT, which concern this connection: their reply, or null for any other
     * command. HELLO 3 is answered NOPROTO (mnm speaks RESP2), which clients take as "stay on
     * RESP2".
     */
    private byte[] connectionCommand(List<byte[]> args) {
        String cmd = KvStateMachine.name(args);
        if (cmd.equals("HELLO")) {
            String version = args.size() > 1 ? new String(args.get(1), StandardCharsets.ISO_8859_1) : "2";
            if (!version.equals("2")) {
                return Resp.error("NOPROTO unsupported protocol version: mnm speaks RESP2");
            }
            List<byte[]> m = new java.util.ArrayList<>();
            for (String[] kv : new String[][] {{"server", "mnm"}, {"version", "0.1.0"}, {"mode", "cluster"},
                    {"role", "master"}}) {
                m.add(Resp.bulk(kv[0].getBytes(StandardCharsets.US_ASCII)));
                m.add(Resp.bulk(kv[1].getBytes(StandardCharsets.US_ASCII)));
            }
            m.add(Resp.bulk("proto".getBytes(StandardCharsets.US_ASCII)));
            m.add(Resp.integer(2));
            m.add(Resp.bulk("id".getBytes(StandardCharsets.US_ASCII)));
            m.add(Resp.integer(clientId));
            m.add(Resp.bulk("modules".getBytes(StandardCharsets.US_ASCII)));
            m.add(Resp.array(List.of()));
            return Resp.array(m);
        }
        if (!cmd.equals("CLIENT")) {
            return null;
        }
        String sub = args.size() > 1 ? new String(args.get(1), StandardCharsets.ISO_8859_1).toUpperCase(java.util.Locale.ROOT) : "";
        return switch (sub) {
            case "ID" -> Resp.integer(clientId);
            case "GETNAME" -> Resp.bulk(name);
            case "SETNAME" -> {
                if (args.size() != 3) {
                    yield KvNode.arity("client|setname");
                }
                for (byte b : args.get(2)) {
                    if (b <= ' ' || b > '~') {
                        yield Resp.error("ERR Client names cannot contain spaces, newlines or special characters.");
                    }
                }
                name = args.get(2).length == 0 ? null : args.get(2);
                yield Resp.simple("OK");
            }
            case "SETINFO" -> Resp.simple("OK"); // library name and version, which clients send and mnm ignores
            default -> Resp.error("ERR mnm serves CLIENT ID, GETNAME, SETNAME and SETINFO");
        };
    }

    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!inflight.isEmpty() && inflight.peek().isDone()) {
            CompletableFuture<byte[]> f = inflight.poll();
            ctx.write(Unpooled.wrappedBuffer(f.join()));
            wrote = true;
            if (f == quit) {
                ctx.flush();
                ctx.close();
                return;
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        String why = KvNode.printable(c instanceof RespDecoder.Bad ? c.getMessage() : c.toString());
        log.warn("process {}: closing RESP connection from {}: {}", node.id(), ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(Resp.error("ERR Protocol error: " + why)))
                .addListener(x -> ctx.close());
    }
}
