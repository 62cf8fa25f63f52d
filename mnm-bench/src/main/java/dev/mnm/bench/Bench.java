package dev.mnm.bench;

/** {@code bin/bench [simulator [seconds-per-round] | checker]}: runs one benchmark, the simulator's by default. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "simulator";
        String[] rest = args.length > 0 ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        switch (which) {
            case "simulator" -> SimulatorBench.main(rest);
            case "checker" -> CheckerBench.main(rest);
            default -> {
                System.err.println("bin/bench: unknown benchmark '" + which + "': use simulator or checker");
                System.exit(2);
            }
        }
    }
}
