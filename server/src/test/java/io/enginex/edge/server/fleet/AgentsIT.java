package io.enginex.edge.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents service on a real H2 store: another tenant's caller neither sees nor revokes an agent;
 * a viewer may not revoke; a revocation and its one {@code agent.revoked} commit together (a second
 * revocation audits nothing), so a failed audit write leaves the agent unrevoked.
 */
class AgentsIT {
    private static final Caller OPERATOR = new Caller("key_op", "acme", Role.OPERATOR);

    @TempDir
    Path dir;

    private TestServices s;
    private Agents agents;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        agents = s.agents();
        s.stores
                .agents()
                .create(Agent.registered(
                        "agt_1", "acme", "key", "host", "Linux", "amd64", "1", List.of(), null, s.clock.instant()));
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aCallerOfAnotherTenantNeitherSeesNorRevokesTheAgent() {
        Caller stranger = new Caller("key_x", "other", Role.OWNER);

        assertThatThrownBy(() -> agents.revoke(stranger, "acme", "agt_1", Origin.api(null)))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> agents.find(stranger, "acme", "agt_1")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> agents.find(stranger, "other", "agt_1"))
                .isInstanceOfSatisfying(
                        HubException.NotFound.class, e -> assertThat(e.code()).isEqualTo("agent_not_found"));
        assertThatThrownBy(() -> agents.revoke(new Caller("key_v", "acme", Role.VIEWER), "acme", "agt_1", null))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));

        assertThat(agents.find(OPERATOR, "acme", "agt_1").revoked()).isFalse();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void aRevocationIsAuditedOnceAndTellsLiveViews() {
        var revoked = agents.revoke(OPERATOR, "acme", "agt_1", Origin.dashboard("10.0.0.1"));
        agents.revoke(OPERATOR, "acme", "agt_1", Origin.api(null));

        assertThat(revoked.revoked()).isTrue();
        assertThat(s.events("acme", "agent.revoked")).singleElement().satisfies(e -> {
            assertThat(e.targetId()).isEqualTo("agt_1");
            assertThat(e.detailsJson()).contains("\"socketsClosed\":0").contains("\"via\":\"dashboard\"");
        });
        assertThat(s.changed).containsExactly("acme", "acme");
    }

    @Test
    void aFailedAuditWriteLeavesTheAgentUnrevoked() {
        s.failNextAuditWrite();

        assertThatThrownBy(() -> agents.revoke(OPERATOR, "acme", "agt_1", Origin.api(null)))
                .hasMessageContaining("audit write failed");

        assertThat(agents.find(OPERATOR, "acme", "agt_1").revoked()).isFalse();
        assertThat(s.changed).isEmpty();
    }

    @Test
    void aConnectionPageOutsideItsLimitsIsABadRequest() {
        assertThatThrownBy(() -> agents.connections(OPERATOR, "acme", "agt_1", null, 0))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(agents.connections(OPERATOR, "acme", "agt_1", null, 10)).isEmpty();
    }
}
