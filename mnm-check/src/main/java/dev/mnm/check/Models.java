package dev.mnm.check;

import java.util.List;
import java.util.Optional;

/** The sequential models the checker knows, by name. */
public final class Models {
    private Models() {}

    /** The register's content; {@code null} is ⊥. */
    record Cell(String value) {
        @Override
        public String toString() {
            return value == null ? "⊥" : value;
        }
    }

    private static final Cell EMPTY = new Cell(null);

    /** A read/write register: a read returns the last value written (⊥ before any write). */
    public static final Model REGISTER = new Model() {
        public String name() {
            return "register";
        }

        public Object init() {
            return EMPTY;
        }

        public Object step(Object state, Op op) {
            Cell c = (Cell) state;
            return switch (op.f()) {
                case "write" -> new Cell(op.single());
                case "read" -> java.util.Objects.equals(c.value(), op.single()) ? c : null;
                default -> throw new IllegalArgumentException("a register has no operation '" + op.f() + "'");
            };
        }
    };

    /** A register with compare-and-swap; a cas recorded ok swapped, one recorded fail was dropped. */
    public static final Model CAS_REGISTER = new Model() {
        public String name() {
            return "cas-register";
        }

        public Object init() {
            return EMPTY;
        }

        public Object step(Object state, Op op) {
            Cell c = (Cell) state;
            if (op.f().equals("cas")) {
                List<String> v = op.value();
                if (v == null || v.size() != 2) {
                    throw new IllegalArgumentException("a cas carries [expected, new]: " + op);
                }
                return java.util.Objects.equals(c.value(), v.get(0)) ? new Cell(v.get(1)) : null;
            }
            return REGISTER.step(state, op);
        }
    };

    /** A max register over integers: a write raises it, a read returns the largest value written (⊥ before any). */
    public static final Model MAX_REGISTER = new Model() {
        public String name() {
            return "max-register";
        }

        public Object init() {
            return EMPTY;
        }

        public Object step(Object state, Op op) {
            Cell c = (Cell) state;
            return switch (op.f()) {
                case "write" -> c.value() == null || number(op.single()) > number(c.value()) ? new Cell(op.single()) : c;
                case "read" -> op.single() == null ? (c.value() == null ? c : null)
                        : c.value() != null && number(c.value()) == number(op.single()) ? c : null;
                default -> throw new IllegalArgumentException("a max register has no operation '" + op.f() + "'");
            };
        }

        private long number(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a max register holds integers, not '" + s + "'");
            }
        }
    };

    /**
     * A key-value map: read, write (a null value deletes), cas and incr per key. Keys are
     * independent, so the checker splits the history per key and checks each key as a cas
     * register that can also count: an incr adds 1 to the integer there (⊥ counts as 0) and its
     * recorded value is the result (none if its outcome is unknown); an incr recorded ok on a value
     * that is not an integer is illegal (Redis answers an error, which a history records as fail).
     */
    public static final Model KV = new Model() {
        public String name() {
            return "kv";
        }

        public Object init() {
            return EMPTY;
        }

        public Object step(Object state, Op op) {
            if (!op.f().equals("incr")) {
                return CAS_REGISTER.step(state, op);
            }
            String now = ((Cell) state).value();
            long before;
            try {
                before = now == null ? 0 : Long.parseLong(now);
            } catch (NumberFormatException e) {
                return null;
            }
            if (before == Long.MAX_VALUE) {
                return null;
            }
            String after = Long.toString(before + 1);
            return op.single() == null || op.single().equals(after) ? new Cell(after) : null;
        }
    };

    public static List<Model> all() {
        return List.of(REGISTER, MAX_REGISTER, CAS_REGISTER, KV);
    }

    public static Optional<Model> byName(String name) {
        return all().stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
