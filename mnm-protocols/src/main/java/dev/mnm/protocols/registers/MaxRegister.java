package dev.mnm.protocols.registers;

import dev.mnm.core.Env;
import dev.mnm.core.RegisterClient;
import java.util.function.Consumer;

/** A client of the reliable max register (Step 1) over integer values: see {@link ReliableMaxRegister}. */
final class MaxRegister implements RegisterClient {
    private final ReliableMaxRegister m;

    MaxRegister(Env env, int fM) {
        this(new ReliableMaxRegister(env, fM));
    }

    MaxRegister(ReliableMaxRegister m) {
        this.m = m;
    }

    @Override
    public void write(long value, Runnable done) {
        m.write(new Tagged(value, 0, true, value), done);
    }

    @Override
    public void read(Consumer<Long> done) {
        m.read(t -> done.accept(t.value()));
    }
}
