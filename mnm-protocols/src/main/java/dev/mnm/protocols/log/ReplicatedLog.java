package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Permission;
import dev.mnm.core.Pfor;
import dev.mnm.core.Protocol;
import dev.mnm.core.Region;
import dev.mnm.core.Reply;
import dev.mnm.core.Words;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A replicated log in the style of Mu (OSDI'20) over Protected Memory Paxos (seed 003 Alg. 6), one
 * Alg. 6 instance per slot, sans-IO.
 *
 * <p>Each memory holds, in region 0 (exclusive writer, initially p1; anyone may take it):
 * {@code minProp[q]} for every process q (registers 0..n−1) and the log slots (registers n..n+S−1);
 * in region 1 (everyone reads and writes) a heartbeat counter per process.
 * <ul>
 *   <li>The leader appends a command by writing (propNr, commit point, command) into the next slot
 *       on every memory: one write round trip; the slot commits when m − f_M acknowledge (Alg. 6
 *       lines 21–24), and entries are applied in order. Up to {@link #MAX_IN_FLIGHT} slots are written at
 *       once (pipelining); commands that arrive meanwhile share the next slot (batching). A nak means another
 *       process took the permission: the leader steps down and fails its open commands as unknown.</li>
 *   <li>Failure detection: every process increments its heartbeat counter in the memories and reads
 *       everyone's; a process whose counter stops moving for {@code suspectAfter} ticks is suspected.
 *       Ω names the incumbent — the process whose proposal number is the highest in the minProp
 *       registers (p1 before anyone wrote one) — while it is not suspected, and otherwise the lowest-id
 *       process not suspected; so a slow leader that comes back does not take leadership back.</li>
 *   <li>A new leader runs phase 1 of Alg. 6 for the whole unfinished suffix at once: take the
 *       permission on every memory, write its proposal number into its minProp register, read every
 *       minProp and the log from m − f_M memories (lines 12–16); give up if any minProp is higher
 *       (line 18); adopt, per slot, the entry with the highest proposal number (lines 19–20), fill
 *       holes with no-ops, and write them all again with its own number (phase 2).</li>
 *   <li>Followers learn by reading the log from m − f_M memories, taking per slot the entry with the
 *       highest proposal number, and applying everything below the highest piggybacked commit
 *       point. An entry whose checksum fails is never applied.</li>
 * </ul>
 * Where the seeds are silent: no log recycling (a full log refuses commands); reads go through the log.
 */
public class ReplicatedLog implements Protocol {
    public static final int LOG_REGION = 0;
    public static final int HEARTBEAT_REGION = 1;

    /** What commands do to the service's state; apply runs in log order, once per entry. */
    public interface StateMachine {
        Bytes apply(Bytes command);
    }

    /** How a submitted command ended. */
    public sealed interface Outcome {
        /** Committed and applied; {@code reply} is what the state machine returned. */
        record Done(Bytes reply) implements Outcome {}

        /** Not accepted here: {@code leader} is who this process thinks leads (0 if unknown). Certainly not applied. */
        record NotLeader(int leader) implements Outcome {}

        /** Leadership was lost while it was in flight: it may or may not be applied. */
        record Unknown(String why) implements Outcome {}
    }

    /**
     * @param slots         log capacity
     * @param heartbeat     time units between heartbeat ticks
     * @param suspectAfter  ticks without progress before a process is suspected
     * @param poll          time units between a follower's reads of the log
     * @param chunk         slots read per log read
     */
    public record Config(int fM, int slots, long heartbeat, int suspectAfter, long poll, int chunk) {}

    private enum Role { FOLLOWER, RECOVERING, LEADER }

    private final Env env;
    private final Config cfg;
    private final StateMachine sm;
    private final int n;
    private final int quorum;
    private Role role = Role.FOLLOWER;
    // failure detector (Ω)
    private long beat;
    private final long[] lastBeat;
    private final int[] misses;
    private int leaderView = 1;
    // applying
    private long applied;
    private long knownCommit;
    private final Map<Long, LogEntry> learned = new HashMap<>();
    private boolean polling;
    // leading
    private long highestSeen;
    private long propNr;
    private long next;
    private long commit;
    private final Set<Long> acked = new HashSet<>();
    private final Map<Long, Bytes> entries = new HashMap<>();
    private final Map<Long, List<Consumer<Outcome>>> waiting = new HashMap<>();
    /** Commands accepted by the leader and not yet in a slot: they go into the next batch. */
    private final ArrayDeque<Bytes> batchCommands = new ArrayDeque<>();
    private final ArrayDeque<Consumer<Outcome>> batchDone = new ArrayDeque<>();
    private int inFlight;
    private final ArrayDeque<Object[]> queued = new ArrayDeque<>();

    public ReplicatedLog(Env env, Config cfg, StateMachine sm) {
        this.env = env;
        this.cfg = cfg;
        this.sm = sm;
        this.n = env.processes();
        this.quorum = env.memories() - cfg.fM();
        this.lastBeat = new long[n + 1];
        this.misses = new int[n + 1];
    }

    /** Slots being written at once; commands arriving meanwhile are batched into the next slot. */
    static final int MAX_IN_FLIGHT = 4;
    /** The most bytes of commands one slot carries. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    /** Every memory's layout for n processes and a log of {@code slots} entries. */
    public static MemoryLayout layout(int n, int slots) {
        int log = n + slots;
        return new MemoryLayout(log + n, List.of(
                new Region(0, log, Permission.exclusiveWriter(1, n)),
                new Region(log, log + n, Permission.allReadWrite(n))),
                (p, region, current, requested) -> region == LOG_REGION
                        && requested.equals(Permission.exclusiveWriter(p, n)));
    }

    @Override
    public void start() {
        if (env.self() == 1) {
            role = Role.LEADER; // p1 holds the permission from the start and the log is empty: no phase 1
            propNr = 1;
            highestSeen = 1;
        }
        tick();
        poll();
    }

    @Override
    public void onMessage(int from, Message message) {
        throw new IllegalStateException("the log exchanges no messages");
    }

    public boolean leading() {
        return role == Role.LEADER;
    }

    /** Who this process thinks leads. */
    public int leader() {
        return leaderView;
    }

    /** Entries applied so far. */
    public long applied() {
        return applied;
    }

    /** Appends {@code command} if this process leads; {@code done} hears how it ended. */
    public void submit(Bytes command, Consumer<Outcome> done) {
        switch (role) {
            case LEADER -> append(command, done);
            case RECOVERING -> queued.add(new Object[] {command, done});
            case FOLLOWER -> done.accept(new Outcome.NotLeader(leaderView));
        }
    }

    // ---- leading ----

    private void append(Bytes command, Consumer<Outcome> done) {
        batchCommands.add(command);
        batchDone.add(done);
        flush();
    }

    /** Starts writing the waiting commands, batched, while fewer than {@link #MAX_IN_FLIGHT} slots are in flight. */
    private void flush() {
        while (role == Role.LEADER && inFlight < MAX_IN_FLIGHT && !batchCommands.isEmpty()) {
            if (next >= cfg.slots()) {
                while (!batchDone.isEmpty()) {
                    batchCommands.poll();
                    batchDone.poll().accept(new Outcome.NotLeader(0)); // the log is full; nothing was written
                }
                return;
            }
            List<Bytes> batch = new java.util.ArrayList<>();
            List<Consumer<Outcome>> dones = new java.util.ArrayList<>();
            int bytes = 0;
            while (!batchCommands.isEmpty() && (batch.isEmpty() || bytes + batchCommands.peek().length() <= MAX_BATCH_BYTES)) {
                Bytes c = batchCommands.poll();
                bytes += c.length();
                batch.add(c);
                dones.add(batchDone.poll());
            }
            long slot = next++;
            waiting.put(slot, dones);
            write(slot, Batch.encode(batch));
        }
    }

    /** Phase 2 of Alg. 6 for one slot (lines 21–24): committed when m − f_M writes succeed. */
    private void write(long slot, Bytes command) {
        inFlight++;
        entries.put(slot, command);
        Bytes encoded = new LogEntry(propNr, commit, command).encode();
        long mine = propNr;
        boolean[] ok = new boolean[env.memories() + 1];
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> env.memory(it.memory(),
                new MemoryOp.Write(LOG_REGION, n + (int) slot, encoded), r -> {
                    ok[it.memory()] = r instanceof Reply.Ack;
                    if (r.isNak()) {
                        stepDown(mine);
                    }
                    it.done();
                }), () -> {
            if (role != Role.LEADER || propNr != mine) {
                return;
            }
            for (int i = 1; i <= env.memories(); i++) {
                if (pfor[0].completed(i) && !ok[i]) {
                    stepDown(mine);
                    return;
                }
            }
            acked.add(slot);
            inFlight--;
            while (acked.remove(commit)) {
                List<Bytes> commands = Batch.decode(entries.remove(commit));
                List<Consumer<Outcome>> ks = waiting.remove(commit);
                commit++;
                applied = commit;
                for (int k = 0; k < commands.size(); k++) {
                    Bytes reply = sm.apply(commands.get(k));
                    if (ks != null) {
                        ks.get(k).accept(new Outcome.Done(reply));
                    }
                }
            }
            flush();
        });
    }

    private void stepDown(long asOf) {
        if (role != Role.LEADER || propNr != asOf) {
            return;
        }
        env.note("deposed: another process took the write permission");
        role = Role.FOLLOWER;
        for (List<Consumer<Outcome>> ks : waiting.values()) {
            ks.forEach(k -> k.accept(new Outcome.Unknown("leadership lost while the command was in flight")));
        }
        waiting.clear();
        while (!batchDone.isEmpty()) { // accepted but never written: certainly not applied
            batchCommands.poll();
            batchDone.poll().accept(new Outcome.NotLeader(0));
        }
        inFlight = 0;
        acked.clear();
        entries.clear();
        knownCommit = Math.max(knownCommit, applied);
        poll();
    }

    // ---- becoming leader: phase 1 of Alg. 6 over the unfinished suffix ----

    private void recover() {
        role = Role.RECOVERING;
        long k = highestSeen / n;
        propNr = k * n + env.self() > highestSeen ? k * n + env.self() : (k + 1) * n + env.self();
        highestSeen = propNr;
        long mine = propNr;
        int m = env.memories();
        boolean[] wrote = new boolean[m + 1];
        long[] seen = new long[1];
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> {
            int i = it.memory();
            env.memory(i, new MemoryOp.ChangePermission(LOG_REGION, Permission.exclusiveWriter(env.self(), n)), a ->
                    env.memory(i, new MemoryOp.Write(LOG_REGION, env.self() - 1, Words.ofLong(mine)), w -> {
                        wrote[i] = w instanceof Reply.Ack;
                        env.memory(i, new MemoryOp.ReadRange(LOG_REGION, 0, n), r -> {
                            if (r instanceof Reply.Values(List<Bytes> vs)) {
                                for (Bytes v : vs) {
                                    seen[0] = Math.max(seen[0], v.length() == 8 ? Words.toLong(v) : 0);
                                }
                            }
                            it.done();
                        });
                    }));
        }, () -> {
            boolean failed = seen[0] > mine;
            for (int i = 1; i <= m; i++) {
                failed |= pfor[0].completed(i) && !wrote[i];
            }
            highestSeen = Math.max(highestSeen, seen[0]);
            if (failed || propNr != mine) {
                role = Role.FOLLOWER; // line 17–18: try again on a later tick if still the leader
                poll();
                return;
            }
            readSuffix(mine, applied, new HashMap<>());
        });
    }

    /** Reads the log from {@code from} in chunks from m − f_M memories until a chunk is empty. */
    private void readSuffix(long mine, long from, Map<Long, LogEntry> found) {
        readChunk(from, chunk -> {
            if (propNr != mine || role != Role.RECOVERING) {
                return;
            }
            found.putAll(chunk);
            boolean any = !chunk.isEmpty();
            if (any && from + cfg.chunk() < cfg.slots()) {
                readSuffix(mine, from + cfg.chunk(), found);
            } else {
                finishRecovery(found);
            }
        });
    }

    private void finishRecovery(Map<Long, LogEntry> found) {
        long last = applied - 1;
        for (Map.Entry<Long, LogEntry> e : found.entrySet()) {
            highestSeen = Math.max(highestSeen, e.getValue().propNr());
            last = Math.max(last, e.getKey());
        }
        role = Role.LEADER;
        commit = applied;
        next = last + 1;
        learned.clear();
        for (long s = applied; s <= last; s++) {
            LogEntry e = found.get(s);
            boolean adopt = e != null && adoptsRecoveredEntries();
            write(s, adopt ? e.command() : Batch.encode(List.of())); // adopt (lines 19–20), or fill a hole with a no-op
        }
        while (!queued.isEmpty() && role == Role.LEADER) {
            Object[] q = queued.poll();
            @SuppressWarnings("unchecked")
            Consumer<Outcome> done = (Consumer<Outcome>) q[1];
            append((Bytes) q[0], done);
        }
    }

    /** Lines 19–20; a test overrides this to build the mutant that drops what phase 1 found. */
    boolean adoptsRecoveredEntries() {
        return true;
    }

    // ---- learning as a follower ----

    private void poll() {
        if (polling || role != Role.FOLLOWER) {
            return;
        }
        polling = true;
        readChunk(applied, chunk -> {
            polling = false;
            if (role != Role.FOLLOWER) {
                return;
            }
            for (Map.Entry<Long, LogEntry> e : chunk.entrySet()) {
                learned.merge(e.getKey(), e.getValue(), (a, b) -> a.propNr() >= b.propNr() ? a : b);
                knownCommit = Math.max(knownCommit, e.getValue().commit());
            }
            while (applied < knownCommit && learned.containsKey(applied)) {
                for (Bytes cmd : Batch.decode(learned.remove(applied).command())) {
                    sm.apply(cmd);
                }
                applied++;
            }
            env.setTimer(cfg.poll(), this::poll);
        });
    }

    /** Reads slots [from, from + chunk) from m − f_M memories; per slot, the valid entry with the highest proposal number. */
    private void readChunk(long from, Consumer<Map<Long, LogEntry>> then) {
        int count = (int) Math.min(cfg.chunk(), cfg.slots() - from);
        if (count <= 0) {
            then.accept(Map.of());
            return;
        }
        Map<Long, LogEntry> best = new HashMap<>();
        Pfor.run(env, quorum, it -> env.memory(it.memory(),
                new MemoryOp.ReadRange(LOG_REGION, n + (int) from, count), r -> {
                    if (r instanceof Reply.Values(List<Bytes> vs)) {
                        for (int k = 0; k < vs.size(); k++) {
                            LogEntry e = LogEntry.decode(vs.get(k));
                            if (e != null) {
                                best.merge(from + k, e, (a, b) -> a.propNr() >= b.propNr() ? a : b);
                            }
                        }
                    }
                    it.done();
                }), () -> then.accept(Map.copyOf(best)));
    }

    // ---- failure detection (Ω from heartbeat counters in memory) ----

    /**
     * Nobody is suspected during a start-up grace of ten suspicion periods: a process that has
     * just started (a JVM warming up) must not take over from a leader that is merely slow.
     */
    private boolean alive(int q) {
        return q == env.self() || misses[q] < cfg.suspectAfter() || beat < 10L * cfg.suspectAfter();
    }

    private void tick() {
        beat++;
        int base = n + cfg.slots();
        for (int i = 1; i <= env.memories(); i++) {
            env.memory(i, new MemoryOp.Write(HEARTBEAT_REGION, base + env.self() - 1, Words.ofLong(beat)), r -> { });
        }
        long[] max = new long[n + 1];
        long[] highestProp = new long[1];
        Pfor.run(env, quorum, it -> {
            env.memory(it.memory(), new MemoryOp.ReadRange(HEARTBEAT_REGION, base, n), r -> {
                if (r instanceof Reply.Values(List<Bytes> vs)) {
                    for (int q = 1; q <= n; q++) {
                        Bytes v = vs.get(q - 1);
                        max[q] = Math.max(max[q], v.length() == 8 ? Words.toLong(v) : 0);
                    }
                }
            });
            env.memory(it.memory(), new MemoryOp.ReadRange(LOG_REGION, 0, n), r -> { // pipelined: same round trip
                if (r instanceof Reply.Values(List<Bytes> vs)) {
                    for (Bytes v : vs) {
                        highestProp[0] = Math.max(highestProp[0], v.length() == 8 ? Words.toLong(v) : 0);
                    }
                }
                it.done();
            });
        }, () -> {
            for (int q = 1; q <= n; q++) {
                if (max[q] > lastBeat[q]) {
                    lastBeat[q] = max[q];
                    misses[q] = 0;
                } else {
                    misses[q]++;
                }
            }
            // the incumbent (whose proposal number is the highest written; p1 before anyone) keeps
            // leading while it is not suspected; otherwise the lowest-id process not suspected
            long prop = Math.max(1, highestProp[0]);
            int incumbent = (int) ((prop - 1) % n) + 1;
            int chosen = alive(incumbent) ? incumbent : 0;
            for (int q = 1; q <= n && chosen == 0; q++) {
                if (alive(q)) {
                    chosen = q;
                }
            }
            if (chosen != leaderView) {
                env.note("leader is now " + chosen);
                leaderView = chosen;
            }
            if (leaderView == env.self() && role == Role.FOLLOWER) {
                recover();
            }
        });
        env.setTimer(cfg.heartbeat(), this::tick);
    }
}
