package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.ConnectionRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agents' connection history, on every database. */
interface ConnectionHistoryContract extends StoreFixture {
    private ConnectionRecord open(String tenant, String agent, int n, String node, Instant at) {
        var c = new ConnectionRecord(
                "con_" + String.format("%03d", n) + StoreFixture.id(""),
                tenant,
                agent,
                node,
                "10.0.0.7",
                at,
                null,
                null,
                null);
        stores().connections().opened(c);
        return c;
    }

    @Test
    default void connectionsAreListedPerAgentNewestFirstAndPaged() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Agent other = newAgent(tenant);
        Instant t0 = now().minus(1, ChronoUnit.HOURS);
        var first = open(tenant, agent.id(), 1, "hub-1", t0);
        var second = open(tenant, agent.id(), 2, "hub-2", t0.plusSeconds(60));
        open(tenant, other.id(), 3, "hub-1", t0.plusSeconds(120));

        assertThat(stores().connections().list(tenant, agent.id(), null, 10)).containsExactly(second, first);
        assertThat(stores().connections().list(tenant, agent.id(), null, 1)).containsExactly(second);
        assertThat(stores().connections().list(tenant, agent.id(), second.id(), 10))
                .containsExactly(first);
    }

    @Test
    default void aConnectionIsClosedOnceWithItsCodeAndReasonAndOnlyInItsTenant() {
        String tenant = newTenant();
        String otherTenant = newTenant();
        Agent agent = newAgent(tenant);
        var c = open(tenant, agent.id(), 1, "hub-1", now());
        Instant end = now().plusSeconds(5);

        assertThat(stores().connections().closed(otherTenant, c.id(), end, 1000, "x"))
                .isFalse();
        assertThat(stores().connections().closed(tenant, c.id(), end, 4001, "agent revoked"))
                .isTrue();
        assertThat(stores().connections().closed(tenant, c.id(), end.plusSeconds(1), 1006, null))
                .isFalse();

        assertThat(stores().connections().list(tenant, agent.id(), null, 10))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.disconnectedAt()).isEqualTo(end);
                    assertThat(r.closeCode()).isEqualTo(4001);
                    assertThat(r.closeReason()).isEqualTo("agent revoked");
                    assertThat(r.open()).isFalse();
                    assertThat(r.remoteAddress()).isEqualTo("10.0.0.7");
                    assertThat(r.hubNode()).isEqualTo("hub-1");
                });
        assertThat(stores().connections().list(otherTenant, agent.id(), null, 10))
                .isEmpty();
    }

    @Test
    default void aCloseWithoutACodeKeepsItNullAndLongReasonsAreCut() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        var c = open(tenant, agent.id(), 1, "hub-1", now());

        stores().connections().closed(tenant, c.id(), now(), null, "x".repeat(2000));

        var r = stores().connections().list(tenant, agent.id(), null, 1).get(0);
        assertThat(r.closeCode()).isNull();
        assertThat(r.closeReason()).hasSize(ConnectionRecord.MAX_REASON);
    }

    @Test
    default void aRestartingNodeClosesOnlyTheConnectionsItLeftOpen() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        String node = StoreFixture.id("node");
        var mine = open(tenant, agent.id(), 1, node, now());
        var elsewhere = open(tenant, agent.id(), 2, node + "-b", now());
        Instant at = now().plusSeconds(1);

        assertThat(stores().connections().closeAllOf(node, at, "hub node stopped"))
                .isEqualTo(1);

        List<ConnectionRecord> rows = stores().connections().list(tenant, agent.id(), null, 10);
        assertThat(rows)
                .filteredOn(r -> r.id().equals(mine.id()))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.disconnectedAt()).isEqualTo(at);
                    assertThat(r.closeReason()).isEqualTo("hub node stopped");
                });
        assertThat(rows)
                .filteredOn(r -> r.id().equals(elsewhere.id()))
                .singleElement()
                .satisfies(r -> assertThat(r.open()).isTrue());
    }

    @Test
    default void purgeKeepsTheNewestPerAgentAndNothingEndedBeforeTheCutoff() {
        String tenant = newTenant();
        Agent busy = newAgent(tenant);
        Agent old = newAgent(tenant);
        Instant t0 = now().minus(1, ChronoUnit.HOURS);
        for (int i = 1; i <= 5; i++) {
            open(tenant, busy.id(), i, "hub-1", t0.plusSeconds(i));
        }
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        var ancient = open(tenant, old.id(), 1, "hub-1", longAgo);
        stores().connections().closed(tenant, ancient.id(), longAgo.plusSeconds(5), 1000, null);
        var stillOpen = open(tenant, old.id(), 2, "hub-1", longAgo.plusSeconds(10));

        stores().connections().purge(Instant.parse("2021-01-01T00:00:00Z"), 3);

        assertThat(stores().connections().list(tenant, busy.id(), null, 10))
                .extracting(r -> r.id().substring(0, 7))
                .containsExactly("con_005", "con_004", "con_003");
        assertThat(stores().connections().list(tenant, old.id(), null, 10)).containsExactly(stillOpen);
    }
}
