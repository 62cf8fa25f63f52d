package dev.mnm.sim;

import dev.mnm.core.Bytes;
import java.util.List;

/**
 * Uniform agreement and validity (seed 003 §3, "Consensus"), checked after every event: every
 * decision equals every other, each process decides at most once, and only a proposed value is
 * decided. Termination is checked when the run ends.
 */
final class ConsensusInvariants {
    private final Bytes[] inputs;
    private final SimResult.Decision[] decisions;
    private Bytes agreed;
    private String pending;

    ConsensusInvariants(Bytes[] inputs, SimResult.Decision[] decisions) {
        this.inputs = inputs;
        this.decisions = decisions;
    }

    /** Records process {@code p}'s decision; what it breaks is reported by the next {@link #check}. */
    void decided(int p, Bytes value, long time) {
        if (decisions[p] != null) {
            if (!decisions[p].value().equals(value)) {
                note("process " + p + " decided twice: " + decisions[p].value() + " then " + value);
            }
            return;
        }
        decisions[p] = new SimResult.Decision(value, time);
        boolean valid = false;
        for (int q = 1; q < inputs.length; q++) {
            valid |= inputs[q].equals(value);
        }
        if (!valid) {
            note("validity: process " + p + " decided " + value + ", which nobody proposed");
        }
        if (agreed == null) {
            agreed = value;
        } else if (!agreed.equals(value)) {
            note("agreement: process " + p + " decided " + value + " but another process decided " + agreed);
        }
    }

    private void note(String violation) {
        if (pending == null) {
            pending = violation;
        }
    }

    /** Called after every event: reports what the event broke. */
    void check(List<String> violations) {
        if (pending != null) {
            violations.add(pending);
            pending = null;
        }
    }
}
