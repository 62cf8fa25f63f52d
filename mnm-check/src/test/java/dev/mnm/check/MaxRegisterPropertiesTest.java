package dev.mnm.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaxRegisterPropertiesTest {
    static final class H {
        final List<Op> ops = new ArrayList<>();

        H op(String f, String v, long from, long to) {
            ops.add(new Op(ops.size(), ops.size() + 1, f, null,
                    v == null ? null : java.util.Collections.singletonList(v), from, to, Op.Status.OK));
            return this;
        }
    }

    @Test
    void aGoodHistoryHasNoViolations() {
        H h = new H().op("write", "5", 0, 10).op("write", "3", 20, 30).op("read", "5", 40, 50).op("read", "5", 60, 70);
        assertThat(MaxRegisterProperties.check(h.ops)).isEmpty();
    }

    @Test
    void eachPropertyCatchesItsViolation() {
        assertThat(MaxRegisterProperties.check(new H().op("read", "9", 0, 10).op("write", "9", 20, 30).ops))
                .singleElement().asString().startsWith("validity");
        assertThat(MaxRegisterProperties.check(new H().op("write", "9", 0, 100).op("read", "9", 10, 20)
                .op("read", null, 30, 40).ops)).singleElement().asString().startsWith("read-read");
        assertThat(MaxRegisterProperties.check(new H().op("write", "9", 0, 10).op("write", "3", 0, 10)
                .op("read", "3", 20, 30).ops)).singleElement().asString().startsWith("write-read");
    }

    @Test
    void weakerThanLinearizability() {
        // the read overlaps the write of 6 and returns 5, written after 6 completed: allowed here,
        // not linearizable
        H h = new H().op("write", "6", 0, 10).op("read", "5", 5, 40).op("write", "5", 20, 30);
        assertThat(MaxRegisterProperties.check(h.ops)).isEmpty();
        assertThat(Checker.check(h.ops, Models.MAX_REGISTER, java.time.Duration.ofSeconds(5)).verdict())
                .isEqualTo(Checker.Verdict.NOT_LINEARIZABLE);
    }
}
