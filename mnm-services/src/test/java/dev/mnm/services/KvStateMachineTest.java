package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 8 item 5 at the state machine: a write that reaches the log twice under one id is applied once. */
class KvStateMachineTest {
    static List<byte[]> args(String... words) {
        List<byte[]> a = new ArrayList<>();
        for (String w : words) {
            a.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return a;
    }

    static String reply(KvStateMachine sm, long session, long seq, String... words) {
        return new String(sm.apply(KvStateMachine.encode(session, seq, args(words))).toArray(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void aSecondCopyOfAWriteAnswersTheFirstReplyAndChangesNothing() {
        KvStateMachine sm = new KvStateMachine();
        assertThat(reply(sm, 7, 1, "INCR", "n")).isEqualTo(":1");
        assertThat(reply(sm, 7, 2, "INCR", "n")).isEqualTo(":2");
        assertThat(reply(sm, 7, 1, "INCR", "n")).as("copy of command 1").isEqualTo(":1");
        assertThat(reply(sm, 8, 1, "INCR", "n")).as("same seq, other session").isEqualTo(":3");
        assertThat(reply(sm, 7, 3, "GET", "n")).isEqualTo("$1\r\n3");
        assertThat(reply(sm, 7, 2, "INCR", "n")).isEqualTo(":2");
        assertThat(reply(sm, 0, 0, "INCR", "n")).as("no id: always applied").isEqualTo(":4");
        assertThat(reply(sm, 0, 0, "INCR", "n")).isEqualTo(":5");
    }

    @Test
    void aReadIsAppliedAgainAndSeesTheCurrentState() {
        KvStateMachine sm = new KvStateMachine();
        assertThat(reply(sm, 7, 1, "GET", "k")).isEqualTo("$-1");
        assertThat(reply(sm, 7, 2, "SET", "k", "v")).isEqualTo("+OK");
        assertThat(reply(sm, 7, 1, "GET", "k")).isEqualTo("$1\r\nv");
    }

    @Test
    void withoutTheRepliesRememberedTheBugIsBack() {
        KvStateMachine mutant = new KvStateMachine(0);
        assertThat(reply(mutant, 7, 1, "INCR", "n")).isEqualTo(":1");
        assertThat(reply(mutant, 7, 1, "INCR", "n")).isEqualTo(":2");
    }

    @Test
    void theOldestRepliesAreForgottenFirst() {
        KvStateMachine sm = new KvStateMachine(2);
        reply(sm, 7, 1, "INCR", "n");
        reply(sm, 7, 2, "INCR", "n");
        reply(sm, 7, 3, "INCR", "n");
        assertThat(reply(sm, 7, 2, "INCR", "n")).isEqualTo(":2");
        assertThat(reply(sm, 7, 1, "INCR", "n")).as("forgotten").isEqualTo(":4");
    }

    @Test
    void theEntryCarriesItsIdAndArguments() {
        Bytes e = KvStateMachine.encode(5, 9, args("SET", "k", "v"));
        assertThat(KvStateMachine.decode(e)).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("SET", "k", "v");
    }

    @Test
    void aCommandLoggedInPartsIsAppliedOnceWhenItsLastPartArrives() {
        KvStateMachine sm = new KvStateMachine();
        byte[] big = new byte[3 * KvStateMachine.PART_BYTES];
        java.util.Arrays.fill(big, (byte) 'x');
        List<Bytes> parts = KvStateMachine.entries(9, 1, List.of("SET".getBytes(), "big".getBytes(), big));
        assertThat(parts).hasSize(4);
        assertThat(parts).allMatch(e -> e.length() <= KvStateMachine.HEADER + KvStateMachine.PART_BYTES);
        assertThat(sm.apply(parts.get(0)).toArray()).isEqualTo(KvStateMachine.PART_STORED);
        assertThat(reply(sm, 5, 1, "SET", "small", "s")).as("another command in between").isEqualTo("+OK");
        assertThat(sm.apply(parts.get(1)).toArray()).isEqualTo(KvStateMachine.PART_STORED);
        assertThat(sm.apply(parts.get(1)).toArray()).as("a copy of a part").isEqualTo(KvStateMachine.PART_STORED);
        assertThat(sm.apply(parts.get(2)).toArray()).isEqualTo(KvStateMachine.PART_STORED);
        assertThat(reply(sm, 5, 2, "GET", "big")).as("not applied before its last part").isEqualTo("$-1");
        assertThat(new String(sm.apply(parts.get(3)).toArray())).isEqualTo("+OK\r\n");
        assertThat(new String(sm.apply(parts.get(0)).toArray())).as("a late copy of a part").isEqualTo("+OK\r\n");
        assertThat(reply(sm, 5, 3, "GET", "big")).startsWith("$" + big.length + "\r\nxxx").endsWith("xxx");
    }

    private static String replyBytes(KvStateMachine sm, byte[]... args) {
        return new String(sm.apply(KvStateMachine.encode(0, 0, List.of(args))).toArray(), StandardCharsets.ISO_8859_1).trim();
    }

    /** Issue 9: two keys that differ only in a byte that is not UTF-8 were one key (both decoded to U+FFFD). */
    @Test
    void keysAreBinarySafeAndSurviveASnapshot() {
        KvStateMachine sm = new KvStateMachine();
        byte[] ff = {'k', (byte) 0xff};
        byte[] fe = {'k', (byte) 0xfe};
        byte[] del = "DEL".getBytes(StandardCharsets.US_ASCII);
        byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
        byte[] get = "GET".getBytes(StandardCharsets.US_ASCII);
        assertThat(replyBytes(sm, set, ff, "1".getBytes())).isEqualTo("+OK");
        assertThat(replyBytes(sm, set, fe, "2".getBytes())).isEqualTo("+OK");
        KvStateMachine copy = new KvStateMachine();
        copy.restore(sm.snapshot());
        assertThat(copy.snapshot()).isEqualTo(sm.snapshot());
        assertThat(replyBytes(copy, del, fe)).isEqualTo(":1");
        assertThat(replyBytes(copy, get, ff)).isEqualTo("$1\r\n1");
        assertThat(replyBytes(copy, get, fe)).isEqualTo("$-1");
    }

    /** Issue 9: INCR reads integers as Redis does. */
    @Test
    void incrRefusesWhatRedisRefuses() {
        KvStateMachine sm = new KvStateMachine();
        for (String bad : List.of("+5", "007", "-0", " 5", "5 ", "", "1e3", "9223372036854775808", "0x10")) {
            reply(sm, 0, 0, "SET", "n", bad);
            assertThat(reply(sm, 0, 0, "INCR", "n")).as(bad).isEqualTo("-ERR value is not an integer or out of range");
        }
        for (String good : List.of("0", "-5", "41", "-9223372036854775808")) {
            reply(sm, 0, 0, "SET", "n", good);
            assertThat(reply(sm, 0, 0, "INCR", "n")).as(good).isEqualTo(":" + (Long.parseLong(good) + 1));
        }
    }
}
