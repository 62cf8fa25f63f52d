package dev.mnm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every permission rule of seed 003 §3, on one {@link MemoryHost}. */
class MemoryModelTest {
    static final Bytes A = Bytes.utf8("a");
    static final Bytes B = Bytes.utf8("b");

    /** Process 1 in R, 2 in W, 3 in RW, 4 in none, over registers 0..3 of region 0. */
    static MemoryHost mixed(LegalChange rule) {
        Permission p = new Permission(Permission.bit(1), Permission.bit(2), Permission.bit(3));
        return new MemoryHost(1, new MemoryLayout(4, List.of(new Region(0, 4, p)), rule));
    }

    static Reply exec(MemoryHost h, int p, MemoryOp op) {
        return h.execute(p, op).orElseThrow();
    }

    @Test
    void readNeedsROrRw() {
        MemoryHost h = mixed(LegalChange.STATIC);
        assertThat(exec(h, 1, new MemoryOp.Read(0, 0))).isEqualTo(new Reply.Value(Bytes.EMPTY));
        assertThat(exec(h, 3, new MemoryOp.Read(0, 0))).isEqualTo(new Reply.Value(Bytes.EMPTY));
        assertThat(exec(h, 2, new MemoryOp.Read(0, 0))).isEqualTo(Reply.NAK);
        assertThat(exec(h, 4, new MemoryOp.Read(0, 0))).isEqualTo(Reply.NAK);
        assertThat(exec(h, 2, new MemoryOp.ReadRange(0, 0, 4))).isEqualTo(Reply.NAK);
    }

    @Test
    void writeNeedsWOrRwAndANakChangesNothing() {
        MemoryHost h = mixed(LegalChange.STATIC);
        assertThat(exec(h, 2, new MemoryOp.Write(0, 0, A))).isEqualTo(Reply.ACK);
        assertThat(exec(h, 3, new MemoryOp.Write(0, 1, B))).isEqualTo(Reply.ACK);
        assertThat(exec(h, 1, new MemoryOp.Write(0, 0, B))).isEqualTo(Reply.NAK);
        assertThat(exec(h, 4, new MemoryOp.Write(0, 0, B))).isEqualTo(Reply.NAK);
        assertThat(h.peek(0)).isEqualTo(A);
        assertThat(exec(h, 1, new MemoryOp.ReadRange(0, 0, 2))).isEqualTo(new Reply.Values(List.of(A, B)));
    }

    @Test
    void casAndFaddNeedReadAndWrite() {
        MemoryHost h = mixed(LegalChange.STATIC);
        for (int p : new int[] {1, 2, 4}) {
            assertThat(exec(h, p, new MemoryOp.Cas(0, 0, Bytes.EMPTY, A))).isEqualTo(Reply.NAK);
            assertThat(exec(h, p, new MemoryOp.Fadd(0, 0, 1))).isEqualTo(Reply.NAK);
        }
        assertThat(h.peek(0)).isEqualTo(Bytes.EMPTY);
        assertThat(exec(h, 3, new MemoryOp.Cas(0, 0, Bytes.EMPTY, A))).isEqualTo(new Reply.Value(Bytes.EMPTY));
        assertThat(h.peek(0)).isEqualTo(A);
        assertThat(exec(h, 3, new MemoryOp.Cas(0, 0, B, Bytes.EMPTY))).as("mismatch: old value back, no change")
                .isEqualTo(new Reply.Value(A));
        assertThat(h.peek(0)).isEqualTo(A);
    }

    @Test
    void faddAddsToA64BitWordAndRefusesOtherContents() {
        MemoryHost h = mixed(LegalChange.STATIC);
        assertThat(exec(h, 3, new MemoryOp.Fadd(0, 1, 5))).isEqualTo(new Reply.Value(Bytes.EMPTY));
        assertThat(exec(h, 3, new MemoryOp.Fadd(0, 1, -7))).isEqualTo(new Reply.Value(Words.ofLong(5)));
        assertThat(Words.toLong(h.peek(1))).isEqualTo(-2);
        exec(h, 3, new MemoryOp.Write(0, 2, A));
        assertThat(exec(h, 3, new MemoryOp.Fadd(0, 2, 1))).isEqualTo(Reply.NAK);
        assertThat(h.peek(2)).isEqualTo(A);
    }

    @Test
    void accessMustNameARegionThatHoldsTheRegister() {
        Permission all = Permission.allReadWrite(2);
        MemoryHost h = new MemoryHost(1, new MemoryLayout(6, List.of(new Region(0, 3, all), new Region(3, 6, all)),
                LegalChange.STATIC));
        assertThat(exec(h, 1, new MemoryOp.Write(0, 4, A))).isEqualTo(Reply.NAK);
        assertThat(exec(h, 1, new MemoryOp.Read(1, 0))).isEqualTo(Reply.NAK);
        assertThat(exec(h, 1, new MemoryOp.ReadRange(0, 2, 2))).as("crosses the region's end").isEqualTo(Reply.NAK);
        assertThat(exec(h, 1, new MemoryOp.Read(7, 0))).as("no such region").isEqualTo(Reply.NAK);
        assertThat(exec(h, 1, new MemoryOp.Write(1, 4, A))).isEqualTo(Reply.ACK);
        assertThat(h.peek(4)).isEqualTo(A);
    }

    @Test
    void overlappingRegionsAreCheckedByTheRegionNamed() {
        // register 2 lies in both: region 0 lets process 1 write, region 1 lets it only read
        MemoryHost h = new MemoryHost(1, new MemoryLayout(4, List.of(
                new Region(0, 3, Permission.allReadWrite(2)),
                new Region(2, 4, Permission.readOnly(2))), LegalChange.STATIC));
        assertThat(exec(h, 1, new MemoryOp.Write(1, 2, A))).isEqualTo(Reply.NAK);
        assertThat(h.peek(2)).isEqualTo(Bytes.EMPTY);
        assertThat(exec(h, 1, new MemoryOp.Write(0, 2, A))).isEqualTo(Reply.ACK);
        assertThat(exec(h, 2, new MemoryOp.Read(1, 2))).as("a write through one region is seen through the other")
                .isEqualTo(new Reply.Value(A));
    }

    @Test
    void anIllegalPermissionChangeIsANoOpThatStillReturns() {
        MemoryHost h = mixed(LegalChange.STATIC);
        Permission before = h.permission(0);
        assertThat(exec(h, 3, new MemoryOp.ChangePermission(0, Permission.allReadWrite(4)))).isEqualTo(Reply.ACK);
        assertThat(h.permission(0)).isEqualTo(before);
        assertThat(exec(h, 4, new MemoryOp.Write(0, 0, A))).isEqualTo(Reply.NAK);
    }

    @Test
    void takingExclusiveWritePermissionMovesTheWriter() {
        int n = 3;
        MemoryHost h = new MemoryHost(1, MemoryLayout.singleRegion(3, Permission.exclusiveWriter(1, n),
                LegalChange.takeExclusiveWrite(n)));
        assertThat(exec(h, 1, new MemoryOp.Write(0, 0, A))).isEqualTo(Reply.ACK);
        assertThat(exec(h, 2, new MemoryOp.Write(0, 1, A))).isEqualTo(Reply.NAK);
        // process 2 may not hand the permission to process 3, nor open it to all
        exec(h, 2, new MemoryOp.ChangePermission(0, Permission.exclusiveWriter(3, n)));
        exec(h, 2, new MemoryOp.ChangePermission(0, Permission.allReadWrite(n)));
        assertThat(h.permission(0)).isEqualTo(Permission.exclusiveWriter(1, n));
        // but it may take it for itself
        exec(h, 2, new MemoryOp.ChangePermission(0, Permission.exclusiveWriter(2, n)));
        assertThat(h.permission(0)).isEqualTo(Permission.exclusiveWriter(2, n));
        assertThat(exec(h, 1, new MemoryOp.Write(0, 0, B))).as("the deposed writer").isEqualTo(Reply.NAK);
        assertThat(exec(h, 2, new MemoryOp.Write(0, 1, B))).isEqualTo(Reply.ACK);
        assertThat(exec(h, 1, new MemoryOp.Read(0, 1))).isEqualTo(new Reply.Value(B));
        assertThat(h.peek(0)).isEqualTo(A);
    }

    @Test
    void aCrashedMemoryNeverRepliesAndChangesNothing() {
        MemoryHost h = mixed((p, r, o, n) -> true);
        h.crash();
        assertThat(h.crashed()).isTrue();
        List<MemoryOp> ops = List.of(new MemoryOp.Read(0, 0), new MemoryOp.ReadRange(0, 0, 2),
                new MemoryOp.Write(0, 0, A), new MemoryOp.Cas(0, 0, Bytes.EMPTY, A), new MemoryOp.Fadd(0, 0, 1),
                new MemoryOp.ChangePermission(0, Permission.allReadWrite(4)));
        for (MemoryOp op : ops) {
            assertThat(h.execute(3, op)).as(op.toString()).isEqualTo(Optional.empty());
        }
        assertThat(h.peek(0)).isEqualTo(Bytes.EMPTY);
        assertThat(h.permission(0)).isEqualTo(new Permission(Permission.bit(1), Permission.bit(2), Permission.bit(3)));
    }

    @Test
    void permissionsAreThreeDisjointSetsOfProcessIds() {
        assertThatThrownBy(() -> new Permission(Permission.bit(1), Permission.bit(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disjoint");
        assertThatThrownBy(() -> new Permission(1L, 0, 0)).hasMessageContaining("start at 1");
        assertThatThrownBy(() -> Permission.bit(64)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Permission.all(3)).isEqualTo(0b1110);
        Permission ex = Permission.exclusiveWriter(2, 3);
        assertThat(ex.canWrite(2)).isTrue();
        assertThat(ex.canRead(2)).isTrue();
        assertThat(ex.canWrite(1)).isFalse();
        assertThat(ex.canRead(1)).isTrue();
        assertThat(ex.toString()).isEqualTo("(R:{1,3} W:{} RW:{2})");
    }

    @Test
    void layoutsAndRegionsRejectNonsense() {
        assertThatThrownBy(() -> new Region(3, 3, Permission.readOnly(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemoryLayout.singleRegion(0, Permission.readOnly(1), LegalChange.STATIC))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemoryLayout(2, List.of(new Region(0, 3, Permission.readOnly(1))), LegalChange.STATIC))
                .hasMessageContaining("exceeds");
    }

    @Test
    void wordsAndBytes() {
        for (long v : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L}) {
            assertThat(Words.toLong(Words.ofLong(v))).isEqualTo(v);
        }
        assertThat(Words.toLong(Bytes.EMPTY)).isZero();
        assertThatThrownBy(() -> Words.toLong(A)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Bytes.utf8("x")).isEqualTo(Bytes.of(new byte[] {'x'})).hasSameHashCodeAs(Bytes.utf8("x"));
        assertThat(Bytes.utf8("x")).isNotEqualTo(Bytes.utf8("y"));
        assertThat(Bytes.of(new byte[] {0, (byte) 0xff}).toString()).isEqualTo("0x00ff");
        byte[] raw = {1};
        Bytes copy = Bytes.of(raw);
        raw[0] = 2;
        assertThat(copy.at(0)).as("Bytes.of copies").isEqualTo((byte) 1);
    }

    @Test
    void offHeapRegistersBehaveLikeHeapOnes() {
        MemoryLayout layout = MemoryLayout.singleRegion(4, Permission.allReadWrite(2), LegalChange.STATIC);
        MemoryHost heap = new MemoryHost(1, layout);
        MemoryHost off = new MemoryHost(1, layout, RegisterStore.offHeap(4));
        List<MemoryOp> ops = List.of(new MemoryOp.Write(0, 0, A), new MemoryOp.Write(0, 1, B),
                new MemoryOp.Cas(0, 0, A, B), new MemoryOp.Fadd(0, 2, 9), new MemoryOp.Write(0, 1, Bytes.EMPTY),
                new MemoryOp.ReadRange(0, 0, 4), new MemoryOp.Read(0, 2));
        for (MemoryOp op : ops) {
            assertThat(exec(off, 1, op)).as(op.toString()).isEqualTo(exec(heap, 1, op));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MemoryHost(1, layout, RegisterStore.offHeap(3)))
                .hasMessageContaining("holds 3 registers");
    }
}
