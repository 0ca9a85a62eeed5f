package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Instants come back exactly as written, at microsecond precision, on every database. */
interface InstantContract extends StoreFixture {
    @Test
    default void instantsRoundTripToTheMicrosecond() {
        String tenant = newTenant();
        Job base = newJob(tenant);
        Instant created = Instant.parse("2031-03-30T01:30:00.123456Z"); // a DST change in Europe
        Instant deadline = Instant.parse("2099-12-31T23:59:59.999999Z");

        Job job = newJob(tenant, base.agentId(), base.sessionId(), created, deadline);
        Job stored = stores().jobs().find(tenant, job.id()).orElseThrow();

        assertThat(stored.createdAt()).isEqualTo(created);
        assertThat(stored.deadline()).isEqualTo(deadline);
        assertThat(stored).isEqualTo(job);
    }

    @Test
    default void nanosecondsAreTruncatedToMicroseconds() {
        String tenant = newTenant();
        Job base = newJob(tenant);
        Instant started = Instant.parse("2030-06-01T12:00:00.123456789Z");
        Instant finished = Instant.parse("2030-06-01T12:00:01.000000999Z");

        stores().jobs()
                .complete(
                        tenant,
                        base.id(),
                        base.agentId(),
                        new Outcome(JobState.SUCCEEDED, "{}", null, null, started, finished, false));
        Job stored = stores().jobs().find(tenant, base.id()).orElseThrow();

        assertThat(stored.startedAt()).isEqualTo(started.truncatedTo(ChronoUnit.MICROS));
        assertThat(stored.finishedAt()).isEqualTo(Instant.parse("2030-06-01T12:00:01Z"));
    }

    @Test
    default void instantsBeforeTheEpochAndFarAheadRoundTrip() {
        String tenant = newTenant();
        Instant[] values = {
            Instant.parse("1969-07-20T20:17:40.000001Z"), Instant.EPOCH, Instant.parse("2262-04-11T23:47:16.854775Z")
        };
        for (Instant value : values) {
            Job base = newJob(tenant);
            stores().jobs().markDispatched(tenant, base.id(), value);

            assertThat(stores().jobs().find(tenant, base.id()).orElseThrow().dispatchedAt())
                    .isEqualTo(value);
        }
    }
}
