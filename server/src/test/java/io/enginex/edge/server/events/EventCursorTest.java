package io.enginex.edge.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCursorTest {
    @Test
    void aCursorReadsBackAsWrittenWhateverTheNodesAreCalled() {
        Instant at = Instant.ofEpochMilli(1_764_000_000_123L);
        EventCursor cursor =
                new EventCursor(at, Map.of()).with(null, 7).with("hub-a", 40).with("odd;name=with spaces/ü", 3);
        String id = cursor.encode();
        assertThat(id)
                .startsWith("v1.")
                .doesNotContain(" ")
                .doesNotContain("\n")
                .doesNotContain(":");
        EventCursor back = EventCursor.decode(id);
        assertThat(back).isEqualTo(cursor);
        assertThat(back.seq(null)).isEqualTo(7);
        assertThat(back.seq("odd;name=with spaces/ü")).isEqualTo(3);
        assertThat(back.seq("hub-b"))
                .as("a chain not named is read from its start")
                .isZero();
    }

    @Test
    void anythingElseIsABadLastEventId() {
        for (String id : new String[] {"", "42", "v1.", "v1.!!!", "v2.MTIz", "v1.bm90IGEgbnVtYmVy", "v1.MTIzO2E9LTE"}) {
            assertThatThrownBy(() -> EventCursor.decode(id))
                    .as(id)
                    .isInstanceOf(HubException.BadRequest.class)
                    .hasMessageContaining("reconnect without it");
        }
    }
}
