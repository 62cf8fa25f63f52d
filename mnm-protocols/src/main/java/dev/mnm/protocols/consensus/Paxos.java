package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Env;
import java.util.HashSet;
import java.util.Set;

/**
 * Single-decree Paxos with message-passing acceptors (Lamport, "Paxos Made Simple"); every
 * process is proposer and acceptor, and a majority of n is needed, so n ≥ 2f_P + 1. The initial
 * leader p1 owns ballot 1, the lowest, so when it proposes with it (its first attempt, unless it
 * has already seen a higher ballot) it skips phase 1 and decides after
 * Accept and Accepted: 2 delays. It uses no memory.
 */
class Paxos extends LeaderDriven {
    private final int majority;
    // acceptor state
    private long promised;
    private long acceptedBallot;
    private Bytes acceptedValue;
    // proposer state for the current attempt
    private long ballot = -1;
    private Bytes proposal;
    private final Set<Integer> promises = new HashSet<>();
    private long highestAcceptedSeen;
    private Bytes highestAcceptedValue;
    private final Set<Integer> accepts = new HashSet<>();
    private boolean phase2;

    Paxos(Env env, Bytes input) {
        super(env, input);
        this.majority = n / 2 + 1;
    }

    @Override
    void attempt(long propNr) {
        ballot = propNr;
        promises.clear();
        accepts.clear();
        highestAcceptedSeen = 0;
        highestAcceptedValue = null;
        if (propNr == LOWEST) {
            startPhase2(input);
        } else {
            phase2 = false;
            env.broadcast(new ConsensusMessage.Prepare(ballot));
        }
    }

    private void startPhase2(Bytes value) {
        phase2 = true;
        proposal = value;
        env.broadcast(new ConsensusMessage.Accept(ballot, value));
    }

    @Override
    void onProtocolMessage(int from, ConsensusMessage message) {
        switch (message) {
            case ConsensusMessage.Prepare(long b) -> {
                saw(b);
                if (b > promised) {
                    promised = b;
                    env.send(from, new ConsensusMessage.Promise(b, acceptedBallot, acceptedValue));
                } else {
                    env.send(from, new ConsensusMessage.Nack(b, promised));
                }
            }
            case ConsensusMessage.Accept(long b, Bytes v) -> {
                saw(b);
                if (b >= promised) {
                    promised = b;
                    acceptedBallot = b;
                    acceptedValue = v;
                    env.send(from, new ConsensusMessage.Accepted(b));
                } else {
                    env.send(from, new ConsensusMessage.Nack(b, promised));
                }
            }
            case ConsensusMessage.Promise(long b, long ab, Bytes av) -> {
                if (b != ballot || phase2 || !active()) {
                    return;
                }
                promises.add(from);
                if (av != null && ab > highestAcceptedSeen) {
                    highestAcceptedSeen = ab;
                    highestAcceptedValue = av;
                }
                if (promises.size() == majority) {
                    startPhase2(adopt(highestAcceptedValue));
                }
            }
            case ConsensusMessage.Accepted(long b) -> {
                if (b != ballot || !phase2 || !active()) {
                    return;
                }
                accepts.add(from);
                if (accepts.size() == majority) {
                    decideAndAnnounce(proposal);
                }
            }
            case ConsensusMessage.Nack(long b, long p) -> {
                saw(p);
                if (b == ballot && active()) {
                    ballot = -1;
                    giveUp();
                }
            }
            case ConsensusMessage.Decided d -> throw new AssertionError("handled by LeaderDriven");
        }
    }

    /** The value of the highest accepted ballot among the promises, or the input. A test breaks this. */
    Bytes adopt(Bytes highestAccepted) {
        return highestAccepted == null ? input : highestAccepted;
    }
}
