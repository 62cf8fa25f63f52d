package dev.mnm.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One memory of the M&M model (seed 003 §3), the single implementation of its semantics used by
 * every runtime. Operations execute one at a time (the caller serialises them, as a NIC does).
 *
 * <ul>
 *   <li>FADD on a register that holds neither 0 nor 8 bytes replies nak;</li>
 *   <li>read / write need read / write permission on the region named, and the register must lie in it;
 *       otherwise the reply is nak and nothing changes;</li>
 *   <li>CAS and FADD need both (the process must be in RW);</li>
 *   <li>changePermission takes effect only if the layout's {@link LegalChange} allows it, and
 *       replies ack either way;</li>
 *   <li>a crashed memory never replies: {@link #execute} returns empty and changes nothing.</li>
 * </ul>
 */
public final class MemoryHost {
    private final int id;
    private final MemoryLayout layout;
    private final RegisterStore registers;
    private final Permission[] permissions;
    private boolean crashed;

    public MemoryHost(int id, MemoryLayout layout) {
        this(id, layout, RegisterStore.onHeap(layout.registers()));
    }

    /** A memory whose registers live in {@code store} (which must hold {@code layout.registers()}). */
    public MemoryHost(int id, MemoryLayout layout, RegisterStore store) {
        if (store.size() != layout.registers()) {
            throw new IllegalArgumentException("the store holds " + store.size() + " registers, the layout "
                    + layout.registers());
        }
        this.id = id;
        this.layout = layout;
        this.registers = store;
        this.permissions = new Permission[layout.regions().size()];
        for (int i = 0; i < permissions.length; i++) {
            permissions[i] = layout.regions().get(i).initial();
        }
    }

    public int id() {
        return id;
    }

    /**
     * Sets what register {@code register} holds when the memory boots, before any operation — for
     * example a mark that this memory restarted empty. Not an operation of the model.
     */
    public void boot(int register, Bytes value) {
        registers.set(register, value);
    }

    /** Sets the permission region {@code region} boots with, instead of its layout's initial one. Not an operation of the model. */
    public void bootPermission(int region, Permission permission) {
        permissions[region] = permission;
    }

    public MemoryLayout layout() {
        return layout;
    }

    public void crash() {
        crashed = true;
    }

    public boolean crashed() {
        return crashed;
    }

    public Permission permission(int region) {
        return permissions[region];
    }

    /** The register's content regardless of permissions: for checkers and tests, never for protocols. */
    public Bytes peek(int register) {
        return registers.get(register);
    }

    /**
     * An independent copy with the same registers, permissions and crashed flag (on the heap): lets
     * the simulator's explorer see what an operation would do without doing it.
     */
    public MemoryHost copy() {
        MemoryHost c = new MemoryHost(id, layout);
        for (int r = 0; r < layout.registers(); r++) {
            c.registers.set(r, registers.get(r));
        }
        System.arraycopy(permissions, 0, c.permissions, 0, permissions.length);
        c.crashed = crashed;
        return c;
    }

    /**
     * A 64-bit hash of the registers' contents and the regions' permissions (not the crashed flag):
     * equal memories hash equally; unequal ones collide with probability about 2^-64.
     */
    public long fingerprint() {
        long h = 0x9E3779B97F4A7C15L;
        for (int r = 0; r < layout.registers(); r++) {
            Bytes b = registers.get(r);
            h = mix(h ^ b.length());
            for (int i = 0; i < b.length(); i++) {
                h = h * 0x100000001B3L ^ (b.at(i) & 0xff);
            }
            h = mix(h);
        }
        for (Permission p : permissions) {
            h = mix(mix(mix(h ^ p.r()) ^ p.w()) ^ p.rw());
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Executes {@code op} on behalf of {@code process}; empty if this memory has crashed. */
    public Optional<Reply> execute(int process, MemoryOp op) {
        if (crashed) {
            return Optional.empty();
        }
        return Optional.of(apply(process, op));
    }

    private Reply apply(int p, MemoryOp op) {
        int ri = op.region();
        if (ri < 0 || ri >= permissions.length) {
            return Reply.NAK;
        }
        Region region = layout.regions().get(ri);
        Permission perm = permissions[ri];
        return switch (op) {
            case MemoryOp.Read r -> region.contains(r.register()) && perm.canRead(p)
                    ? new Reply.Value(registers.get(r.register())) : Reply.NAK;
            case MemoryOp.ReadRange r -> {
                int last = r.from() + r.count() - 1;
                if (!region.contains(r.from()) || !region.contains(last) || !perm.canRead(p)) {
                    yield Reply.NAK;
                }
                List<Bytes> values = new ArrayList<>(r.count());
                for (int i = r.from(); i <= last; i++) {
                    values.add(registers.get(i));
                }
                yield new Reply.Values(List.copyOf(values));
            }
            case MemoryOp.Write w -> {
                if (!region.contains(w.register()) || !perm.canWrite(p)) {
                    yield Reply.NAK;
                }
                registers.set(w.register(), w.value());
                yield Reply.ACK;
            }
            case MemoryOp.Cas c -> {
                if (!region.contains(c.register()) || !perm.canReadWrite(p)) {
                    yield Reply.NAK;
                }
                Bytes old = registers.get(c.register());
                if (old.equals(c.expected())) {
                    registers.set(c.register(), c.value());
                }
                yield new Reply.Value(old);
            }
            case MemoryOp.Fadd f -> {
                if (!region.contains(f.register()) || !perm.canReadWrite(p)) {
                    yield Reply.NAK;
                }
                Bytes old = registers.get(f.register());
                if (old.length() != 0 && old.length() != 8) {
                    yield Reply.NAK; // not a 64-bit word
                }
                registers.set(f.register(), Words.ofLong(Words.toLong(old) + f.delta()));
                yield new Reply.Value(old);
            }
            case MemoryOp.ChangePermission c -> {
                if (layout.legalChange().allows(p, ri, perm, c.permission())) {
                    permissions[ri] = c.permission();
                }
                yield Reply.ACK;
            }
        };
    }
}
