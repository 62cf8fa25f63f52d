package dev.mnm.sim;

/** How long each hop takes. */
public enum Timing {
    /** Every message and every leg of a memory operation takes exactly one delay; Ω is stable from the start. */
    COMMON_CASE("common-case"),
    /** Each hop takes a random time between half a delay and three delays, so messages reorder. */
    RANDOM("random");

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
        throw new IllegalArgumentException("unknown timing '" + s + "': use common-case or random");
    }
}
