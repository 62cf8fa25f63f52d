package dev.mnm.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Histories a user brings (issue 9): Jepsen's nemesis lines are skipped; impossible times are input errors, never verdicts. */
class HistoryInputTest {
    private static History read(String lines) throws Exception {
        return History.read(new StringReader(lines));
    }

    @Test
    void nemesisLinesAreSkipped() throws Exception {
        History h = read("""
                {"type":"info","process":"nemesis","f":"start","value":null,"time":5}
                {"type":"invoke","process":1,"f":"write","key":"x","value":"1","time":10}
                {"type":"info","process":"nemesis","f":"start","value":"partitioned","time":12}
                {"type":"ok","process":1,"f":"write","key":"x","value":"1","time":20}
                """);
        assertThat(h.ops()).hasSize(1);
    }

    @Test
    void aProcessThatIsNotANumberIsNamed() {
        assertThatThrownBy(() -> read("{\"type\":\"invoke\",\"process\":\"client-a\",\"f\":\"read\",\"key\":\"x\",\"time\":1}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history line 1: \"process\" must be an integer (or \"nemesis\"), not 'client-a'");
    }

    @Test
    void aCompletionBeforeItsInvocationIsAnInputError() {
        assertThatThrownBy(() -> read("""
                {"type":"invoke","process":1,"f":"write","key":"x","value":"1","time":50}
                {"type":"ok","process":1,"f":"write","key":"x","value":"1","time":40}
                """)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history line 2: process 1's ok at time 40 comes before its invoke at time 50");
    }

    /** A completion at 2^63 − 1 was taken as "never completed", which made this wrong read LINEARIZABLE. */
    @Test
    void theLargestTimeIsRefusedNotTakenForNeverCompleted() throws Exception {
        String wrongRead = """
                {"type":"invoke","process":1,"f":"write","key":"x","value":"1","time":1}
                {"type":"ok","process":1,"f":"write","key":"x","value":"1","time":2}
                {"type":"invoke","process":2,"f":"read","key":"x","time":3}
                {"type":"ok","process":2,"f":"read","key":"x","value":"7","time":TIME}
                """;
        assertThatThrownBy(() -> read(wrongRead.replace("TIME", Long.toString(Long.MAX_VALUE))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"time\" must be from 0 to");
        Checker.Result r = Checker.check(read(wrongRead.replace("TIME", "4")).ops(), Models.byName("register").orElseThrow(),
                Duration.ofSeconds(10));
        assertThat(r.verdict()).isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }

    /** Issue 9: the kv model knew only read, write and cas, so a history of the service's INCRs could not be checked. */
    @Test
    void theKvModelChecksIncrements() throws Exception {
        String h = """
                {"type":"invoke","process":1,"f":"incr","key":"n","time":1}
                {"type":"invoke","process":2,"f":"incr","key":"n","time":2}
                {"type":"ok","process":2,"f":"incr","key":"n","value":"1","time":3}
                {"type":"ok","process":1,"f":"incr","key":"n","value":"RESULT","time":4}
                {"type":"invoke","process":3,"f":"incr","key":"n","time":5}
                {"type":"info","process":3,"f":"incr","key":"n","time":6}
                {"type":"invoke","process":2,"f":"read","key":"n","time":7}
                {"type":"ok","process":2,"f":"read","key":"n","value":"READ","time":8}
                """;
        Model kv = Models.byName("kv").orElseThrow();
        assertThat(Checker.check(read(h.replace("RESULT", "2").replace("READ", "3")).ops(), kv, Duration.ofSeconds(10))
                .verdict()).as("the unknown incr took effect").isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(Checker.check(read(h.replace("RESULT", "2").replace("READ", "2")).ops(), kv, Duration.ofSeconds(10))
                .verdict()).as("or did not").isEqualTo(Checker.Verdict.LINEARIZABLE);
        assertThat(Checker.check(read(h.replace("RESULT", "1").replace("READ", "2")).ops(), kv, Duration.ofSeconds(10))
                .verdict()).as("two increments both returned 1").isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
        assertThat(Checker.check(read(h.replace("RESULT", "2").replace("READ", "5")).ops(), kv, Duration.ofSeconds(10))
                .verdict()).isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }
}
