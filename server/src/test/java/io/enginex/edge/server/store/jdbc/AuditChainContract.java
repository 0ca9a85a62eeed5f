package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.enginex.edge.server.audit.AuditChain;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditHash;
import io.enginex.edge.server.store.AuditStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The audit trail's hash chain on every database: it verifies, concurrent writers do not fork it,
 * and an event edited, deleted or reordered in the database (behind the hub's back) is reported at
 * the right link.
 */
interface AuditChainContract extends StoreFixture {
    JdbcStores jdbcStores();

    private List<AuditEvent> appendEvents(String tenant, int n) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            events.add(stores().audit().append(event(tenant, i)));
        }
        return events;
    }

    private AuditEvent event(String tenant, int i) {
        return new AuditEvent(
                StoreFixture.id("aud"),
                tenant,
                now(),
                "token.created",
                "user",
                "usr_" + i,
                "10.0.0." + i,
                "registration_token",
                "rt_" + i,
                "success",
                "{\"n\":" + i + "}");
    }

    private Jdbi jdbi() {
        return Jdbi.create(jdbcStores().dataSource());
    }

    private AuditChain.Report verify(String tenant) {
        return new AuditChain(stores().audit()).verify(tenant);
    }

    @Test
    default void aChainOfATenantVerifiesLinkByLink() {
        String tenant = newTenant();
        List<AuditEvent> events = appendEvents(tenant, 5);

        assertThat(events).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events.getFirst().prevHash()).isEqualTo(AuditHash.GENESIS);
        assertThat(events.get(1).prevHash()).isEqualTo(events.getFirst().hash());
        var report = verify(tenant);
        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.events()).isEqualTo(5);
        assertThat(verify(newTenant()).events()).isZero();
    }

    @Test
    default void concurrentWritersOfOneTenantDoNotForkTheChain() throws Exception {
        String tenant = newTenant();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                writes.add(pool.submit(() -> appendEvents(tenant, 10)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }

        var report = verify(tenant);
        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.events()).isEqualTo(80);
    }

    @Test
    default void anEditedEventIsReportedAtItsLink() {
        String tenant = newTenant();
        List<AuditEvent> events = appendEvents(tenant, 5);
        jdbi().useHandle(h -> h.execute(
                "UPDATE audit_events SET actor_id = 'usr_innocent' WHERE id = ?",
                events.get(2).id()));

        var broken = verify(tenant).firstBreak();

        assertThat(broken).isNotNull();
        assertThat(broken.eventId()).isEqualTo(events.get(2).id());
        assertThat(broken.seq()).isEqualTo(3);
        assertThat(broken.at()).isEqualTo(events.get(2).at());
        assertThat(broken.problem()).contains("content was changed");
        assertThat(verify(tenant).events()).isEqualTo(2);
    }

    @Test
    default void aDeletedEventIsReportedAtTheLinkAfterIt() {
        String tenant = newTenant();
        List<AuditEvent> events = appendEvents(tenant, 5);
        jdbi().useHandle(h ->
                h.execute("DELETE FROM audit_events WHERE id = ?", events.get(2).id()));

        var broken = verify(tenant).firstBreak();

        assertThat(broken.eventId()).isEqualTo(events.get(3).id());
        assertThat(broken.seq()).isEqualTo(4);
        assertThat(broken.problem()).contains("1 event(s) before it are missing");
    }

    @Test
    default void theNewestEventDeletedIsReportedAtTheEnd() {
        String tenant = newTenant();
        List<AuditEvent> events = appendEvents(tenant, 5);
        jdbi().useHandle(h ->
                h.execute("DELETE FROM audit_events WHERE id = ?", events.get(4).id()));

        var report = verify(tenant);

        assertThat(report.firstBreak().eventId()).isNull();
        assertThat(report.firstBreak().seq()).isEqualTo(5);
        assertThat(report.firstBreak().problem()).contains("the newest 1 event(s) were deleted");
    }

    @Test
    default void reorderedEventsAreReportedAtTheFirstMovedLink() {
        String tenant = newTenant();
        List<AuditEvent> events = appendEvents(tenant, 5);
        jdbi().useHandle(h -> {
            h.execute(
                    "UPDATE audit_events SET seq = -1 WHERE id = ?",
                    events.get(1).id());
            h.execute(
                    "UPDATE audit_events SET seq = 2 WHERE id = ?",
                    events.get(2).id());
            h.execute(
                    "UPDATE audit_events SET seq = 3 WHERE id = ?",
                    events.get(1).id());
        });

        var broken = verify(tenant).firstBreak();

        assertThat(broken.eventId()).isEqualTo(events.get(2).id());
        assertThat(broken.seq()).isEqualTo(2);
        assertThat(broken.problem()).contains("deleted, inserted or reordered");
    }

    @Test
    default void chainsOfTenantsAndTheHubAreSeparate() {
        String a = newTenant();
        String b = newTenant();
        appendEvents(a, 3);
        appendEvents(b, 2);
        jdbi().useHandle(h ->
                h.execute("UPDATE audit_events SET outcome = 'failure' WHERE tenant_id = ? AND seq = 1", b));

        assertThat(verify(a).verified()).isTrue();
        assertThat(verify(a).events()).isEqualTo(3);
        assertThat(verify(b).firstBreak().seq()).isEqualTo(1);
    }

    private AuditStore nodeB() {
        return new JdbcAuditStore(jdbi(), "node-b");
    }

    @Test
    default void eachNodeAppendsToItsOwnChainOfATenantAndEveryChainVerifies() throws Exception {
        String tenant = newTenant();
        AuditStore b = nodeB();
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                AuditStore store = t % 2 == 0 ? stores().audit() : b;
                writes.add(pool.submit(() -> {
                    for (int i = 1; i <= 10; i++) {
                        store.append(event(tenant, i));
                    }
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        }

        var report = verify(tenant);

        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.events()).isEqualTo(80);
        assertThat(report.chains())
                .extracting(AuditChain.Chain::chain, AuditChain.Chain::events)
                .containsExactly(tuple(JdbcStores.SINGLE_NODE, 40L), tuple("node-b", 40L));
        List<AuditEvent> bChain = b.chain(tenant, "node-b", 0, 100);
        assertThat(bChain).extracting(AuditEvent::seq).startsWith(1L, 2L).hasSize(40);
        assertThat(report.chains().get(1).lastHash()).isEqualTo(bChain.getLast().hash());
        assertThat(stores().audit().list(tenant, null, null, null, null, 100))
                .as("reading merges the chains")
                .hasSize(80);
    }

    @Test
    default void aTenantsFirstChainFromBeforeChainsWerePerNodeStillVerifiesBesideTheNodeChains() {
        String tenant = newTenant();
        // The first chain as a hub before V14 wrote it: no chain name (so no name in the hash), a head
        // row in audit_chain_heads.
        String previous = AuditHash.GENESIS;
        List<AuditEvent> old = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            AuditEvent e = event(tenant, i);
            AuditEvent linked = new AuditEvent(
                            e.id(),
                            e.tenantId(),
                            Timestamps.truncate(e.at()),
                            e.type(),
                            e.actorType(),
                            e.actorId(),
                            e.sourceIp(),
                            e.targetType(),
                            e.targetId(),
                            e.outcome(),
                            e.detailsJson())
                    .chained(null, i, previous);
            old.add(linked);
            previous = linked.hash();
        }
        String head = previous;
        jdbi().useHandle(h -> {
            for (AuditEvent e : old) {
                h.createUpdate("""
                                INSERT INTO audit_events (id, tenant_id, at, type, actor_type, actor_id, source_ip,
                                    target_type, target_id, outcome, details, seq, prev_hash, hash)
                                VALUES (:id, :tenantId, :at, :type, :actorType, :actorId, :sourceIp,
                                    :targetType, :targetId, :outcome, :detailsJson, :seq, :prevHash, :hash)""")
                        .bindMethods(e)
                        .bind("at", Timestamps.arg(e.at()))
                        .execute();
            }
            h.execute("INSERT INTO audit_chain_heads (chain, seq, last_hash) VALUES (?, 3, ?)", tenant, head);
        });
        appendEvents(tenant, 2);

        var report = verify(tenant);

        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.chains())
                .extracting(AuditChain.Chain::chain, AuditChain.Chain::events)
                .containsExactly(tuple(null, 3L), tuple(JdbcStores.SINGLE_NODE, 2L));
        jdbi().useHandle(h -> h.execute(
                "UPDATE audit_events SET details = '{}' WHERE id = ?",
                old.get(1).id()));
        var broken = verify(tenant).firstBreak();
        assertThat(broken.chain()).isNull();
        assertThat(broken.eventId()).isEqualTo(old.get(1).id());
    }

    @Test
    default void aNodeChainWhoseHeadWasDeletedIsReported() {
        String tenant = newTenant();
        appendEvents(tenant, 2);
        nodeB().append(event(tenant, 3));
        jdbi().useHandle(h -> h.execute("DELETE FROM audit_node_chains WHERE node = 'node-b'"));

        var broken = verify(tenant).firstBreak();

        assertThat(broken.chain()).isEqualTo("node-b");
        assertThat(broken.eventId()).isNull();
        assertThat(broken.problem()).contains("no head row");
    }

    @Test
    default void aChainRenamedAsAnotherNodesIsReportedBecauseTheHashCoversTheName() {
        String tenant = newTenant();
        AuditEvent only = appendEvents(tenant, 1).getFirst();
        jdbi().useHandle(h -> {
            h.execute("UPDATE audit_events SET chain_node = 'node-b' WHERE id = ?", only.id());
            h.execute("UPDATE audit_node_chains SET node = 'node-b' WHERE tenant_key = ?", tenant);
        });

        var broken = verify(tenant).firstBreak();

        assertThat(broken).isNotNull();
        assertThat(broken.chain()).isEqualTo("node-b");
        assertThat(broken.eventId()).isEqualTo(only.id());
        assertThat(broken.problem()).contains("content was changed");
    }
}
