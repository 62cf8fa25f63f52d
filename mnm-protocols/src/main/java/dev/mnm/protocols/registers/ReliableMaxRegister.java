package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Pfor;
import dev.mnm.core.Reply;
import java.util.List;
import java.util.function.Consumer;

/**
 * Step 1 of seed 002's "Fast memory replication": a reliable max register from m unreliable ones,
 * one per memory, of which f_M may crash. Each memory's max register is an array of entries, one
 * per client, each written only by its client with increasing values; its value is the largest
 * entry (SWARM's layout with one entry per client). The client caches the largest value it knows
 * to be on a majority of memories ("hint: use caching").
 *
 * <ul>
 *   <li>write(v): 0 round trips if the cache is already at least v (the write is subsumed);
 *       otherwise write v into this client's entry on every memory, done when m − f_M acknowledge: 1.</li>
 *   <li>read(): read every entry on m − f_M memories and take the largest; if each of those memories
 *       already holds it (or the cache does), it is on a majority: 1 round trip; otherwise write it
 *       back first (as ABD's read does): 2.</li>
 * </ul>
 */
class ReliableMaxRegister {
    static final int REGION = 0;
    private final Env env;
    private final int quorum;
    private final int clients;
    private Tagged cache = Tagged.EMPTY;
    private Tagged mine = Tagged.EMPTY;

    ReliableMaxRegister(Env env, int fM) {
        this.env = env;
        this.quorum = env.memories() - fM;
        this.clients = env.processes();
    }

    /** The largest value this client knows to be on a majority. */
    Tagged cached() {
        return cache;
    }

    void write(Tagged v, Runnable done) {
        if (v.compareTo(cache) <= 0) {
            done.run();
            return;
        }
        Tagged w = Tagged.max(v, mine); // this client's entry only grows
        mine = w;
        Pfor.run(env, quorum, it -> env.memory(it.memory(),
                new MemoryOp.Write(REGION, env.self() - 1, w.encode()), r -> it.done()), () -> {
            cache = Tagged.max(cache, w);
            done.run();
        });
    }

    void read(Consumer<Tagged> done) {
        int m = env.memories();
        Tagged[] maxAt = new Tagged[m + 1];
        Pfor[] pfor = new Pfor[1];
        pfor[0] = Pfor.run(env, quorum, it -> env.memory(it.memory(),
                new MemoryOp.ReadRange(REGION, 0, clients), r -> {
                    maxAt[it.memory()] = largest(r);
                    it.done();
                }), () -> {
            Tagged max = Tagged.EMPTY;
            for (int i = 1; i <= m; i++) {
                if (pfor[0].completed(i)) {
                    max = Tagged.max(max, maxAt[i]);
                }
            }
            boolean onQuorum = max.compareTo(cache) <= 0;
            if (!onQuorum) {
                onQuorum = true;
                for (int i = 1; i <= m; i++) {
                    if (pfor[0].completed(i)) {
                        onQuorum &= maxAt[i].compareTo(max) >= 0;
                    }
                }
            }
            Tagged result = Tagged.max(max, cache);
            if (onQuorum || !writesBack()) {
                cache = result;
                done.accept(result);
            } else {
                write(result, () -> done.accept(result));
            }
        });
    }

    /** Whether a read writes back a value it did not find on a majority; a test overrides this to build a mutant. */
    boolean writesBack() {
        return true;
    }

    private static Tagged largest(Reply r) {
        Tagged max = Tagged.EMPTY;
        if (r instanceof Reply.Values(List<dev.mnm.core.Bytes> values)) {
            for (dev.mnm.core.Bytes b : values) {
                max = Tagged.max(max, Tagged.decode(b));
            }
        }
        return max;
    }
}
