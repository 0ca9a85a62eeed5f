package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What the hub keeps of a result's {@code consent}: the agent's report is input, kept to known text fields. */
class ResultConsentTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void onlyTheKnownTextFieldsAreKept() throws Exception {
        JsonNode kept = Dispatcher.consent(mapper.readTree("""
                {"user":"alice","answer":"allowed","via":"status page","answeredBy":"alice",
                 "askedAt":"2026-12-05T10:00:00Z","answeredAt":"2026-12-05T10:00:07Z","shown":"job j wants …",
                 "tool":"app.open","request":"r-1","requestedBy":"API key ci-bot","extra":"x","answer2":{"nested":true},"via2":[1]}
                """));

        assertThat(kept.properties())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder(
                        "user",
                        "answer",
                        "via",
                        "answeredBy",
                        "askedAt",
                        "answeredAt",
                        "shown",
                        "tool",
                        "request",
                        "requestedBy");
        assertThat(Dispatcher.consent(mapper.readTree("{\"user\":{\"nested\":1}}")))
                .isNull();
        assertThat(Dispatcher.consent(mapper.readTree("\"text\""))).isNull();
        assertThat(Dispatcher.consent(null)).isNull();
    }
}
