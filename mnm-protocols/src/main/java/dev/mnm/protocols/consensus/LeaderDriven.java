package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import dev.mnm.core.Message;
import dev.mnm.core.Protocol;

/**
 * The loop the three consensus algorithms share (seed 003 Alg. 6, lines 8–10):
 * {@code repeat forever { wait until Ω == p; propNr = number higher than any seen; attempt }}.
 * An attempt ends in {@link #decideAndAnnounce} or {@link #giveUp} ("continue"); after giving up,
 * the process tries again while Ω still names it. A decided process tells everyone with a
 * {@link ConsensusMessage.Decided} message, and tells them again whenever Ω names it, so that
 * every correct process learns the decision even if an earlier decider crashed mid-broadcast.
 */
abstract class LeaderDriven implements Protocol {
    final Env env;
    final Bytes input;
    final int n;
    private int leader;
    private boolean running;
    private Bytes decided;
    private long highestSeen;

    LeaderDriven(Env env, Bytes input) {
        this.env = env;
        this.input = input;
        this.n = env.processes();
    }

    /**
     * The lowest proposal number, p1's first. Only an attempt with this number may skip phase 1:
     * no lower number exists, so phase 1 could not find anything to adopt.
     */
    static final long LOWEST = 1;

    /** One attempt with proposal number {@code propNr}. */
    abstract void attempt(long propNr);

    /** Messages other than {@code Decided}. */
    void onProtocolMessage(int from, ConsensusMessage message) {}

    @Override
    public void start() {}

    @Override
    public final void onLeader(int leader) {
        this.leader = leader;
        if (leader != env.self()) {
            return;
        }
        if (decided != null) {
            announce();
        } else if (!running) {
            begin();
        }
    }

    @Override
    public final void onMessage(int from, Message message) {
        if (message instanceof ConsensusMessage.Decided(Bytes value)) {
            decide(value);
        } else {
            onProtocolMessage(from, (ConsensusMessage) message);
        }
    }

    private void begin() {
        running = true;
        long propNr = nextProposal();
        saw(propNr);
        attempt(propNr);
    }

    /** The smallest k·n + self above every number seen: numbers of distinct processes never collide. */
    private long nextProposal() {
        long k = highestSeen / n;
        long candidate = k * n + env.self();
        return candidate > highestSeen ? candidate : candidate + n;
    }

    /** Records a proposal number seen in a memory or a message. */
    final void saw(long propNr) {
        highestSeen = Math.max(highestSeen, propNr);
    }

    /** "continue": this attempt failed; try again if still the leader. */
    final void giveUp() {
        running = false;
        if (decided == null && leader == env.self()) {
            begin();
        }
    }

    final void decideAndAnnounce(Bytes value) {
        running = false;
        decide(value);
        announce();
    }

    /** Whether callbacks of an attempt still matter: not once the process has decided. */
    final boolean active() {
        return decided == null;
    }

    private void announce() {
        for (int q = 1; q <= n; q++) {
            if (q != env.self()) {
                env.send(q, new ConsensusMessage.Decided(decided));
            }
        }
    }

    private void decide(Bytes value) {
        if (decided == null) {
            decided = value;
            env.decide(value);
        }
    }
}
