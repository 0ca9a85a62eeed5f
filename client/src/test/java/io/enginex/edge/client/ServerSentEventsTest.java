package io.enginex.edge.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event stream format as the HTML standard defines it, on the lines the hub sends and some it does not. */
class ServerSentEventsTest {
    private static List<ServerSentEvents.Event> read(String... lines) {
        ServerSentEvents parser = new ServerSentEvents();
        List<ServerSentEvents.Event> events = new ArrayList<>();
        for (String line : lines) {
            ServerSentEvents.Event e = parser.line(line);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void eventsAreDispatchedAtEmptyLinesWithTheirTypeDataAndId() {
        assertThat(read(
                        "event: ready",
                        "id: v1.a",
                        "data: {\"tenantId\":\"acme\"}",
                        "",
                        ": keep-alive",
                        "",
                        "id: v1.b",
                        "event: job.created",
                        "data:{\"x\":1}",
                        ""))
                .containsExactly(
                        new ServerSentEvents.Event("ready", "{\"tenantId\":\"acme\"}", "v1.a"),
                        new ServerSentEvents.Event("job.created", "{\"x\":1}", "v1.b"));
    }

    @Test
    void dataLinesJoinAndTheLastIdCarriesOverAndAnEventWithoutDataIsNotDispatched() {
        assertThat(read("id: v1.a", "event: x", "", "data: one", "data: two", "", "data", ""))
                .containsExactly(
                        new ServerSentEvents.Event("message", "one\ntwo", "v1.a"),
                        new ServerSentEvents.Event("message", "", "v1.a"));
    }
}
