package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection's side of tenant policies against a fake hub: a welcome with tenant policies is
 * applied and answered with advertise, a policy frame likewise, and a welcome without them (an older
 * hub) gets no advertise at all.
 */
class TenantPolicyFramesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private FakeHub hub;
    private AgentIdentity identity;
    private AgentHarness agent;
    private final List<List<TenantPolicy>> applied = new CopyOnWriteArrayList<>();

    private final TenantPolicyHandler handler = policies -> {
        applied.add(policies);
        return new TenantPolicyHandler.Advertisement(
                List.of(),
                "sha256:" + policies.size(),
                JsonNodeFactory.instance.objectNode().put("tenantPolicies", policies.size()));
    };

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        identity = TestIdentities.create("agt_tp", hub.url());
        hub.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    private static TenantPolicy policy(String id) {
        return new TenantPolicy(
                id,
                "tenant",
                JsonNodeFactory.instance.objectNode().put("version", 1),
                Instant.parse("2026-11-26T10:00:00Z"));
    }

    @Test
    void welcomeAndPolicyFramesAreAppliedAndAnsweredWithAdvertise() {
        hub.tenantPolicies(List.of(policy("pol_1")));
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), handler)
                .start();

        Advertise first = hub.await(Advertise.class, a -> true, WAIT);
        assertThat(first.policyHash()).isEqualTo("sha256:1");
        assertThat(applied)
                .singleElement()
                .satisfies(p -> assertThat(p).extracting(TenantPolicy::id).containsExactly("pol_1"));

        hub.send(new PolicyUpdate(hub.nextId(), List.of(policy("pol_2"), policy("pol_3"))));

        Advertise second = hub.await(Advertise.class, a -> a.policyHash().equals("sha256:2"), WAIT);
        assertThat(second.effectivePolicy().path("tenantPolicies").asInt()).isEqualTo(2);
        assertThat(applied.get(1)).extracting(TenantPolicy::id).containsExactly("pol_2", "pol_3");
    }

    @Test
    void aHubThatSendsNoTenantPoliciesGetsNoAdvertise() {
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), handler)
                .start();
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.send(hub.dispatch("job_1", "sys.ping", JsonNodeFactory.instance.objectNode(), WAIT));

        hub.await(Result.class, r -> r.jobId().equals("job_1"), WAIT);

        assertThat(hub.received(Advertise.class, a -> true)).isEmpty();
        assertThat(applied).isEmpty();
    }
}
