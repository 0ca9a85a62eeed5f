package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentUpdate;
import org.junit.jupiter.api.Test;

interface AgentUpdateContract extends StoreFixture {
    private AgentUpdate report(Agent agent, String channel, int ring, String state, AgentUpdate.Failure failure) {
        return new AgentUpdate(
                agent.tenantId(),
                agent.id(),
                "1.4.0",
                channel,
                ring,
                "self",
                state,
                failure == null ? null : failure.version(),
                null,
                now(),
                failure,
                now());
    }

    @Test
    default void anAgentsReportReplacesItsLastAndIsFoundPerTenant() {
        String tenant = newTenant();
        String other = newTenant();
        Agent agent = newAgent(tenant);
        AgentUpdate first = report(agent, "stable", 7, "downloading", null);
        AgentUpdate second = report(
                agent,
                "beta",
                7,
                "rolled-back",
                new AgentUpdate.Failure("1.5.0", "no hello accepted within 300 s; rolled back to 1.4.0", now()));

        stores().agentUpdates().record(first);
        stores().agentUpdates().record(second);

        assertThat(stores().agentUpdates().find(tenant, agent.id())).contains(second);
        assertThat(stores().agentUpdates().list(tenant)).containsExactly(second);
        assertThat(stores().agentUpdates().find(other, agent.id())).isEmpty();
        assertThat(stores().agentUpdates().list(other)).isEmpty();
    }

    @Test
    default void theRingsOfAChannelHoldEveryTenantsAgentsButNotRevokedOnes() {
        String channel = "c" + StoreFixture.id("x").substring(2).toLowerCase(java.util.Locale.ROOT);
        String a = newTenant();
        String b = newTenant();
        Agent inRing = newAgent(a);
        Agent otherTenant = newAgent(b);
        Agent pastRing = newAgent(a);
        Agent revoked = newAgent(b);
        Agent otherChannel = newAgent(a);
        stores().agentUpdates().record(report(inRing, channel, 0, "idle", null));
        stores().agentUpdates().record(report(otherTenant, channel, 4, "idle", null));
        stores().agentUpdates().record(report(pastRing, channel, 5, "idle", null));
        stores().agentUpdates().record(report(revoked, channel, 1, "idle", null));
        stores().agentUpdates().record(report(otherChannel, channel + "-x", 1, "idle", null));
        stores().agents().revoke(b, revoked.id(), now());

        assertThat(stores().agentUpdates().inRings(channel, 0, 5))
                .extracting(AgentUpdate::agentId)
                .containsExactlyInAnyOrder(inRing.id(), otherTenant.id());
        assertThat(stores().agentUpdates().list(b))
                .extracting(AgentUpdate::agentId)
                .containsExactly(otherTenant.id());
    }
}
