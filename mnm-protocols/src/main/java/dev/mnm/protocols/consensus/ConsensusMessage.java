package dev.mnm.protocols.consensus;

import dev.mnm.core.Bytes;
import dev.mnm.core.Message;

/** The messages of the consensus protocols. */
sealed interface ConsensusMessage extends Message {
    /** A decided process tells the others, so that every correct process learns the decision. */
    record Decided(Bytes value) implements ConsensusMessage {}

    /** Paxos phase 1a. */
    record Prepare(long ballot) implements ConsensusMessage {}

    /** Paxos phase 1b: the acceptor's last accepted ballot and value ({@code null} if none). */
    record Promise(long ballot, long acceptedBallot, Bytes acceptedValue) implements ConsensusMessage {}

    /** Paxos phase 2a. */
    record Accept(long ballot, Bytes value) implements ConsensusMessage {}

    /** Paxos phase 2b. */
    record Accepted(long ballot) implements ConsensusMessage {}

    /** An acceptor refuses {@code ballot} because it has promised {@code promised}. */
    record Nack(long ballot, long promised) implements ConsensusMessage {}
}
