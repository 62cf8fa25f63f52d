package dev.mnm.cli;

import dev.mnm.check.Checker;
import dev.mnm.check.Report;
import dev.mnm.core.Env;
import dev.mnm.services.LogSimulation;
import dev.mnm.sim.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code mnm simulate --protocol log}: the KV service's replicated log (3 processes, 3 memories)
 * under a client workload in the simulator, its history checked for linearizability; or a sweep.
 */
final class LogRun {
    static final String PROTOCOL = "log";
    private final SimulateCommand cmd;

    LogRun(SimulateCommand cmd) {
        this.cmd = cmd;
    }

    int call() throws IOException {
        if (cmd.processes != 3 || cmd.memories != 3) {
            throw cmd.usage("--protocol log runs 3 processes and 3 memories (f_M = 1)");
        }
        if (cmd.horizon < 1) {
            throw cmd.usage("--horizon must be at least 1 delay");
        }
        cmd.checkSweep();
        LogSimulation.Config config;
        try {
            config = new LogSimulation.Config(cmd.clients, cmd.commands, cmd.timing(), cmd.seed, cmd.randomFaults,
                    cmd.horizon * Env.DELAY);
        } catch (IllegalArgumentException e) {
            throw cmd.usage("--" + e.getMessage());
        }
        PrintWriter out = cmd.spec.commandLine().getOut();
        if (cmd.sweep != null) {
            return sweep(config, out);
        }
        LogSimulation.Result r;
        if (cmd.trace != null) {
            try (Trace t = new Trace(Files.newBufferedWriter(cmd.trace, StandardCharsets.UTF_8), Env.DELAY)) {
                r = LogSimulation.run(config, t);
            }
        } else {
            r = LogSimulation.run(config);
        }
        out.printf("log  n=3 m=3 f_M=1  clients=%d commands=%d  timing=%s  seed=%d%s%n", config.clients(),
                config.commands(), config.timing().cliName(), config.seed(), config.randomFaults() ? "  random faults" : "");
        out.printf("operations: %d ok, %d info (outcome unknown), %d fail%n", r.ok(), r.info(), r.fail());
        out.println("history: " + r.history().ops().size() + " operations, " + r.check().verdict());
        if (cmd.history != null) {
            try (var w = Files.newBufferedWriter(cmd.history, StandardCharsets.UTF_8)) {
                r.history().write(w);
            }
            out.println("history written to " + cmd.history);
            if (r.check().verdict() != Checker.Verdict.LINEARIZABLE) {
                Path page = Path.of(cmd.history + ".html");
                Files.writeString(page, Report.html(r.check()));
                out.println("checker report: " + page);
            }
        }
        if (r.passed()) {
            out.println("invariants: linearizable, no fork: ok");
            return 0;
        }
        out.println("VIOLATION " + r.violations() + "\n  replay: " + config.replayCommand());
        return 1;
    }

    private int sweep(LogSimulation.Config config, PrintWriter out) {
        StringBuilder report = new StringBuilder();
        int failures = 0;
        long ok = 0;
        long info = 0;
        int total = cmd.sweep;
        for (int k = 0; k < total; k++) {
            LogSimulation.Result r = LogSimulation.run(config.withSeed(config.seed() + k));
            ok += r.ok();
            info += r.info();
            if (!r.passed() && failures++ < 20) {
                report.append("seed ").append(config.seed() + k).append(": ").append(r.violations()).append("\n  replay: ")
                        .append(r.config().replayCommand()).append('\n');
            }
            SimulateCommand.progress(k + 1, total);
        }
        out.printf("log  clients=%d commands=%d  timing=%s%s: %d seeds from %d, %d ok, %d info%n", config.clients(),
                config.commands(), config.timing().cliName(), config.randomFaults() ? ", random faults" : "", total,
                config.seed(), ok, info);
        return SimulateCommand.violations(out, Math.min(failures, 20), report.toString());
    }
}
