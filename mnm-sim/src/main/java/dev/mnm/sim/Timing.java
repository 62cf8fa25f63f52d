package dev.mnm.sim;

/** How long each hop takes. */
public enum Timing {
    /** Every message and every leg of a memory operation takes exactly one delay; Ω is stable from the start. */
    COMMON_CASE("common-case"),
    /** 90% of hops take half a delay to three, the rest three to twelve, so messages reorder. */
    RANDOM("random"),
    /**
     * Each hop's delay is drawn from a very heavy tail (up to {@link #ADVERSARIAL_MAX}), and random
     * faults keep Ω unstable — several processes told they lead at once — for long stretches.
     */
    ADVERSARIAL("adversarial");

    /** The longest an adversarial hop takes: 400 delays. */
    public static final long ADVERSARIAL_MAX = 400 * dev.mnm.core.Env.DELAY;

    private final String cliName;

    Timing(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Timing fromCli(String s) {
        for (Timing t : values()) {
            if (t.cliName.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown timing '" + s + "': use common-case, random or adversarial");
    }
}
