package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A leader's term with proposal number b, after phase 1 (see {@link Recovery}): phase 2 of Alg. 6
 * (lines 21–24) per slot. The leader writes (b, commit point, batch) into the slot on every memory
 * it has <em>confirmed</em>, and the slot is chosen once m − f_M confirmed memories acknowledge:
 * one write round trip. Up to {@link ReplicatedLog#MAX_IN_FLIGHT} slots are written at once;
 * commands arriving meanwhile share the next slot. Chosen slots are applied in order.
 *
 * <p>Invariant: an acknowledgement counts only from a memory confirmed for b — b's own
 * changePermission, write of b and read of every minProp executed there in that order, with no
 * minProp above b — and the write was issued after that read returned. By the argument of
 * {@code ProtectedMemoryPaxos} (an ack from a confirmed memory precedes any later leader's phase-1
 * read there, or that leader's permission made it a nak), a later leader's phase 1 sees every
 * chosen entry on at least one memory of its quorum. A memory confirmed late gets every slot still
 * in flight, in slot order, before new ones. A nak means another process took the permission: the
 * term ends and every command in flight is answered {@code Unknown}.
 */
final class LeaderTerm {
    private final Env env;
    private final ReplicatedLog log;
    final long propNr;
    private final int n;
    private final int quorum;
    private final boolean[] confirmed;
    private final boolean countsUnconfirmed;
    private long commit;
    private long next;
    private boolean over;
    private int unacked;
    private final TreeMap<Long, Slot> inFlight = new TreeMap<>();
    private final ArrayDeque<Bytes> batchCommands = new ArrayDeque<>();
    private final ArrayDeque<Consumer<ReplicatedLog.Outcome>> batchDone = new ArrayDeque<>();

    /** One slot being written: its batch, the confirmed memories that acked, whom to tell. */
    private static final class Slot {
        final Bytes batch;
        final List<Consumer<ReplicatedLog.Outcome>> dones;
        final boolean[] acked;
        int acks;

        Slot(Bytes batch, List<Consumer<ReplicatedLog.Outcome>> dones, int m) {
            this.batch = batch;
            this.dones = dones;
            this.acked = new boolean[m + 1];
        }
    }

    LeaderTerm(Env env, ReplicatedLog log, long propNr, boolean[] confirmed, boolean countsUnconfirmed) {
        this.env = env;
        this.log = log;
        this.propNr = propNr;
        this.n = env.processes();
        this.quorum = env.memories() - log.config().fM();
        this.confirmed = confirmed.clone();
        this.countsUnconfirmed = countsUnconfirmed;
    }

    /**
     * Starts the term at slot {@code from} (this process's applied point): the slots phase 1 found
     * are written again with b, holes below the last found slot get no-ops (lines 19–21).
     */
    void start(long from, Map<Long, Bytes> adopted, long last) {
        commit = from;
        next = from;
        for (long s = from; s <= last; s++) {
            Bytes found = adopted.get(s);
            issue(found != null ? found : Batch.encode(List.of()), List.of());
        }
    }

    /** Memory i was confirmed after the term began: it gets every slot in flight, in order. */
    void confirmLate(int i) {
        if (over || confirmed[i]) {
            return;
        }
        confirmed[i] = true;
        for (long s : inFlight.keySet()) {
            write(i, s);
        }
    }

    void append(Bytes command, Consumer<ReplicatedLog.Outcome> done) {
        batchCommands.add(command);
        batchDone.add(done);
        flush();
    }

    private void flush() {
        while (!over && unacked < ReplicatedLog.MAX_IN_FLIGHT && !batchCommands.isEmpty()) {
            if (next >= log.config().slots()) {
                while (!batchDone.isEmpty()) {
                    batchCommands.poll();
                    batchDone.poll().accept(new ReplicatedLog.Outcome.NotLeader(0)); // the log is full; nothing written
                }
                return;
            }
            List<Bytes> batch = new ArrayList<>();
            List<Consumer<ReplicatedLog.Outcome>> dones = new ArrayList<>();
            int bytes = 0;
            while (!batchCommands.isEmpty()
                    && (batch.isEmpty() || bytes + batchCommands.peek().length() <= ReplicatedLog.MAX_BATCH_BYTES)) {
                Bytes c = batchCommands.poll();
                bytes += c.length();
                batch.add(c);
                dones.add(batchDone.poll());
            }
            issue(Batch.encode(batch), dones);
        }
    }

    private void issue(Bytes batch, List<Consumer<ReplicatedLog.Outcome>> dones) {
        long s = next++;
        inFlight.put(s, new Slot(batch, dones, env.memories()));
        unacked++;
        for (int i = 1; i <= env.memories(); i++) {
            if (confirmed[i] || countsUnconfirmed) {
                write(i, s);
            }
        }
    }

    private void write(int i, long s) {
        Slot slot = inFlight.get(s);
        Bytes entry = new LogEntry(propNr, commit, slot.batch).encode();
        env.memory(i, new MemoryOp.Write(ReplicatedLog.LOG_REGION, n + (int) s, entry), r -> {
            if (over) {
                return;
            }
            if (!(r instanceof Reply.Ack)) {
                log.deposed(this);
                return;
            }
            if (slot.acked[i]) {
                return;
            }
            slot.acked[i] = true;
            if (++slot.acks == quorum) {                                           // line 22
                unacked--;
                advance();
                flush();
            }
        });
    }

    /** Applies chosen slots in order. */
    private void advance() {
        while (!over && !inFlight.isEmpty() && inFlight.firstKey() == commit && inFlight.firstEntry().getValue().acks >= quorum) {
            Slot slot = inFlight.pollFirstEntry().getValue();
            List<Bytes> replies = log.apply(commit++, slot.batch);
            for (int k = 0; k < slot.dones.size(); k++) {
                slot.dones.get(k).accept(new ReplicatedLog.Outcome.Done(replies.get(k)));
            }
        }
    }

    /** Ends the term: commands in flight may or may not be chosen; those never written certainly are not. */
    void end() {
        if (over) {
            return;
        }
        over = true;
        for (Slot slot : inFlight.values()) {
            slot.dones.forEach(k -> k.accept(new ReplicatedLog.Outcome.Unknown("leadership lost while the command was in flight")));
        }
        inFlight.clear();
        while (!batchDone.isEmpty()) {
            batchCommands.poll();
            batchDone.poll().accept(new ReplicatedLog.Outcome.NotLeader(0));
        }
    }
}
