package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The schedule trigger with a clock the test moves: when graphs fire, and when they do not. */
class GraphSchedulerTest {
    private static final GraphFormat FORMAT = new GraphFormat(new ObjectMapper());

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T00:30:00Z")); // 01:30 in Berlin
    private final List<HubGraphs.Assigned> assigned = new CopyOnWriteArrayList<>();
    private final List<String> fired = new CopyOnWriteArrayList<>();
    private final GraphScheduler scheduler = new GraphScheduler(
            () -> assigned, clock, (g, due) -> fired.add(g.graph().name() + "@" + due), Runnable::run);

    static HubGraphs.Assigned graph(String name, int version, String schedule) {
        String document = "{\"version\":1,\"name\":\"" + name + "\"," + schedule
                + "\"steps\":[{\"id\":\"a\",\"tool\":\"fs.list\"}]}";
        var issued = new GraphEnvelope.Issued(
                "acme", "gph_" + name, name, version, "tenant", document, GraphEnvelope.sha256(document));
        return new HubGraphs.Assigned(issued, FORMAT.parse(document, name));
    }

    static String cron(String cron, String zone) {
        return "\"schedule\":{\"cron\":\"" + cron + "\"" + (zone == null ? "" : ",\"timeZone\":\"" + zone + "\"")
                + "},";
    }

    @Test
    void aGraphFiresAtItsCronTimeInItsTimeZoneAndNotWhenFirstSeen() {
        assigned.add(graph("nightly", 1, cron("0 2 * * *", "Europe/Berlin")));

        assertThat(scheduler.tick()).hasValue(Instant.parse("2026-12-05T01:00:00Z")); // 02:00 CET
        clock.advance(Duration.ofMinutes(29).plusSeconds(59));
        assertThat(scheduler.tick()).hasValue(Instant.parse("2026-12-05T01:00:00Z"));
        assertThat(fired).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(scheduler.tick()).hasValue(Instant.parse("2026-12-06T01:00:00Z"));
        assertThat(fired).containsExactly("nightly@2026-12-05T01:00:00Z");
    }

    @Test
    void summerTimeMovesTheRunAnHourEarlierInUtc() {
        clock.advance(Duration.ofDays(200)); // 2027-06-23, CEST
        assigned.add(graph("nightly", 1, cron("0 2 * * *", "Europe/Berlin")));
        assigned.add(graph("utc", 1, cron("0 2 * * *", null)));

        scheduler.tick();
        clock.advance(Duration.ofDays(1));
        scheduler.tick();

        assertThat(fired).containsExactly("nightly@2027-06-24T00:00:00Z", "utc@2027-06-23T02:00:00Z");
    }

    @Test
    void timesMissedWhileTheMachineSleptFireOneRun() {
        assigned.add(graph("hourly", 1, cron("0 * * * *", "UTC")));
        scheduler.tick();

        clock.advance(Duration.ofHours(5));
        scheduler.tick();
        scheduler.tick();

        assertThat(fired).containsExactly("hourly@2026-12-05T01:00:00Z");
    }

    @Test
    void aNewVersionStartsItsScheduleAfreshAndAGraphNoLongerAssignedStops() {
        assigned.add(graph("hourly", 1, cron("0 * * * *", "UTC")));
        scheduler.tick();
        assigned.set(0, graph("hourly", 2, cron("15 * * * *", "UTC")));
        clock.advance(Duration.ofMinutes(31)); // 01:01, past version 1's time
        assertThat(scheduler.tick()).hasValue(Instant.parse("2026-12-05T01:15:00Z"));
        assertThat(fired).isEmpty();

        assigned.clear();
        clock.advance(Duration.ofHours(1));
        assertThat(scheduler.tick()).isEmpty();
        assertThat(fired).isEmpty();
    }

    @Test
    void aTimeThatComesWhileARunGoesOnIsSkipped() {
        List<Runnable> held = new ArrayList<>();
        GraphScheduler holding = new GraphScheduler(
                () -> assigned, clock, (g, due) -> fired.add(g.graph().name() + "@" + due), held::add);
        assigned.add(graph("a", 1, cron("0 1 * * *", "UTC")));
        assigned.add(graph("b", 1, cron("0 1 * * *", "UTC")));
        holding.tick();

        clock.advance(Duration.ofMinutes(30));
        holding.tick();
        assertThat(held).hasSize(1);
        held.get(0).run();
        clock.advance(Duration.ofDays(1));
        holding.tick();

        assertThat(fired).containsExactly("a@2026-12-05T01:00:00Z");
        assertThat(held).hasSize(2);
    }

    @Test
    void graphsWithoutAScheduleNeverFire() {
        assigned.add(graph("manual", 1, ""));

        assertThat(scheduler.tick()).isEmpty();
        clock.advance(Duration.ofDays(2));
        assertThat(scheduler.tick()).isEmpty();
        assertThat(fired).isEmpty();
    }
}
