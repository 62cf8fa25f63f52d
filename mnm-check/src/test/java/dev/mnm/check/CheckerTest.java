package dev.mnm.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerTest {
    static final Duration BUDGET = Duration.ofSeconds(20);

    /** Builds histories: op(process, f, key, value-or-result, invoke, complete). */
    static final class H {
        final List<Op> ops = new ArrayList<>();

        H op(int p, String f, String key, String v, long from, long to) {
            ops.add(new Op(ops.size(), p, f, key, v == null ? null : java.util.Collections.singletonList(v), from, to,
                    Op.Status.OK));
            return this;
        }

        H w(int p, String v, long from, long to) {
            return op(p, "write", null, v, from, to);
        }

        H r(int p, String v, long from, long to) {
            return op(p, "read", null, v, from, to);
        }

        H info(int p, String f, String v, long from) {
            ops.add(new Op(ops.size(), p, f, null, List.of(v), from, Long.MAX_VALUE, Op.Status.INFO));
            return this;
        }

        H cas(int p, String expected, String next, long from, long to) {
            ops.add(new Op(ops.size(), p, "cas", null, List.of(expected, next), from, to, Op.Status.OK));
            return this;
        }

        Checker.Verdict check(Model m) {
            return Checker.check(ops, m, BUDGET).verdict();
        }
    }

    @Test
    void sequentialAndConcurrentRegisterHistories() {
        assertThat(new H().w(1, "1", 0, 10).r(2, "1", 20, 30).check(Models.REGISTER))
                .isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(new H().r(1, null, 0, 5).w(1, "1", 10, 20).check(Models.REGISTER))
                .isEqualTo(Checker.Verdict.LINEARIZABLE);
        // a read concurrent with a write may return either value
        assertThat(new H().w(1, "1", 0, 10).w(1, "2", 20, 50).r(2, "1", 25, 30).r(3, "2", 26, 31).check(Models.REGISTER))
                .as("old then new: the write falls between the two overlapping reads")
                .isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(new H().w(1, "1", 0, 10).w(1, "2", 20, 50).r(2, "2", 25, 30).r(3, "1", 26, 31).check(Models.REGISTER))
                .isEqualTo(Checker.Verdict.LINEARIZABLE);
    }

    @Test
    void staleReadIsRejected() {
        assertThat(new H().w(1, "1", 0, 10).w(2, "2", 20, 30).r(3, "1", 40, 50).check(Models.REGISTER))
                .isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void newOldInversionIsRegularButNotAtomic() {
        // two reads one after the other, both during a write: new then old is not linearizable
        H h = new H().w(1, "1", 0, 5).w(1, "2", 10, 100).r(2, "2", 20, 30).r(3, "1", 40, 50);
        Checker.Result r = Checker.check(h.ops, Models.REGISTER, BUDGET);
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        assertThat(r.counterexample().unplaced()).isNotEmpty();
        String page = Report.html(r);
        assertThat(page).contains("NOT_LINEARIZABLE").contains("could not be placed").contains("<svg");
    }

    @Test
    void lostUpdateOnACasRegisterIsRejected() {
        H both = new H().w(1, "0", 0, 5).cas(1, "0", "1", 10, 20).cas(2, "0", "2", 11, 21).r(3, "2", 30, 40);
        assertThat(both.check(Models.CAS_REGISTER)).isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        H one = new H().w(1, "0", 0, 5).cas(1, "0", "1", 10, 20).cas(2, "1", "2", 11, 21).r(3, "2", 30, 40);
        assertThat(one.check(Models.CAS_REGISTER)).isEqualTo(Checker.Verdict.LINEARIZABLE);
    }

    @Test
    void infoOperationsMayTakeEffectLaterOrNever() {
        assertThat(new H().w(1, "1", 0, 10).info(2, "write", "3", 20).r(3, "1", 30, 40).check(Models.REGISTER))
                .as("never took effect").isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(new H().w(1, "1", 0, 10).info(2, "write", "3", 20).r(3, "3", 1000, 1010).check(Models.REGISTER))
                .as("took effect long after its invocation").isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(new H().w(1, "1", 0, 10).info(2, "write", "3", 20).r(3, "3", 30, 40).r(3, "1", 50, 60)
                .check(Models.REGISTER)).as("but once seen it stays").isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        assertThat(new H().w(1, "1", 0, 10).info(2, "write", "3", 20).r(3, "3", 5, 9).check(Models.REGISTER))
                .as("not before its invocation").isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void manyUnobservedInfoWritesDoNotSlowTheSearch() {
        H h = new H();
        for (int k = 0; k < 40; k++) {
            h.info(k, "write", "lost" + k, k);
        }
        h.w(99, "1", 100, 110).r(98, "1", 120, 130).info(97, "write", "seen", 140).r(98, "seen", 150, 160);
        Checker.Result r = Checker.check(h.ops, Models.REGISTER, Duration.ofSeconds(5));
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(r.partitions().getFirst().ops()).as("the 40 unread info writes are dropped").hasSize(4);
    }

    @Test
    void maxRegister() {
        assertThat(new H().w(1, "5", 0, 10).w(2, "3", 20, 30).r(3, "5", 40, 50).check(Models.MAX_REGISTER))
                .isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(new H().w(1, "5", 0, 10).w(2, "3", 20, 30).r(3, "3", 40, 50).check(Models.MAX_REGISTER))
                .isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        assertThat(new H().w(1, "5", 0, 10).r(3, "7", 40, 50).check(Models.MAX_REGISTER))
                .isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void keysAreCheckedSeparately() {
        H h = new H().op(1, "write", "x", "1", 0, 10).op(2, "read", "x", "1", 20, 30)
                .op(1, "write", "y", "1", 0, 10).op(1, "write", "y", "2", 11, 15).op(2, "read", "y", "1", 20, 30);
        Checker.Result r = Checker.check(h.ops, Models.KV, BUDGET);
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        assertThat(r.partitions()).extracting(Checker.Partition::key, Checker.Partition::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x", Checker.Verdict.LINEARIZABLE),
                org.assertj.core.groups.Tuple.tuple("y", Checker.Verdict.NOT_LINEARIZABLE));
        assertThat(r.counterexample().key()).isEqualTo("y");
    }

    @Test
    void aLargeGeneratedHistoryFinishesWithinItsBudget() {
        List<Op> ops = Histories.linearizable(100_000, 100, 20, 40, 1);
        assertThat(ops).hasSize(100_000);
        Checker.Result r = Checker.check(ops, Models.KV, Duration.ofSeconds(60));
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(r.partitions()).hasSize(100);
    }

    @Test
    void aHardHistoryOverBudgetIsUnknownNotAHang() {
        H h = new H();
        for (int k = 0; k < 24; k++) {
            h.w(k, Integer.toString(k), 0, 100);
        }
        h.r(99, "none", 200, 210);
        Checker.Result r = Checker.check(h.ops, Models.REGISTER, Duration.ofMillis(1));
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.UNKNOWN);
    }

    @Test
    void historiesRoundTripThroughJsonLines() throws Exception {
        History h = new History();
        h.invoke(1, "write", "x", List.of("a \"b\""), 0);
        h.invoke(2, "read", "x", null, 1);
        h.complete(1, History.Type.OK, List.of("a \"b\""), 5);
        h.complete(2, History.Type.OK, List.of("a \"b\""), 6);
        h.invoke(1, "cas", "x", List.of("a \"b\"", "c"), 7);
        h.complete(1, History.Type.FAIL, null, 8);
        h.invoke(3, "write", "x", List.of("d"), 9);
        h.complete(3, History.Type.INFO, null, 10);
        StringWriter w = new StringWriter();
        h.write(w);
        History back = History.read(new StringReader(w.toString()));
        assertThat(back.events()).isEqualTo(h.events());
        List<Op> ops = back.ops();
        assertThat(ops).hasSize(3);
        assertThat(ops.get(2).info()).isTrue();
        assertThat(ops.get(2).complete()).isEqualTo(Long.MAX_VALUE);
        assertThat(Checker.check(ops, Models.CAS_REGISTER, BUDGET).verdict()).isEqualTo(Checker.Verdict.LINEARIZABLE);
    }

    @Test
    void malformedHistoryLinesAreNamed() {
        assertThatThrownBy(() -> History.read(new StringReader("{\"type\":\"invoke\",\"process\":1,\"f\":\"read\",\"time\":0}\n{oops")))
                .hasMessageContaining("history line 2");
        assertThatThrownBy(() -> History.read(new StringReader("{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"time\":0}")))
                .hasMessageContaining("history line 1").hasMessageContaining("no operation open");
    }
}
