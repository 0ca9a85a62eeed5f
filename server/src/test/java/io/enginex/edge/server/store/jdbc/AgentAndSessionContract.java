package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentSessionEvent;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentSessionReport;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

interface AgentAndSessionContract extends StoreFixture {
    JdbcStores jdbcStores();

    @Test
    default void createdAgentIsFoundListedAndAuthenticatedById() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);

        assertThat(agent.labels()).containsExactly("office", "finance");
        assertThat(stores().agents().find(tenant, agent.id())).contains(agent);
        assertThat(stores().agents().list(tenant)).containsExactly(agent);
        assertThat(stores().agents().findForAuthentication(agent.id())).contains(agent);
        assertThat(stores().agents().findForAuthentication("agt_unknown")).isEmpty();
    }

    @Test
    default void agentRemembersTheTokenItRegisteredWith() {
        String tenant = newTenant();
        RegistrationToken token = stores().registrationTokens()
                .create(
                        StoreFixture.id("rt"),
                        tenant,
                        StoreFixture.id("h"),
                        null,
                        List.of(),
                        1,
                        now().plus(Duration.ofHours(1)),
                        null,
                        null);
        Agent agent = stores().agents()
                .create(Agent.registered(
                        StoreFixture.id("agt"), tenant, "key", null, null, null, null, List.of(), token.id(), null));

        Agent stored = stores().agents().find(tenant, agent.id()).orElseThrow();
        assertThat(stored.registrationTokenId()).isEqualTo(token.id());
        assertThat(stored.toolsJson()).isEqualTo("[]");
        assertThat(stored.createdAt()).isNotNull();
        assertThat(stored).isEqualTo(agent);
    }

    @Test
    default void aPauseIsRecordedReplacedAndClearedPerAgentAndTenant() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);
        AgentPause first = new AgentPause("alice", now().minusSeconds(60), now());
        AgentPause second = new AgentPause("bob", now(), now());

        assertThat(stores().agents().recordPause(tenant, agent.id(), first)).isEmpty();
        assertThat(stores().agents().findPause(tenant, agent.id())).contains(first);
        assertThat(stores().agents().findPause(other, agent.id())).isEmpty();
        assertThat(stores().agents().recordPause(tenant, agent.id(), second)).contains(first);
        assertThat(stores().agents().recordPause(tenant, agent.id(), null)).contains(second);
        assertThat(stores().agents().findPause(tenant, agent.id())).isEmpty();
    }

    @Test
    default void sessionPartsAreReplacedAtEachReportPerAgentAndTenantAndEachReportReturnsTheListBefore() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);
        Instant first = now();
        Instant second = first.plusSeconds(30);
        Instant third = first.plusSeconds(60);
        AgentSessionPart alice = new AgentSessionPart("alice", "wayland", first.minusSeconds(60), first);
        AgentSessionPart bob = new AgentSessionPart("bob", "x11", first.minusSeconds(5), first);
        AgentSessionPart bobAgain = new AgentSessionPart("bob", "x11", bob.since(), second);

        assertThat(stores().agents().findSessionReport(tenant, agent.id())).isEmpty();
        assertThat(stores().agents().recordSessionParts(tenant, agent.id(), List.of(bob, alice), first))
                .isEmpty();
        assertThat(stores().agents().findSessionReport(tenant, agent.id()))
                .contains(new AgentSessionReport(first, List.of(alice, bob)));
        assertThat(stores().agents().findSessionReport(other, agent.id())).isEmpty();
        assertThat(stores().agents().recordSessionParts(other, agent.id(), List.of(), second))
                .as("another tenant's report of the same agent id replaces nothing of this tenant's")
                .isEmpty();
        assertThat(stores().agents().findSessionReport(tenant, agent.id()))
                .contains(new AgentSessionReport(first, List.of(alice, bob)));

        assertThat(stores().agents().recordSessionParts(tenant, agent.id(), List.of(bobAgain), second))
                .containsExactly(alice, bob);
        assertThat(stores().agents().findSessionReport(tenant, agent.id()))
                .contains(new AgentSessionReport(second, List.of(bobAgain)));
        assertThat(stores().agents().recordSessionParts(tenant, agent.id(), List.of(), third))
                .containsExactly(bobAgain);
        assertThat(stores().agents().findSessionReport(tenant, agent.id()))
                .as("an empty report keeps its time: nobody was signed in at %s", third)
                .contains(new AgentSessionReport(third, List.of()));
    }

    @Test
    default void aSessionEventIsRecordedOncePerPartAndEventAndTenant() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);
        Agent others = newAgent(other);
        Instant since = now().minusSeconds(3600);
        Instant received = now();
        AgentSessionEvent started = new AgentSessionEvent("bob", since, "started", since, received, true);
        AgentSessionEvent ended = new AgentSessionEvent("bob", since, "ended", since.plusSeconds(1800), received, true);

        assertThat(stores().agents().recordSessionEvent(tenant, agent.id(), started))
                .isTrue();
        assertThat(stores().agents().recordSessionEvent(tenant, agent.id(), ended))
                .isTrue();
        assertThat(stores().agents()
                        .recordSessionEvent(
                                tenant,
                                agent.id(),
                                new AgentSessionEvent(
                                        "bob",
                                        since,
                                        "ended",
                                        since.plusSeconds(1900),
                                        received.plusSeconds(5),
                                        false)))
                .as("the same part's end again (a resend, or the list showing it): not recorded twice")
                .isFalse();
        assertThat(stores().agents().recordSessionEvent(other, others.id(), started))
                .as("another tenant's agent has its own events")
                .isTrue();
        assertThat(stores().agents().findSessionEvents(tenant, agent.id())).containsExactly(started, ended);
        assertThat(stores().agents().findSessionEvents(other, agent.id())).isEmpty();
    }

    @Test
    default void theSessionListItsEventsAndTheirAuditCommitOrRollBackTogether() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Instant at = now();
        AgentSessionPart alice = new AgentSessionPart("alice", "wayland", at.minusSeconds(60), at);
        AgentSessionEvent started = new AgentSessionEvent("alice", alice.since(), "started", alice.since(), at, true);
        AuditEvent audit = new AuditEvent(
                StoreFixture.id("aud"),
                tenant,
                at,
                "agent-session.started",
                "agent",
                agent.id(),
                null,
                "agent",
                agent.id(),
                "success",
                "{\"user\":\"alice\"}");

        // What PauseReports does for a state frame, with a failure after every write (a hub crash).
        assertThatThrownBy(() -> jdbcStores().transactions().run(() -> {
                    stores().agents().recordSessionParts(tenant, agent.id(), List.of(alice), at);
                    stores().agents().recordSessionEvent(tenant, agent.id(), started);
                    stores().audit().append(audit);
                    throw new IllegalStateException("injected after the writes");
                }))
                .hasMessage("injected after the writes");
        assertThat(stores().agents().findSessionReport(tenant, agent.id())).isEmpty();
        assertThat(stores().agents().findSessionEvents(tenant, agent.id())).isEmpty();
        assertThat(stores().audit().list(tenant, "agent-session.started", null, null, null, 10))
                .isEmpty();

        jdbcStores().transactions().run(() -> {
            stores().agents().recordSessionParts(tenant, agent.id(), List.of(alice), at);
            assertThat(stores().agents().recordSessionEvent(tenant, agent.id(), started))
                    .isTrue();
            stores().audit().append(audit);
        });
        assertThat(stores().agents().findSessionReport(tenant, agent.id()))
                .contains(new AgentSessionReport(at, List.of(alice)));
        assertThat(stores().agents().findSessionEvents(tenant, agent.id())).containsExactly(started);
        assertThat(stores().audit().list(tenant, "agent-session.started", null, null, null, 10))
                .hasSize(1);
    }

    @Test
    default void deregisteringRevokesOnceAndRecordsWhen() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Agent revokedByOperator = newAgent(tenant);
        Instant at = now();

        assertThat(stores().agents().deregister(newTenant(), agent.id(), at)).isFalse();
        assertThat(stores().agents().deregister(tenant, agent.id(), at)).isTrue();
        assertThat(stores().agents().deregister(tenant, agent.id(), at.plusSeconds(1)))
                .isFalse();
        stores().agents().revoke(tenant, revokedByOperator.id(), at);

        assertThat(stores().agents().find(tenant, agent.id()).orElseThrow().revokedAt())
                .isEqualTo(at);
        assertThat(stores().agents().findDeregistered(tenant, agent.id())).contains(at);
        assertThat(stores().agents().findDeregistered(tenant, revokedByOperator.id()))
                .isEmpty();
    }

    @Test
    default void labelsAreReplacedInTheAgentsTenantOnly() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);

        assertThat(stores().agents().setLabels(newTenant(), agent.id(), List.of("x")))
                .isFalse();
        assertThat(stores().agents().setLabels(tenant, agent.id(), List.of("team=eu", "laptop")))
                .isTrue();
        assertThat(stores().agents().find(tenant, agent.id()).orElseThrow().labels())
                .containsExactly("team=eu", "laptop");
        assertThat(stores().agents().setLabels(tenant, agent.id(), List.of())).isTrue();
        assertThat(stores().agents().find(tenant, agent.id()).orElseThrow().labels())
                .isEmpty();
    }

    @Test
    default void onlyARevokedAgentIsArchivedAndOnlyOnce() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);
        Agent live = newAgent(tenant);
        Instant at = now();

        assertThat(stores().agents().archive(tenant, agent.id(), at))
                .as("not revoked")
                .isFalse();
        stores().agents().revoke(tenant, agent.id(), at);
        assertThat(stores().agents().archive(other, agent.id(), at)).isFalse();
        assertThat(stores().agents().archive(tenant, agent.id(), at)).isTrue();
        assertThat(stores().agents().archive(tenant, agent.id(), at.plusSeconds(1)))
                .isFalse();

        assertThat(stores().agents().findArchived(tenant, agent.id())).contains(at);
        assertThat(stores().agents().findArchived(tenant, live.id())).isEmpty();
        assertThat(stores().agents().findArchived(other, agent.id())).isEmpty();
        assertThat(stores().agents().archivedIds(tenant)).containsExactly(agent.id());
        assertThat(stores().agents().archivedIds(other)).isEmpty();
    }

    @Test
    default void creatingAnAgentTwiceIsADuplicate() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);

        assertThatThrownBy(() -> stores().agents().create(agent)).isInstanceOf(DuplicateException.class);
    }

    @Test
    default void helloAndTouchUpdateTheAgent() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Instant hello = now();
        String tools = "[{\"name\":\"file.read\"}]";

        stores().agents().updateHello(tenant, agent.id(), "host-2", "windows", "arm64", "1.1.0", tools, hello);
        Agent updated = stores().agents().find(tenant, agent.id()).orElseThrow();
        assertThat(updated.hostname()).isEqualTo("host-2");
        assertThat(updated.os()).isEqualTo("windows");
        assertThat(updated.arch()).isEqualTo("arm64");
        assertThat(updated.agentVersion()).isEqualTo("1.1.0");
        assertThat(updated.toolsJson()).isEqualTo(tools);
        assertThat(updated.lastSeenAt()).isEqualTo(hello);

        Instant later = hello.plusSeconds(30);
        stores().agents().touch(tenant, agent.id(), later);
        assertThat(stores().agents().find(tenant, agent.id()).orElseThrow().lastSeenAt())
                .isEqualTo(later);
    }

    @Test
    default void revokingAnAgentRecordsWhenAndHappensOnce() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Instant now = now();

        assertThat(stores().agents().revoke(tenant, agent.id(), now)).isTrue();
        assertThat(stores().agents().revoke(tenant, agent.id(), now.plusSeconds(1)))
                .isFalse();

        Agent revoked = stores().agents().findForAuthentication(agent.id()).orElseThrow();
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revokedAt()).isEqualTo(now);
    }

    @Test
    default void anotherTenantCannotSeeOrChangeAnAgent() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);

        assertThat(stores().agents().find(other, agent.id())).isEmpty();
        assertThat(stores().agents().list(other)).isEmpty();
        assertThat(stores().agents().revoke(other, agent.id(), now())).isFalse();
        stores().agents().updateHello(other, agent.id(), "evil", "evil", "evil", "6.6.6", "[]", now());
        stores().agents().touch(other, agent.id(), now());

        assertThat(stores().agents().find(tenant, agent.id())).contains(agent);
    }

    @Test
    default void sessionsAreListedNewestFirstUpToTheLimit() {
        String tenant = newTenant();
        Instant base = now();
        Session oldest = stores().sessions().create(new Session(StoreFixture.id("ses"), tenant, "a", "bob", base));
        Session middle = stores().sessions()
                .create(new Session(StoreFixture.id("ses"), tenant, "b", "bob", base.plusSeconds(1)));
        Session newest = stores().sessions()
                .create(new Session(StoreFixture.id("ses"), tenant, "c", "bob", base.plusSeconds(2)));

        assertThat(stores().sessions().list(tenant, 10)).containsExactly(newest, middle, oldest);
        assertThat(stores().sessions().list(tenant, 2)).containsExactly(newest, middle);
        assertThat(stores().sessions().find(tenant, oldest.id())).contains(oldest);
    }

    @Test
    default void anotherTenantCannotSeeASession() {
        String tenant = newTenant();
        String other = newTenant();
        Session session = newSession(tenant);

        assertThat(stores().sessions().find(other, session.id())).isEmpty();
        assertThat(stores().sessions().list(other, 10)).isEmpty();
        assertThatThrownBy(() -> stores().sessions().create(session)).isInstanceOf(DuplicateException.class);
    }
}
