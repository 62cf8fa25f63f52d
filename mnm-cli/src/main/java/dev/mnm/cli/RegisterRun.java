package dev.mnm.cli;

import dev.mnm.check.Checker;
import dev.mnm.check.Report;
import dev.mnm.core.Env;
import dev.mnm.core.RegisterAlgorithm;
import dev.mnm.protocols.registers.Registers;
import dev.mnm.sim.RegisterConfig;
import dev.mnm.sim.RegisterResult;
import dev.mnm.sim.RegisterSimulation;
import dev.mnm.sim.RegisterSweep;
import dev.mnm.sim.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code mnm simulate --protocol <register>}: a register workload in the simulator, or a sweep of them. */
final class RegisterRun {
    private final SimulateCommand cmd;

    RegisterRun(SimulateCommand cmd) {
        this.cmd = cmd;
    }

    int call() throws IOException {
        RegisterConfig config = config();
        PrintWriter out = cmd.spec.commandLine().getOut();
        if (cmd.sweep != null) {
            int total = cmd.sweep;
            RegisterSweep.Outcome o = RegisterSweep.run(config, config.seed(), total, 20,
                    k -> SimulateCommand.progress(k, total));
            out.printf("%s  clients=%d memories=%d f_M=%d ops=%d: %d seeds from %d, random timing and memory crashes, "
                    + "%d operations%n", config.algorithm().name(), config.clients(), config.memories(), config.fM(),
                    config.ops(), o.runs(), config.seed(), o.operations());
            out.println("round trips per write (0, 1, 2, … 7+): " + Arrays.toString(o.writes()));
            out.println("round trips per read  (0, 1, 2, … 7+): " + Arrays.toString(o.reads()));
            return SimulateCommand.violations(out, o.failures().size(), o.report());
        }
        RegisterResult r;
        if (cmd.trace != null) {
            try (Trace t = new Trace(Files.newBufferedWriter(cmd.trace, StandardCharsets.UTF_8), Env.DELAY)) {
                r = RegisterSimulation.run(config, t);
            }
        } else {
            r = RegisterSimulation.run(config);
        }
        print(r, out);
        if (cmd.history != null) {
            try (var w = Files.newBufferedWriter(cmd.history, StandardCharsets.UTF_8)) {
                r.history().write(w);
            }
            out.println("history: " + cmd.history);
            if (r.check().verdict() != Checker.Verdict.LINEARIZABLE) {
                Path page = Path.of(cmd.history + ".html");
                Files.writeString(page, Report.html(r.check()));
                out.println("checker report: " + page);
            }
        }
        return r.ok() ? 0 : 1;
    }

    private RegisterConfig config() {
        RegisterAlgorithm a = Registers.byName(cmd.protocol).orElseThrow();
        cmd.checkSweep();
        if (!cmd.crashProcesses.isEmpty()) {
            throw cmd.usage("--crash-process: register clients do not crash here; crash memories with --crash-memory");
        }
        int fM = cmd.fM != null ? cmd.fM : (cmd.memories - 1) / 2;
        RegisterConfig c = new RegisterConfig(a, cmd.clients, cmd.writers != null ? cmd.writers : cmd.clients,
                cmd.memories, fM, cmd.ops, cmd.timing(), cmd.seed, java.util.List.of(), false,
                cmd.horizon == SimulateCommand.DEFAULT_HORIZON_DELAYS ? RegisterConfig.DEFAULT_HORIZON : cmd.horizon * Env.DELAY);
        for (String s : cmd.crashMemories) {
            long[] at = cmd.parseCrash("--crash-memory", s, cmd.memories, "memories");
            c = c.withCrash((int) at[0], at[1]);
        }
        RegisterConfig fin = cmd.randomFaults ? c.withRandomFaults() : c;
        fin.problem().ifPresent(rule -> {
            throw cmd.usage(rule);
        });
        return fin;
    }

    private static void print(RegisterResult r, PrintWriter out) {
        RegisterConfig c = r.config();
        out.printf("%s  clients=%d (writers %d) memories=%d f_M=%d ops=%d  timing=%s  seed=%d%n", c.algorithm().name(),
                c.clients(), c.writers(), c.memories(), c.fM(), c.ops(), c.timing().cliName(), c.seed());
        if (r.crashedMemories() > 0) {
            out.println("crashed memories: " + r.crashedMemories());
        }
        row(out, "writes", RegisterResult.asDoubles(r.writeRtts()), r.writeDelays());
        row(out, "reads", RegisterResult.asDoubles(r.readRtts()), r.readDelays());
        out.printf("counts: %d events, %d memory operations %s%n", r.counts().events(), r.counts().memoryOps(),
                new java.util.TreeMap<>(r.counts().memoryOpsByKind()));
        out.println("checker: " + r.check().verdict() + " (" + r.history().ops().size() + " operations, model "
                + r.check().model().name() + "); promised: " + c.algorithm().guarantee());
        out.println(r.ok() ? "violations: none" : "VIOLATION " + r.failureReport());
    }

    private static void row(PrintWriter out, String what, double[] rtts, double[] delays) {
        if (rtts.length == 0) {
            out.printf("%-7s none%n", what);
            return;
        }
        out.printf("%-7s %5d   round trips p50 %.0f  p99 %.0f  max %.0f   latency in delays p50 %.2f  p99 %.2f  max %.2f%n",
                what, rtts.length, RegisterResult.percentile(rtts, 50), RegisterResult.percentile(rtts, 99),
                RegisterResult.percentile(rtts, 100), RegisterResult.percentile(delays, 50),
                RegisterResult.percentile(delays, 99), RegisterResult.percentile(delays, 100));
    }
}
