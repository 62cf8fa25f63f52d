package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.RegisterClient;
import java.util.function.Consumer;

/**
 * The classic atomic multi-writer register over the reliable max register M (seed 002, "Step 2:
 * Classic Algorithm"; ABD): values are ((ts, tid), v), ordered lexicographically.
 *
 * <pre>
 * WRITE(v): fresh_ts = (M.READ().ts.i + 1, tid); M.WRITE((fresh_ts, v))   // 2 round trips
 * READ():   return M.READ().v                                          // 1 (2 if it must write back)
 * </pre>
 */
final class AbdRegister implements RegisterClient {
    private final Env env;
    private final ReliableMaxRegister m;

    AbdRegister(Env env, int fM) {
        this.env = env;
        this.m = new ReliableMaxRegister(env, fM);
    }

    @Override
    public void write(long value, Runnable done) {
        m.read(current -> m.write(new Tagged(current.ts() + 1, env.self(), true, value), done));
    }

    @Override
    public void read(Consumer<Long> done) {
        m.read(t -> done.accept(t.value()));
    }
}
