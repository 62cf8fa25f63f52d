package dev.mnm.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The string and key commands (issue 9) as Redis answers them, run on the state machine as a replica runs them. */
class KvCommandsTest {
    private final KvStateMachine sm = new KvStateMachine();

    /** Validation at the node, then the state machine: the reply as text, CRLFs shown as spaces. */
    private String r(String... words) {
        List<byte[]> args = KvStateMachineTest.args(words);
        byte[] invalid = KvCommands.validate(args);
        byte[] reply = invalid != null ? invalid : sm.apply(KvStateMachine.encode(args)).toArray();
        return new String(reply, StandardCharsets.UTF_8).replace("\r\n", " ").trim();
    }

    @Test
    void setWithItsOptions() {
        assertThat(r("SET", "k", "a", "NX")).isEqualTo("+OK");
        assertThat(r("SET", "k", "b", "NX")).isEqualTo("$-1");
        assertThat(r("SET", "k", "c", "XX", "GET")).isEqualTo("$1 a");
        assertThat(r("SET", "nokey", "c", "XX")).isEqualTo("$-1");
        assertThat(r("GET", "nokey")).isEqualTo("$-1");
        assertThat(r("SET", "k", "d", "nx", "xx")).isEqualTo("-ERR syntax error");
        assertThat(r("SET", "k", "d", "BOGUS")).isEqualTo("-ERR syntax error");
        assertThat(r("SET", "k", "d", "EX", "10")).startsWith("-ERR mnm does not support expiry yet: SET takes NX, XX and GET, not EX");
        assertThat(r("GET", "k")).isEqualTo("$1 c");
        assertThat(r("SETNX", "k", "z")).isEqualTo(":0");
        assertThat(r("SETNX", "n", "z")).isEqualTo(":1");
        assertThat(r("GETSET", "n", "y")).isEqualTo("$1 z");
        assertThat(r("GETDEL", "n")).isEqualTo("$1 y");
        assertThat(r("GETDEL", "n")).isEqualTo("$-1");
    }

    @Test
    void multiKeyAndStringCommands() {
        assertThat(r("MSET", "a", "1", "b", "2")).isEqualTo("+OK");
        assertThat(r("MSETNX", "b", "9", "c", "3")).isEqualTo(":0");
        assertThat(r("MSETNX", "c", "3", "d", "4")).isEqualTo(":1");
        assertThat(r("MSET", "a", "1", "b")).isEqualTo("-ERR wrong number of arguments for 'mset' command");
        assertThat(r("MGET", "a", "zz", "d")).isEqualTo("*3 $1 1 $-1 $1 4");
        assertThat(r("APPEND", "s", "Hello")).isEqualTo(":5");
        assertThat(r("APPEND", "s", " World")).isEqualTo(":11");
        assertThat(r("STRLEN", "s")).isEqualTo(":11");
        assertThat(r("STRLEN", "none")).isEqualTo(":0");
        assertThat(r("GETRANGE", "s", "0", "4")).isEqualTo("$5 Hello");
        assertThat(r("GETRANGE", "s", "-5", "-1")).isEqualTo("$5 World");
        assertThat(r("GETRANGE", "s", "5", "2")).isEqualTo("$0");
        assertThat(r("SETRANGE", "s", "6", "Redis")).isEqualTo(":11");
        assertThat(r("GET", "s")).isEqualTo("$11 Hello Redis");
        assertThat(r("SETRANGE", "pad", "3", "x")).isEqualTo(":4");
        assertThat(r("GET", "pad")).isEqualTo("$4 \0\0\0x");
        assertThat(r("SETRANGE", "s", "-1", "x")).isEqualTo("-ERR offset is out of range");
    }

    @Test
    void countersAsRedisCountsThem() {
        assertThat(r("INCRBY", "n", "10")).isEqualTo(":10");
        assertThat(r("DECR", "n")).isEqualTo(":9");
        assertThat(r("DECRBY", "n", "20")).isEqualTo(":-11");
        assertThat(r("INCRBY", "n", "+1")).isEqualTo("-ERR value is not an integer or out of range");
        assertThat(r("INCRBY", "n", "99999999999999999999")).isEqualTo("-ERR value is not an integer or out of range");
        assertThat(r("SET", "big", "9223372036854775807")).isEqualTo("+OK");
        assertThat(r("INCR", "big")).isEqualTo("-ERR increment or decrement would overflow");
        assertThat(r("DECRBY", "n", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow");
        assertThat(r("GET", "n")).isEqualTo("$3 -11");
    }

    @Test
    void keyCommands() {
        r("MSET", "a", "1", "b", "2", "c", "3");
        assertThat(r("DBSIZE")).isEqualTo(":3");
        assertThat(r("TYPE", "a")).isEqualTo("+string");
        assertThat(r("TYPE", "zz")).isEqualTo("+none");
        assertThat(r("RENAME", "a", "b")).isEqualTo("+OK");
        assertThat(r("GET", "b")).isEqualTo("$1 1");
        assertThat(r("RENAME", "zz", "y")).isEqualTo("-ERR no such key");
        assertThat(r("UNLINK", "b", "zz")).isEqualTo(":1");
        assertThat(r("EXISTS", "c", "c", "b")).isEqualTo(":2");
        assertThat(r("FLUSHALL", "LATER")).isEqualTo("-ERR syntax error");
        assertThat(r("FLUSHALL", "async")).isEqualTo("+OK");
        assertThat(r("DBSIZE")).isEqualTo(":0");
    }

    @Test
    void keysMatchesRedisGlobs() {
        r("MSET", "user:1", "a", "user:2", "b", "user:10", "c", "admin", "d", "h*llo", "e");
        assertThat(r("KEYS", "user:?")).isEqualTo("*2 $6 user:1 $6 user:2");
        assertThat(r("KEYS", "user:*")).isEqualTo("*3 $6 user:1 $7 user:10 $6 user:2");
        assertThat(r("KEYS", "[au]*n")).isEqualTo("*1 $5 admin");
        assertThat(r("KEYS", "user:[^1]")).isEqualTo("*1 $6 user:2");
        assertThat(r("KEYS", "user:[0-1]*")).isEqualTo("*2 $6 user:1 $7 user:10");
        assertThat(r("KEYS", "h\\*llo")).isEqualTo("*1 $5 h*llo");
        assertThat(r("KEYS", "nothing*")).isEqualTo("*0");
    }

    /** SCAN returns every key present throughout at least once, though keys are added and deleted between calls. */
    @Test
    void scanReturnsEveryKeyThatStaysWhateverChangesBetweenCalls() {
        java.util.Set<String> stay = new java.util.HashSet<>();
        for (int k = 0; k < 500; k++) {
            r("SET", "s" + k, "v");
            if (k % 3 != 0) {
                stay.add("s" + k);
            }
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            byte[] reply = sm.apply(KvStateMachine.encode(KvStateMachineTest.args("SCAN", cursor, "COUNT", "37"))).toArray();
            String[] lines = new String(reply, StandardCharsets.UTF_8).split("\r\n");
            cursor = lines[2];
            for (int i = 5; i < lines.length; i += 2) {
                seen.add(lines[i]);
            }
            r("DEL", "s" + (3 * calls)); // a key that does not stay goes
            r("SET", "new" + calls, "v"); // and others come
            calls++;
        } while (!cursor.equals("0") && calls < 1000);
        assertThat(seen).containsAll(stay);
        assertThat(calls).isBetween(10, 40);
        assertThat(r("SCAN", "0", "MATCH", "s1?", "COUNT", "1000")).as("s10..s19 but the 3 deleted").startsWith("*2 $1 0 *7 $3 s1");
        assertThat(r("SCAN", "x")).isEqualTo("-ERR invalid cursor");
        assertThat(r("SCAN", "0", "COUNT", "0")).isEqualTo("-ERR syntax error");
    }
}
