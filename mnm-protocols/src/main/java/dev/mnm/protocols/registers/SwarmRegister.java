package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.RegisterClient;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The atomic multi-writer register with guessed timestamps (seed 002, "Putting It All Together";
 * SWARM's Safe-Guess), over the reliable max register M of {@link ReliableMaxRegister} and the
 * timestamp locks of {@link TimestampLock}. Common case: 1 round trip for a write and for a read.
 *
 * <pre>
 * WRITE(v):
 *   w = (guessTs(), GUESSED, v)
 *   in parallel {m = M.READ(), M.WRITE(w)}
 *   if m &lt;= w: in bg: M.WRITE(w with VERIFIED)                  // fast path
 *   else if TSL[tid].TRYLOCK(w.ts, WRITE):                        // slow path
 *          M.WRITE(((m.ts.i+1, tid), VERIFIED, v))
 * READ():
 *   seen = {}
 *   while true:
 *     m = M.READ()
 *     if m is VERIFIED: return m.v                                // fast path
 *     if m in seen.values:
 *       if TSL[m.ts.tid].TRYLOCK(m.ts, READ):
 *         in bg: M.WRITE(m with VERIFIED); return m.v
 *     elif m.ts.tid in seen.keys: return seen[m.ts.tid].v         // wait-free path
 *     seen[m.ts.tid] = m
 * </pre>
 *
 * guessTs() has no clock to read here (protocols are sans-IO): the guess is one above the highest
 * timestamp this client has seen, which is right whenever nobody else wrote meanwhile.
 */
class SwarmRegister implements RegisterClient {
    private final Env env;
    private final ReliableMaxRegister m;
    private final TimestampLock tsl;
    private long highestSeen;

    SwarmRegister(Env env, int fM) {
        this.env = env;
        this.m = new ReliableMaxRegister(env, fM);
        this.tsl = new TimestampLock(env);
    }

    private long guessTs() {
        return Math.max(highestSeen, m.cached().ts()) + 1;
    }

    private void saw(Tagged t) {
        highestSeen = Math.max(highestSeen, t.ts());
    }

    @Override
    public void write(long value, Runnable done) {
        Tagged w = new Tagged(guessTs(), env.self(), false, value);
        saw(w);
        Tagged[] read = new Tagged[1];
        boolean[] written = new boolean[1];
        Runnable both = () -> {
            if (read[0] == null || !written[0]) {
                return;
            }
            Tagged cur = read[0];
            saw(cur);
            if (cur.compareTimestamp(w) <= 0) {
                m.write(w.asVerified(), () -> { }); // in the background: speeds up reads
                done.run();
            } else if (writerLocks()) {
                tsl.tryLock(env.self(), w.ts(), TimestampLock.Mode.WRITE, locked -> {
                    if (locked) {
                        Tagged fresh = new Tagged(cur.ts() + 1, env.self(), true, value);
                        saw(fresh);
                        m.write(fresh, done);
                    } else {
                        done.run(); // a reader returned w: the write took effect as w
                    }
                });
            } else {
                Tagged fresh = new Tagged(cur.ts() + 1, env.self(), true, value);
                saw(fresh);
                m.write(fresh, done);
            }
        };
        m.read(t -> {
            read[0] = t;
            both.run();
        });
        m.write(w, () -> {
            written[0] = true;
            both.run();
        });
    }

    @Override
    public void read(Consumer<Long> done) {
        readLoop(new HashMap<>(), done);
    }

    private void readLoop(Map<Integer, Tagged> seen, Consumer<Long> done) {
        m.read(cur -> {
            saw(cur);
            if (cur.verified() || !readerChecksGuesses()) {
                done.accept(cur.value());
                return;
            }
            if (seen.containsValue(cur)) {
                if (!readerLocks()) {
                    done.accept(cur.value());
                    return;
                }
                tsl.tryLock(cur.tid(), cur.ts(), TimestampLock.Mode.READ, locked -> {
                    if (locked) {
                        m.write(cur.asVerified(), () -> { }); // in the background
                        done.accept(cur.value());
                    } else {
                        seen.put(cur.tid(), cur);
                        readLoop(seen, done);
                    }
                });
                return;
            }
            if (seen.containsKey(cur.tid())) {
                done.accept(seen.get(cur.tid()).value());
                return;
            }
            seen.put(cur.tid(), cur);
            readLoop(seen, done);
        });
    }

    /** Whether a writer on the slow path takes the timestamp lock; a test overrides this to build a mutant. */
    boolean writerLocks() {
        return true;
    }

    /** Whether a reader treats a GUESSED value with care at all; a test overrides this to build a mutant. */
    boolean readerChecksGuesses() {
        return true;
    }

    /** Whether a reader locks a GUESSED value before returning it; a test overrides this to build a mutant. */
    boolean readerLocks() {
        return true;
    }
}
