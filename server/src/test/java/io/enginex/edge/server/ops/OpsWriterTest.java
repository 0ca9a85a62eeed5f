package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.FakeOpsBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsWriterTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:05Z"));
    private final Map<String, AgentCounts> agents = new HashMap<>();
    private final OpsHistory history = new OpsHistory(clock, "hub-1", OpsHistory.ConnectedAgents.of(() -> 0, Map::of));
    private final FakeOpsBuckets buckets = new FakeOpsBuckets();
    private final OpsWriter writer = new OpsWriter(history, buckets, () -> Map.copyOf(agents), clock);

    @Test
    void eachFinishedBucketIsWrittenOnceInOneWriteWhateverTheNumberOfTenants() {
        for (int t = 0; t < 50; t++) {
            history.dispatched("ten_" + t);
        }
        writer.run();
        assertThat(buckets.writes()).as("the bucket has not finished").isEmpty();

        clock.advance(Duration.ofSeconds(10));
        writer.run();
        writer.run();

        assertThat(buckets.writes()).hasSize(1);
        assertThat(buckets.writes().getFirst()).hasSize(51);
        assertThat(writer.writes()).isEqualTo(1);
        assertThat(writer.rows()).isEqualTo(51);
    }

    @Test
    void aFailedWriteIsCarriedByTheNextBucketsWrite() {
        history.dispatched("ten_a");
        long first = history.currentIndex();
        clock.advance(Duration.ofSeconds(10));
        buckets.failNextWrite(new IllegalStateException("database unavailable"));
        writer.run();
        writer.run(); // not retried within the same bucket
        assertThat(buckets.writes()).isEmpty();

        history.dispatched("ten_a");
        clock.advance(Duration.ofSeconds(10));
        writer.run();

        assertThat(buckets.writes()).hasSize(1);
        List<OpsBuckets.Row> rows = buckets.writes().getFirst();
        assertThat(rows)
                .extracting(r -> r.tenantId() + "@" + (r.index() - first))
                .containsExactly("null@0", "ten_a@0", "null@1", "ten_a@1");
    }

    @Test
    void theClosingBucketCarriesTheAgentsByStateAndNothingBeforeTheNodeStartedIsWritten() {
        agents.put("ten_a", new AgentCounts(3, 1, 1));
        clock.advance(Duration.ofSeconds(10));

        writer.run();

        List<OpsBuckets.Row> rows = buckets.writes().getFirst();
        assertThat(rows).extracting(OpsBuckets.Row::index).containsOnly(history.currentIndex() - 1);
        assertThat(rows)
                .filteredOn(r -> "ten_a".equals(r.tenantId()))
                .singleElement()
                .satisfies(r -> assertThat(List.of(r.connected(), r.busy(), r.unresponsive()))
                        .containsExactly(3, 1, 1));
    }
}
