package dev.mnm.protocols.log;

import dev.mnm.core.Bytes;
import dev.mnm.core.ConsensusAlgorithm;
import dev.mnm.core.Env;
import dev.mnm.core.MemoryLayout;
import dev.mnm.core.Protocol;
import dev.mnm.core.Message;
import java.util.Optional;

/**
 * The replicated log seen as consensus, so that the explorer ({@code dev.mnm.sim.Explorer}) can
 * search its schedules: each process submits its input whenever Ω names it, and <em>decides</em> the
 * first command it applies; a leader that has applied it submits a second command, which tells the
 * followers (by its commit point) that the first is committed. Agreement then says the log does not fork at its first command, and
 * validity that no command appears from nowhere. Ω comes from the explorer (its heartbeat detector
 * is off), and — since the explorer crashes processes but never restarts them — a process need not
 * read the minProps before its first recovery ({@link ReplicatedLog#waitsForFirstRead}).
 */
final class LogSlotConsensus implements ConsensusAlgorithm {
    /** Slots of the explored log, read two at a time; the followers poll every 5 delays. */
    static final int SLOTS = 4;
    /** The command a leader submits once it has applied its first one. */
    static final Bytes NEXT = Bytes.utf8("next");

    private final String name;
    private final Factory factory;

    /** Builds one process's log; a test passes a mutant's. */
    interface Factory {
        ReplicatedLog create(Env env, ReplicatedLog.Config cfg, ReplicatedLog.StateMachine sm);
    }

    LogSlotConsensus(String name, Factory factory) {
        this.name = name;
        this.factory = factory;
    }

    /** The log as it is. */
    static LogSlotConsensus log() {
        return new LogSlotConsensus("log", Explored::new);
    }

    /**
     * The log as the explorer runs it: Ω comes from the explorer (no heartbeat detector), and no
     * process restarts, so none need read the minProps before its first recovery. A test extends
     * it to build a mutant.
     */
    static class Explored extends ReplicatedLog {
        Explored(Env env, Config cfg, StateMachine sm) {
            super(env, cfg, sm);
        }

        @Override
        boolean runsFailureDetector() {
            return false;
        }

        @Override
        boolean waitsForFirstRead() {
            return false;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxProcessFaults(int n) {
        return n - 1;
    }

    @Override
    public int maxMemoryFaults(int m) {
        return (m - 1) / 2;
    }

    @Override
    public Optional<String> checkResilience(int n, int m, int fP, int fM) {
        if (m < 2 * fM + 1) {
            return Optional.of("the log needs m ≥ 2f_M + 1 memories");
        }
        return fP > n - 1 ? Optional.of("the log needs n ≥ f_P + 1 processes") : Optional.empty();
    }

    @Override
    public MemoryLayout memoryLayout(int n) {
        return ReplicatedLog.layout(n, SLOTS);
    }

    @Override
    public Protocol create(Env env, Bytes input, int fM) {
        ReplicatedLog.Config cfg = new ReplicatedLog.Config(fM, SLOTS, 10 * Env.DELAY, 4, 5 * Env.DELAY, 2);
        return new Protocol() {
            private boolean decided;
            private int leader;
            /** A command of this process is in flight. */
            private boolean submitted;
            /** The second command is committed: nothing more to submit. */
            private boolean done;
            private final ReplicatedLog log = factory.create(env, cfg, command -> {
                if (!decided) {
                    decided = true;
                    env.decide(command);
                    if (leads()) {
                        env.setTimer(0, this::submit);
                    }
                }
                return command;
            });

            private boolean leads() {
                return log != null && log.leading();
            }

            /**
             * Submits the input until a first command is applied, then a second command, which
             * carries the commit point of the first to the followers, until it is committed.
             */
            private void submit() {
                if (submitted || done) {
                    return;
                }
                submitted = true;
                boolean second = decided;
                log.submit(second ? NEXT : input, outcome -> {
                    submitted = false;
                    done |= second && outcome instanceof ReplicatedLog.Outcome.Done;
                });
            }

            @Override
            public void start() {
                log.start();
            }

            @Override
            public void onMessage(int from, Message message) {
                log.onMessage(from, message);
            }

            @Override
            public void onLeader(int leader) {
                boolean ticking = this.leader == env.self();
                this.leader = leader;
                log.onOmega(leader);
                if (leader == env.self()) {
                    submit();
                    if (!ticking) {
                        tick();
                    }
                }
            }

            /**
             * While Ω names this process, tells the log so again every poll period, as the failure
             * detector's tick does: a leader deposed by a rival's phase 1 recovers again if still
             * named, and submits again what was lost with its term.
             */
            private void tick() {
                env.setTimer(cfg.idlePoll(), () -> {
                    if (leader == env.self()) {
                        log.onOmega(leader);
                        if (leads()) {
                            submit();
                        }
                        tick();
                    }
                });
            }
        };
    }
}
