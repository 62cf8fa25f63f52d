package dev.mnm.services;

import dev.mnm.check.Checker;
import dev.mnm.check.History;
import dev.mnm.check.Models;
import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.protocols.log.ReplicatedLog;
import dev.mnm.sim.CrashRestartFaults;
import dev.mnm.sim.SeededChooser;
import dev.mnm.sim.Timing;
import dev.mnm.sim.Trace;
import dev.mnm.sim.World;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The key-value service's replicated log in the simulator, driven by clients, with its history
 * checked by the linearizability checker (model {@code kv}). Three processes, three memories,
 * f_M = 1. Each client runs {@code commands} operations one after another — {@code SET} or
 * {@code GET} on one of two keys — against the process it believes leads; {@code NotLeader}
 * (certainly not applied) sends the same operation to the process named, {@code Unknown} ends it
 * as {@code info} and the client continues under a new history process id, as Jepsen does.
 *
 * <p>With random faults the seed also draws the faults of {@link CrashRestartFaults}: a memory
 * crash, process crash-and-restarts (a restarted process is a new {@link ReplicatedLog} that
 * remembers nothing), a process crash for good. Checked at the end: the history is
 * linearizable, and every two applied sequences (each incarnation apart) agree where both reach.
 * A run is a pure function of its {@link Config}.
 */
public final class LogSimulation {
    static final int N = 3;
    static final int M = 3;
    static final ReplicatedLog.Config LOG = new ReplicatedLog.Config(1, 4096, 10 * Env.DELAY, 4, 5 * Env.DELAY, 64);
    static final Duration CHECK_BUDGET = Duration.ofSeconds(20);
    static final List<String> KEYS = List.of("x", "y");

    /**
     * @param horizon virtual time units after which the run stops
     */
    public record Config(int clients, int commands, Timing timing, long seed, boolean randomFaults, long horizon) {
        public Config {
            if (clients < 1 || clients > 64) {
                throw new IllegalArgumentException("clients must be between 1 and 64: " + clients);
            }
            if (commands < 1 || commands > 100_000) {
                throw new IllegalArgumentException("commands must be between 1 and 100000: " + commands);
            }
        }

        public Config withSeed(long s) {
            return new Config(clients, commands, timing, s, randomFaults, horizon);
        }

        /** The command line that replays this run. */
        public String replayCommand() {
            return "./mnm simulate --protocol log --clients " + clients + " --commands " + commands + " --timing "
                    + timing.cliName() + " --seed " + seed + (randomFaults ? " --random-faults" : "")
                    + " --horizon " + horizon / Env.DELAY;
        }
    }

    /** What a run did: its history and verdict, and any violation. */
    public record Result(Config config, History history, Checker.Result check, int ok, int info, int fail,
                         List<String> violations) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    private final Config config;
    private final World world;
    private final SplittableRandom rnd;
    private final ReplicatedLog[] logs = new ReplicatedLog[N + 1];
    private final List<List<String>> replicas = new ArrayList<>();
    private final History history = new History();
    private final int[] leaderGuess;
    private final int[] historyId;
    private int ok;
    private int info;
    private int fail;

    private LogSimulation(Config config, Trace trace) {
        this.config = config;
        this.world = new World(N, M, ReplicatedLog.layout(N, LOG.slots()), config.timing(),
                new SeededChooser(config.seed()), trace);
        this.rnd = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        this.leaderGuess = new int[config.clients() + 1];
        this.historyId = new int[config.clients() + 1];
    }

    public static Result run(Config config) {
        return run(config, null);
    }

    /** Runs {@code config}, writing every event to {@code trace} if it is not null. */
    public static Result run(Config config, Trace trace) {
        return new LogSimulation(config, trace).execute();
    }

    private void install(int p) {
        List<String> applied = new ArrayList<>();
        replicas.add(applied);
        KvStateMachine kv = new KvStateMachine();
        logs[p] = new ReplicatedLog(world.env(p), LOG, command -> {
            applied.add(command.toString());
            return kv.apply(command);
        });
    }

    private Result execute() {
        for (int p = 1; p <= N; p++) {
            install(p);
            world.install(p, logs[p]);
            int q = p;
            world.at(0, () -> logs[q].start());
        }
        if (config.randomFaults()) {
            CrashRestartFaults.schedule(world, rnd, p -> {
                install(p);
                return logs[p];
            });
        }
        for (int c = 1; c <= config.clients(); c++) {
            int client = c;
            leaderGuess[c] = 1;
            historyId[c] = c;
            world.at(Env.DELAY * rnd.nextInt(1, 20), () -> next(client, 0));
        }
        while (world.step(config.horizon())) {
            // run
        }
        List<String> violations = new ArrayList<>();
        String fork = fork();
        if (fork != null) {
            violations.add(fork);
        }
        Checker.Result check = Checker.check(history.ops(), Models.KV, CHECK_BUDGET);
        if (check.verdict() != Checker.Verdict.LINEARIZABLE) {
            violations.add("linearizability: the checker says " + check.verdict());
        }
        return new Result(config, history, check, ok, info, fail, List.copyOf(violations));
    }

    /** Client c's k-th operation. */
    private void next(int c, int k) {
        if (k >= config.commands()) {
            return;
        }
        String key = KEYS.get(rnd.nextInt(KEYS.size()));
        boolean write = rnd.nextBoolean();
        String value = "c" + c + "-" + k;
        int id = historyId[c];
        history.invoke(id, write ? "write" : "read", key, write ? List.of(value) : null, world.now());
        List<byte[]> args = write ? List.of(bytes("SET"), bytes(key), bytes(value)) : List.of(bytes("GET"), bytes(key));
        attempt(c, k, id, write ? List.of(value) : null, KvStateMachine.encode(args), 0);
    }

    /** Sends the operation to the process client c believes leads; a NotLeader answer retries it elsewhere. */
    private void attempt(int c, int k, int id, List<String> written, Bytes command, int tries) {
        int p = leaderGuess[c];
        if (tries > 1_000) {
            finish(c, k, id, History.Type.FAIL, written); // never accepted anywhere: certainly not applied
            return;
        }
        if (world.crashed(p)) {
            leaderGuess[c] = p % N + 1;
            world.at(world.now() + Env.DELAY, () -> attempt(c, k, id, written, command, tries + 1));
            return;
        }
        logs[p].submit(command, outcome -> {
            switch (outcome) {
                case ReplicatedLog.Outcome.Done d -> finish(c, k, id, History.Type.OK,
                        written != null ? written : java.util.Collections.singletonList(bulk(d.reply())));
                case ReplicatedLog.Outcome.Refused r -> throw new IllegalStateException("refused: " + r.why());
                case ReplicatedLog.Outcome.Unknown u -> finish(c, k, id, History.Type.INFO, written);
                case ReplicatedLog.Outcome.NotLeader nl -> {
                    leaderGuess[c] = nl.leader() != 0 && nl.leader() != p ? nl.leader() : p % N + 1;
                    world.at(world.now() + Env.DELAY, () -> attempt(c, k, id, written, command, tries + 1));
                }
            }
        });
    }

    /** Ends client c's k-th operation; {@code result} is a read's value list or a write's argument. */
    private void finish(int c, int k, int id, History.Type type, List<String> result) {
        switch (type) {
            case OK -> ok++;
            case INFO -> info++;
            default -> fail++;
        }
        history.complete(id, type, result, world.now());
        if (type == History.Type.INFO) {
            historyId[c] += config.clients() * 1_000; // a client whose operation's fate is unknown continues as a new process
        }
        world.at(world.now() + Env.DELAY * rnd.nextInt(0, 3), () -> next(c, k + 1));
    }

    /** The first position where two applied sequences differ, or null. */
    private String fork() {
        for (List<String> a : replicas) {
            for (List<String> b : replicas) {
                int common = Math.min(a.size(), b.size());
                for (int i = 0; i < common; i++) {
                    if (!a.get(i).equals(b.get(i))) {
                        return "fork: two replicas applied different commands at position " + i;
                    }
                }
            }
        }
        return null;
    }

    /** The value of a RESP bulk-string reply; null for the null bulk string. */
    static String bulk(Bytes reply) {
        String s = reply.utf8();
        if (s.startsWith("$-1")) {
            return null;
        }
        int start = s.indexOf("\r\n") + 2;
        return s.substring(start, s.length() - 2);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
