package dev.mnm.sim;

/**
 * One event of a schedule: the unit in which the explorer chooses, the shrinker cuts and a seeded
 * run is recorded. A step names its event by identities that do not depend on time, so the same
 * step means the same thing in the timed {@link World} and in the untimed {@link StepWorld}:
 * message {@code k} of a link is the k-th message {@code from} ever sent to {@code to}; the memory
 * operations of one (process, memory) pair execute, and their replies arrive, oldest first (the
 * queue pair's FIFO order), so naming the pair names the operation. Each step has a compact token
 * ({@link #token()}, {@link #parse}) for replay commands.
 */
public sealed interface Step {
    /** The compact token, e.g. {@code d1.2.0}, {@code x2.3}, {@code r2.3}, {@code l3.3}, {@code cp1}. */
    String token();

    /** Process {@code to} receives message {@code k} that {@code from} sent it. */
    record Deliver(int from, int to, int k) implements Step {
        public String token() {
            return "d" + from + "." + to + "." + k;
        }
    }

    /** Memory {@code memory} executes the oldest not yet executed operation {@code process} issued on it. */
    record Execute(int process, int memory) implements Step {
        public String token() {
            return "x" + process + "." + memory;
        }
    }

    /** {@code process} receives the oldest reply of {@code memory} it has not yet received. */
    record Reply(int process, int memory) implements Step {
        public String token() {
            return "r" + process + "." + memory;
        }
    }

    /** {@code process}'s timer {@code k} (the k-th it set) fires. */
    record Timer(int process, int k) implements Step {
        public String token() {
            return "t" + process + "." + k;
        }
    }

    /** The leader oracle Ω tells {@code process} that {@code leader} leads. */
    record Leader(int process, int leader) implements Step {
        public String token() {
            return "l" + process + "." + leader;
        }
    }

    record CrashProcess(int process) implements Step {
        public String token() {
            return "cp" + process;
        }
    }

    record CrashMemory(int memory) implements Step {
        public String token() {
            return "cm" + memory;
        }
    }

    /** Whether this step is a fault or an Ω change rather than the delivery of something pending. */
    default boolean isFaultOrOmega() {
        return this instanceof Leader || this instanceof CrashProcess || this instanceof CrashMemory;
    }

    /** The step a token names; IllegalArgumentException naming the token if it is malformed. */
    static Step parse(String token) {
        String t = token.trim();
        try {
            if (t.startsWith("cp")) {
                return new CrashProcess(Integer.parseInt(t.substring(2)));
            }
            if (t.startsWith("cm")) {
                return new CrashMemory(Integer.parseInt(t.substring(2)));
            }
            String[] f = t.substring(1).split("\\.", -1);
            int a = Integer.parseInt(f[0]);
            int b = f.length > 1 ? Integer.parseInt(f[1]) : -1;
            Step s = switch (t.charAt(0)) {
                case 'd' -> f.length == 3 ? new Deliver(a, b, Integer.parseInt(f[2])) : null;
                case 'x' -> f.length == 2 ? new Execute(a, b) : null;
                case 'r' -> f.length == 2 ? new Reply(a, b) : null;
                case 't' -> f.length == 2 ? new Timer(a, b) : null;
                case 'l' -> f.length == 2 ? new Leader(a, b) : null;
                default -> null;
            };
            if (s != null) {
                return s;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad step '" + token + "': steps are d<from>.<to>.<k>, x<p>.<memory>, "
                + "r<p>.<memory>, t<p>.<k>, l<p>.<leader>, cp<p> or cm<memory>");
    }
}
