package dev.mnm.protocols.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnm.core.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogEntryTest {
    @Test
    void entriesRoundTripAndATornOrCorruptedEntryIsNeverAccepted() {
        Bytes cmd = Batch.encode(List.of(Bytes.utf8("SET k v"), Bytes.utf8("GET k")));
        Bytes whole = new LogEntry(9, 7, 3, cmd).encode();
        assertThat(LogEntry.decode(whole)).isEqualTo(new LogEntry(9, 7, 3, cmd));
        assertThat(Batch.decode(LogEntry.decode(whole).command())).containsExactly(Bytes.utf8("SET k v"), Bytes.utf8("GET k"));
        byte[] raw = whole.toArray();
        for (int cut = 0; cut < raw.length; cut++) {
            assertThat(LogEntry.decode(Bytes.of(java.util.Arrays.copyOf(raw, cut)))).as("torn at " + cut).isNull();
        }
        for (int i = 0; i < raw.length; i++) {
            byte[] flipped = raw.clone();
            flipped[i] ^= 0x10;
            assertThat(LogEntry.decode(Bytes.of(flipped))).as("bit flipped at byte " + i).isNull();
        }
        assertThat(LogEntry.decode(Bytes.EMPTY)).isNull();
        assertThat(Batch.decode(Batch.encode(List.of()))).isEmpty();
    }
}
