package dev.mnm.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Linearizability checker: the Wing–Gong search with Lowe's memoisation of (set of linearized
 * operations, model state), run separately on each key (P-compositionality, Horn &amp; Kroening).
 * An {@code info} operation returns "at infinity": it may be linearized anywhere after its
 * invocation, or never. A time budget bounds the search, and so does a limit on the memo's size
 * per key; past either the verdict is UNKNOWN.
 */
public final class Checker {
    /** The most (linearized set, state) pairs remembered for one key. */
    public static final int MAX_MEMO = 2_000_000;

    private Checker() {}

    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    /**
     * The outcome for one key.
     *
     * @param longest   the longest partial linearization found, in order, with the state after each
     * @param unplaced  when not linearizable: the operations outside that longest prefix
     */
    public record Partition(String key, Verdict verdict, List<Op> ops, List<Step> longest, List<Op> unplaced) {}

    /** One step of a linearization: the operation and the model state after it. */
    public record Step(Op op, Object state) {}

    /** The outcome for a history: the worst verdict over its keys, and every key's outcome. */
    public record Result(Verdict verdict, Model model, List<Partition> partitions) {
        /** The first key that is not linearizable, if any. */
        public Partition counterexample() {
            return partitions.stream().filter(p -> p.verdict() == Verdict.NOT_LINEARIZABLE).findFirst().orElse(null);
        }
    }

    public static Result check(List<Op> ops, Model model, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Map<String, List<Op>> byKey = new LinkedHashMap<>();
        for (Op op : ops) {
            byKey.computeIfAbsent(op.key() == null ? "" : op.key(), k -> new ArrayList<>()).add(op);
        }
        List<Partition> parts = new ArrayList<>();
        Verdict overall = Verdict.LINEARIZABLE;
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            Partition p = new Search(e.getKey(), withoutUnobservedInfoWrites(e.getValue()), model, deadline).run();
            parts.add(p);
            if (p.verdict() == Verdict.NOT_LINEARIZABLE) {
                overall = Verdict.NOT_LINEARIZABLE;
            } else if (p.verdict() == Verdict.UNKNOWN && overall == Verdict.LINEARIZABLE) {
                overall = Verdict.UNKNOWN;
            }
        }
        return new Result(overall, model, parts);
    }

    /**
     * Drops {@code info} writes whose value no other operation mentions (no read returned it, no cas
     * expected it). Such a write may never have taken effect, and choosing so constrains nothing,
     * so the verdict is the same; the search gets much smaller when a fault leaves many of them.
     */
    static List<Op> withoutUnobservedInfoWrites(List<Op> ops) {
        Set<String> mentioned = new HashSet<>();
        for (Op op : ops) {
            if (op.value() != null && !(op.info() && op.f().equals("write"))) {
                mentioned.addAll(op.value());
            }
        }
        List<Op> kept = new ArrayList<>(ops.size());
        for (Op op : ops) {
            if (!(op.info() && op.f().equals("write") && op.value() != null && !mentioned.contains(op.single()))) {
                kept.add(op);
            }
        }
        return kept;
    }

    /** A call or return event in the doubly linked list the search lifts operations out of. */
    private static final class Entry {
        final Op op;
        final int index;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(Op op, int index, boolean call, long time) {
            this.op = op;
            this.index = index;
            this.call = call;
            this.time = time;
        }
    }

    private record Memo(BitSet linearized, Object state) {}

    private record Frame(Entry call, Object stateBefore) {}

    private static final class Search {
        private final String key;
        private final List<Op> ops;
        private final Model model;
        private final long deadline;
        private final Entry head = new Entry(null, -1, false, Long.MIN_VALUE);

        Search(String key, List<Op> ops, Model model, long deadline) {
            this.key = key;
            this.ops = ops;
            this.model = model;
            this.deadline = deadline;
        }

        Partition run() {
            List<Entry> entries = new ArrayList<>();
            for (int k = 0; k < ops.size(); k++) {
                Op op = ops.get(k);
                Entry c = new Entry(op, k, true, op.invoke());
                Entry r = new Entry(op, k, false, op.complete());
                c.match = r;
                r.match = c;
                entries.add(c);
                entries.add(r);
            }
            // by time; at equal times calls first, so that touching operations count as concurrent
            entries.sort(Comparator.comparingLong((Entry x) -> x.time).thenComparing(x -> !x.call)
                    .thenComparingInt(x -> x.index));
            Entry prev = head;
            for (Entry x : entries) {
                prev.next = x;
                x.prev = prev;
                prev = x;
            }
            Object state = model.init();
            BitSet linearized = new BitSet(ops.size());
            Set<Memo> cache = new HashSet<>();
            List<Frame> stack = new ArrayList<>();
            List<Frame> longest = List.of();
            Entry entry = head.next;
            long steps = 0;
            while (head.next != null) {
                if ((++steps & 0x3ff) == 0 && (System.nanoTime() > deadline || cache.size() > MAX_MEMO)) {
                    return result(Verdict.UNKNOWN, longest);
                }
                if (!entry.call && entry.op.info()) {
                    break; // only open-ended info operations remain: they may never take effect
                }
                if (entry.call) {
                    Object next = model.step(state, entry.op);
                    if (next != null) {
                        BitSet after = (BitSet) linearized.clone();
                        after.set(entry.index);
                        if (cache.add(new Memo(after, next))) {
                            stack.add(new Frame(entry, state));
                            if (stack.size() > longest.size()) {
                                longest = List.copyOf(stack);
                            }
                            state = next;
                            linearized.set(entry.index);
                            lift(entry);
                            entry = head.next;
                            continue;
                        }
                    }
                    entry = entry.next;
                } else {
                    if (stack.isEmpty()) {
                        return result(Verdict.NOT_LINEARIZABLE, longest);
                    }
                    Frame f = stack.removeLast();
                    state = f.stateBefore();
                    linearized.clear(f.call().index);
                    unlift(f.call());
                    entry = f.call().next;
                }
            }
            return result(Verdict.LINEARIZABLE, stack);
        }

        private Partition result(Verdict v, List<Frame> frames) {
            List<Step> steps = new ArrayList<>();
            Object s = model.init();
            Set<Integer> placed = new HashSet<>();
            for (Frame f : frames) {
                s = model.step(s, f.call().op);
                steps.add(new Step(f.call().op, s));
                placed.add(f.call().index);
            }
            List<Op> unplaced = new ArrayList<>();
            if (v == Verdict.NOT_LINEARIZABLE) {
                for (int k = 0; k < ops.size(); k++) {
                    if (!placed.contains(k) && !ops.get(k).info()) {
                        unplaced.add(ops.get(k));
                    }
                }
            }
            return new Partition(key, v, ops, steps, unplaced);
        }

        private static void lift(Entry call) {
            call.prev.next = call.next;
            call.next.prev = call.prev;
            Entry ret = call.match;
            ret.prev.next = ret.next;
            if (ret.next != null) {
                ret.next.prev = ret.prev;
            }
        }

        private static void unlift(Entry call) {
            Entry ret = call.match;
            ret.prev.next = ret;
            if (ret.next != null) {
                ret.next.prev = ret;
            }
            call.prev.next = call;
            call.next.prev = call;
        }
    }
}
