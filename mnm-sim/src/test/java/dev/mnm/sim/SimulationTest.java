package dev.mnm.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryOp;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;
import dev.mnm.core.Reply;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {
    static final long D = Env.DELAY;

    static String traced(SimConfig c) {
        StringWriter w = new StringWriter();
        Simulation.run(c, new Trace(w, D));
        return w.toString();
    }

    @Test
    void aRunIsAFunctionOfItsSeed() {
        SimConfig c = SimConfig.of(TestAlgorithm.leaderDecides(), 4, 3).withRandomFaults();
        assertThat(traced(c.withSeed(7))).isEqualTo(traced(c.withSeed(7)));
        assertThat(Simulation.run(c.withSeed(7))).isEqualTo(Simulation.run(c.withSeed(7)));
        assertThat(traced(c.withSeed(7))).isNotEqualTo(traced(c.withSeed(8)));
    }

    @Test
    void theCheckersCatchBrokenAlgorithms() {
        SimResult ownInput = Simulation.run(SimConfig.of(new TestAlgorithm("own-input", (env, input) -> new Protocol() {
            public void start() { env.decide(input); }
            public void onMessage(int from, Message m) {}
        }), 3, 3));
        assertThat(ownInput.violations()).singleElement().asString().startsWith("agreement");

        SimResult invented = Simulation.run(SimConfig.of(
                TestAlgorithm.onStart("invents", env -> env.decide(Bytes.utf8("zzz"))), 1, 1));
        assertThat(invented.violations()).singleElement().asString().startsWith("validity");

        SimResult twice = Simulation.run(SimConfig.of(TestAlgorithm.onStart("twice", env -> {
            env.decide(Bytes.utf8("v1"));
            env.decide(Bytes.utf8("v2"));
        }), 1, 1));
        assertThat(twice.violations()).singleElement().asString().contains("decided twice");

        SimConfig silent = SimConfig.of(TestAlgorithm.onStart("silent", env -> { }), 3, 3);
        SimResult stuck = Simulation.run(silent);
        assertThat(stuck.violations()).singleElement().asString().startsWith("termination");
        SimResult beyond = Simulation.run(silent.withFaultBounds(1, 1)
                .withFault(new Fault.CrashProcess(1, 0)).withFault(new Fault.CrashProcess(2, 0)));
        assertThat(beyond.terminationExpected()).as("2 crashes > f_P = 1").isFalse();
        assertThat(beyond.violations()).isEmpty();

        SimResult good = Simulation.run(SimConfig.of(TestAlgorithm.leaderDecides(), 3, 3));
        assertThat(good.violations()).isEmpty();
        assertThat(good.decisions()).hasSize(3);
        assertThat(good.firstDecisionDelays()).isZero();
    }

    @Test
    void operationsOnOneMemoryPipelineInIssueOrder() {
        List<String> replies = new ArrayList<>();
        SimResult r = Simulation.run(SimConfig.of(TestAlgorithm.onStart("ops", env -> {
            for (int k = 0; k < 3; k++) {
                int op = k;
                env.memory(1, new MemoryOp.Write(0, k, Bytes.utf8("x" + k)), reply -> replies.add("m1-" + op + "-" + reply));
            }
            env.memory(2, new MemoryOp.Read(0, 0), reply -> replies.add("m2-" + reply));
        }), 1, 3).withHorizon(100 * D));
        // memory 1's writes are pipelined and answer in the order issued, beside memory 2's read
        assertThat(replies).containsExactly("m1-0-Ack[]", "m1-1-Ack[]", "m1-2-Ack[]", "m2-Value[value=]");
        assertThat(r.counts().memoryOps()).isEqualTo(4);
        assertThat(r.counts().memoryOpsByKind()).isEqualTo(Map.of("Write", 3L, "Read", 1L));
    }

    @Test
    void chainedOperationsTakeTwoDelaysEach() {
        StringWriter w = new StringWriter();
        Simulation.run(SimConfig.of(TestAlgorithm.onStart("ops", env ->
                env.memory(1, new MemoryOp.Write(0, 0, Bytes.utf8("x")), r1 ->
                        env.memory(1, new MemoryOp.Write(0, 1, Bytes.utf8("x")), r2 ->
                                env.memory(1, new MemoryOp.Write(0, 2, Bytes.utf8("x")), r3 -> { })))),
                1, 1).withHorizon(100 * D), new Trace(w, D));
        List<String> replies = w.toString().lines().filter(l -> l.contains("\"mem-reply\"")).toList();
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0)).startsWith("{\"t\":200,");
        assertThat(replies.get(1)).startsWith("{\"t\":400,");
        assertThat(replies.get(2)).startsWith("{\"t\":600,");
    }

    @Test
    void withoutPermissionNakAndACrashedMemoryNeverAnswers() {
        List<Reply> replies = new ArrayList<>();
        SimResult r = Simulation.run(SimConfig.of(TestAlgorithm.onStart("nak", env -> {
            if (env.self() == 2) {
                env.memory(1, new MemoryOp.Write(0, 0, Bytes.utf8("x")), replies::add);
                env.memory(2, new MemoryOp.Read(0, 0), replies::add);
            }
        }), 2, 3).withFaultBounds(1, 1).withFault(new Fault.CrashMemory(2, 0)).withHorizon(100 * D));
        assertThat(replies).containsExactly(Reply.NAK);
        assertThat(r.crashedMemories()).containsExactly(2);
    }

    @Test
    void messagesTakeOneDelayAndPartitionsHoldThemUntilTheyHeal() {
        List<String> got = new ArrayList<>();
        TestAlgorithm a = new TestAlgorithm("msgs", (env, input) -> new Protocol() {
            public void start() {
                if (env.self() == 1) {
                    env.send(2, new TestAlgorithm.Value(input));
                    env.send(3, new TestAlgorithm.Value(input));
                }
            }

            public void onMessage(int from, Message m) {
                got.add(env.self() + "<-" + from);
            }
        });
        StringWriter w = new StringWriter();
        // processes 1 and 2 on one side until 10 delays
        Simulation.run(SimConfig.of(a, 3, 1).withFaultBounds(2, 0).withHorizon(100 * D)
                .withFault(new Fault.Partition(Permission2.mask(1, 2), 0, 10 * D)), new Trace(w, D));
        assertThat(got).containsExactly("2<-1", "3<-1");
        List<String> delivered = w.toString().lines().filter(l -> l.contains("\"deliver\"")).toList();
        assertThat(delivered.get(0)).startsWith("{\"t\":100,");
        assertThat(delivered.get(1)).startsWith("{\"t\":1100,");
    }

    @Test
    void crashedProcessesHearNothingAndTimersCanBeCancelled() {
        List<String> fired = new ArrayList<>();
        TestAlgorithm a = new TestAlgorithm("timers", (env, input) -> new Protocol() {
            public void start() {
                env.setTimer(3 * D, () -> fired.add(env.self() + "@3"));
                env.setTimer(5 * D, () -> fired.add(env.self() + "@5")).cancel();
                if (env.self() == 1) {
                    env.send(2, new TestAlgorithm.Value(input));
                }
            }

            public void onMessage(int from, Message m) {
                fired.add(env.self() + " got");
            }
        });
        Simulation.run(SimConfig.of(a, 2, 1).withHorizon(100 * D).withFault(new Fault.CrashProcess(2, D / 2)));
        assertThat(fired).containsExactly("1@3");
    }

    @Test
    void countsAreExact() {
        SimResult r = Simulation.run(SimConfig.of(TestAlgorithm.leaderDecides(), 4, 3));
        assertThat(r.counts().messages()).isEqualTo(4);
        assertThat(r.counts().messagesByKind()).isEqualTo(Map.of("Value", 4L));
        assertThat(r.counts().memoryOps()).isZero();
    }

    @Test
    void sweepsReportFailuresWithTheirReplayCommand() {
        // deciding p1's input at once is trivially correct, under any faults
        Sweep.Outcome good = Sweep.run(SimConfig.of(
                TestAlgorithm.onStart("decide-v1", env -> env.decide(Bytes.utf8("v1"))), 3, 3), 1, 200);
        assertThat(good.failures()).isEmpty();
        assertThat(good.decidedRuns()).isEqualTo(200);

        Sweep.Outcome bad = Sweep.run(SimConfig.of(new TestAlgorithm("own-input", (env, input) -> new Protocol() {
            public void start() { env.decide(input); }
            public void onMessage(int from, Message m) {}
        }), 3, 3), 1, 50);
        assertThat(bad.failures()).isNotEmpty();
        assertThat(bad.report()).contains("seed 1: agreement").contains("replay: ./mnm simulate --protocol own-input")
                .contains("--seed 1 --random-faults");
    }

    @Test
    void replayCommandNamesEverythingNeeded() {
        SimConfig c = SimConfig.of(TestAlgorithm.leaderDecides(), 3, 5).withSeed(42)
                .withFault(new Fault.CrashProcess(1, 250)).withFault(new Fault.CrashMemory(2, 300));
        assertThat(c.replayCommand()).isEqualTo("./mnm simulate --protocol leader-decides --processes 3 --memories 5"
                + " --fp 2 --fm 2 --timing common-case --seed 42 --crash-process 1@2.5 --crash-memory 2@3");
        assertThat(SimConfig.of(TestAlgorithm.leaderDecides(), 64, 1).resilienceProblem()).isPresent();
    }

    @Test
    void traceLinesAreJsonObjectsWithEscapedStrings() {
        StringWriter w = new StringWriter();
        new Trace(w, D).event(150, "note", "text", "a \"quoted\"\nline \\ end", "n", 3);
        assertThat(w.toString()).isEqualTo(
                "{\"t\":150,\"delays\":1.5,\"kind\":\"note\",\"text\":\"a \\\"quoted\\\"\\nline \\\\ end\",\"n\":3}\n");
        String run = traced(SimConfig.of(TestAlgorithm.leaderDecides(), 3, 3));
        assertThat(run.lines().toList()).isNotEmpty().allSatisfy(l -> assertThat(l)
                .startsWith("{\"t\":").contains("\"delays\":").contains("\"kind\":").endsWith("}"));
    }

    /** Masks of process ids for partitions. */
    static final class Permission2 {
        static long mask(int... ps) {
            long m = 0;
            for (int p : ps) {
                m |= 1L << p;
            }
            return m;
        }
    }
}
