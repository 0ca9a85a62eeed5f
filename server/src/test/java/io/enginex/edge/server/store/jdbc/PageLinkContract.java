package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore.Outcome;
import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.Session;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Session page links and a job's device times, on every database. */
interface PageLinkContract extends StoreFixture {
    @Test
    default void pageLinksAreFoundByHolderListedAndRevokedOnceWithinTheirTenant() {
        String tenant = newTenant();
        String other = newTenant();
        Session session = newSession(tenant);
        Instant now = now();
        PageLink older = stores().pageLinks()
                .create(new PageLink(
                        StoreFixture.id("pgl"),
                        tenant,
                        session.id(),
                        "key_a",
                        now,
                        now.plus(Duration.ofDays(7)),
                        null,
                        null));
        PageLink newer = stores().pageLinks()
                .create(new PageLink(
                        StoreFixture.id("pgl"),
                        tenant,
                        session.id(),
                        "key_a",
                        now.plusSeconds(1),
                        now.plus(Duration.ofDays(7)),
                        null,
                        null));

        assertThat(stores().pageLinks().newest(tenant, session.id(), "key_a")).contains(newer);
        assertThat(stores().pageLinks().newest(tenant, session.id(), "key_b")).isEmpty();
        assertThat(stores().pageLinks().list(tenant, session.id())).containsExactly(newer, older);
        assertThat(stores().pageLinks().revoke(other, older.id(), "usr_x", now)).isEmpty();
        assertThat(stores().pageLinks().find(other, older.id())).isEmpty();

        PageLink revoked =
                stores().pageLinks().revoke(tenant, older.id(), "usr_a", now).orElseThrow();
        PageLink again = stores().pageLinks()
                .revoke(tenant, older.id(), "usr_b", now.plusSeconds(5))
                .orElseThrow();

        assertThat(revoked.revokedAt()).isEqualTo(now);
        assertThat(revoked.revokedBy()).isEqualTo("usr_a");
        assertThat(again).isEqualTo(revoked);
        assertThat(revoked.usableAt(now)).isFalse();
        assertThat(stores().pageLinks().find(tenant, newer.id()).orElseThrow().usableAt(now))
                .isTrue();
    }

    @Test
    default void aJobKeepsTheDevicesTimesApartFromTheHubs() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        Instant hub = now();
        Instant deviceStart = hub.minus(Duration.ofDays(1)).minusSeconds(3);
        Instant deviceEnd = hub.minus(Duration.ofDays(1));

        stores().jobs()
                .complete(
                        tenant,
                        job.id(),
                        job.agentId(),
                        new Outcome(
                                JobState.SUCCEEDED,
                                "{}",
                                null,
                                null,
                                hub,
                                hub,
                                false,
                                new Job.DeviceTimes(deviceStart, deviceEnd)));
        Job stored = stores().jobs().find(tenant, job.id()).orElseThrow();

        assertThat(stored.finishedAt()).isEqualTo(hub);
        assertThat(stored.device()).isEqualTo(new Job.DeviceTimes(deviceStart, deviceEnd));
    }
}
