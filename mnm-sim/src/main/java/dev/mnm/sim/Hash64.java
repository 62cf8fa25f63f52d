package dev.mnm.sim;

import dev.mnm.core.Bytes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * 64-bit hashing for the explorer's fingerprints. {@link #of} hashes a payload by its structure —
 * records component by component, {@link Bytes} byte by byte, lists element by element — never by
 * {@code hashCode()} (32 bits) or {@code toString()} (not injective), so two payloads share a hash
 * only by a 64-bit collision.
 */
final class Hash64 {
    private Hash64() {}

    private static final ClassValue<MethodHandle[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> type) {
            RecordComponent[] rc = type.getRecordComponents();
            MethodHandle[] out = new MethodHandle[rc.length];
            for (int i = 0; i < rc.length; i++) {
                try {
                    var accessor = rc[i].getAccessor();
                    accessor.setAccessible(true);
                    out[i] = MethodHandles.lookup().unreflect(accessor);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read record component " + rc[i] + " of " + type, e);
                }
            }
            return out;
        }
    };

    /** MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** An order-sensitive combination of {@code h} (the hash so far) and {@code x}. */
    static long chain(long h, long x) {
        return mix(h * 0x9E3779B97F4A7C15L + mix(x + 0x632BE59BD9B4E019L));
    }

    static long of(Object o) {
        return switch (o) {
            case null -> 0x5bd1e995L;
            case Bytes b -> {
                long h = chain(1, b.length());
                for (int i = 0; i < b.length(); i++) {
                    h = h * 0x100000001B3L ^ (b.at(i) & 0xff);
                }
                yield mix(h);
            }
            case Long l -> chain(2, l);
            case Integer i -> chain(3, i);
            case Boolean b -> chain(4, b ? 1 : 0);
            case String s -> chain(5, text(s));
            case List<?> list -> {
                long h = chain(7, list.size());
                for (Object e : list) {
                    h = chain(h, of(e));
                }
                yield h;
            }
            case Record r -> {
                long h = chain(8, text(r.getClass().getName()));
                for (MethodHandle accessor : ACCESSORS.get(r.getClass())) {
                    try {
                        h = chain(h, of(accessor.invoke(r)));
                    } catch (Throwable e) {
                        throw new IllegalStateException("cannot read a component of " + r.getClass(), e);
                    }
                }
                yield h;
            }
            default -> chain(9, text(o.getClass().getName() + ":" + o));
        };
    }

    private static long text(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001B3L;
        }
        return mix(h);
    }
}
