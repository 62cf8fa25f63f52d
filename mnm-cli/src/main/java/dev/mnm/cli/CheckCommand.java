package dev.mnm.cli;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import dev.mnm.check.Model;
import dev.mnm.check.Models;
import dev.mnm.check.Report;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnm check}: the linearizability checker on a recorded history. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Check a client history (JSON lines) for linearizability and write an HTML report.",
        description = "Reads a Jepsen-style history (one event per line: {\"type\":\"invoke|ok|fail|info\", "
                + "\"process\":1, \"f\":\"read|write|cas\", \"key\":…, \"value\":…, \"time\":…}), "
                + "checks it per key with the Wing–Gong–Lowe search and writes a self-contained HTML page showing the "
                + "history per client, the longest partial linearization and the operations that could not be placed. "
                + "Exit code 0: linearizable; 1: not linearizable; 3: unknown within the time budget; 2: bad usage or input.",
        footer = {"", "Example:", "  mnm check h.jsonl --model register"})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "HISTORY", description = "the history file (JSON lines)")
    Path history;

    @Option(names = "--model", paramLabel = "MODEL", description = "register | max-register | cas-register | kv (read, write, cas, incr per key) (default: ${DEFAULT-VALUE})")
    String model = "register";

    @Option(names = "--budget", paramLabel = "SECONDS", description = "give up with UNKNOWN after this long (default: ${DEFAULT-VALUE})")
    double budget = 60;

    @Option(names = "--report", paramLabel = "FILE", description = "where to write the HTML page (default: HISTORY.html)")
    Path report;

    @Override
    public Integer call() throws IOException {
        Model m = Models.byName(model).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                "unknown model '" + model + "': use one of "
                        + Models.all().stream().map(Model::name).collect(Collectors.joining(", "))));
        if (!(budget > 0) || budget > 86_400) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--budget must be above 0 and at most 86400 seconds: " + budget);
        }
        PrintWriter out = spec.commandLine().getOut();
        History h;
        if (Files.isDirectory(history)) {
            throw new CommandLine.ParameterException(spec.commandLine(), history + " is a directory, not a history file");
        }
        try (var r = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
            h = History.read(r);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no such history file: " + history);
        } catch (CharacterCodingException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), history
                    + " is not a history: it is not UTF-8 text (a history is JSON lines, see mnm check --help)");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), history + ": " + e.getMessage());
        }
        if (h.ops().isEmpty()) {
            spec.commandLine().getErr().println("mnm check: warning: " + history
                    + " holds no operations; an empty history is trivially linearizable");
        }
        long start = System.nanoTime();
        Checker.Result result;
        try {
            result = Checker.check(h.ops(), m, Duration.ofMillis((long) (budget * 1000)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), history + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Path page = report != null ? report : Path.of(history + ".html");
        Files.writeString(page, Report.html(result));
        out.printf("%s: %s (%d operations, %d key(s), model %s, %.3f s)%n", history, result.verdict(), h.ops().size(),
                result.partitions().size(), m.name(), seconds);
        Checker.Partition bad = result.counterexample();
        if (bad != null) {
            out.printf("key %s: the longest partial linearization places %d of %d operations; could not place: %s%n",
                    bad.key().isEmpty() ? "(single object)" : bad.key(), bad.longest().size(), bad.ops().size(),
                    bad.unplaced().stream().limit(5).map(Object::toString).collect(Collectors.joining("; ")));
        }
        out.println("report: " + page);
        return switch (result.verdict()) {
            case LINEARIZABLE -> 0;
            case NOT_LINEARIZABLE -> 1;
            case UNKNOWN -> 3;
        };
    }
}
