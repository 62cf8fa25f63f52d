package dev.mnm.bench;

/** {@code bin/bench [simulator [seconds-per-round] | checker | kv [seconds-per-point] | failover [kills] | stability [minutes] | compaction [millions]]}: runs one benchmark, the simulator's by default. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "simulator";
        String[] rest = args.length > 0 ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        switch (which) {
            case "simulator" -> SimulatorBench.main(rest);
            case "checker" -> CheckerBench.main(rest);
            case "kv" -> KvBench.main(rest);
            case "failover" -> KvBench.failover(rest.length > 0 ? Integer.parseInt(rest[0]) : 20);
            case "stability" -> StabilityBench.main(rest);
            case "compaction" -> CompactionBench.main(rest);
            default -> {
                System.err.println("bin/bench: unknown benchmark '" + which + "': use simulator, checker, kv, failover, stability or compaction");
                System.exit(2);
            }
        }
    }
}
