package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration tokens as IT uses them in a rollout: who made them, what each enrolled, attempts bounded per token. */
class TokenRolloutIT {
    @TempDir
    Path dir;

    @Test
    void tokenListShowsCreatorUsesLastUseAndEachEnrolledAgent() {
        try (TestHub hub = TestHub.start(dir)) {
            String tenant = hub.newTenant();
            String admin = hub.tenantKey(tenant, "admin");
            var created = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/registration-tokens",
                            admin,
                            Map.of("maxUses", 3, "labels", List.of("finance")));
            String token = created.get("token");
            String first = hub.registerWith(token, TestAgent.newKeyPair()).get("agentId");
            String second = hub.registerWith(token, TestAgent.newKeyPair()).get("agentId");

            var list = hub.api().get("/api/v1/tenants/" + tenant + "/registration-tokens", admin);
            var row = list.body().get(0);

            assertThat(row.path("uses").asInt()).isEqualTo(2);
            assertThat(row.path("maxUses").asInt()).isEqualTo(3);
            assertThat(row.path("createdBy").asText()).startsWith("key_");
            assertThat(row.path("lastUsedAt").isTextual()).isTrue();
            assertThat(row.path("agents").findValuesAsText("id")).containsExactlyInAnyOrder(first, second);
            assertThat(row.path("agents").findValuesAsText("hostname")).containsOnly("test-host");
            assertThat(list.text()).doesNotContain(token);
        }
    }

    @Test
    void attemptsWithOneTokenAreLimitedWhateverTheAddress() {
        try (TestHub hub = TestHub.start(dir, b -> b.rateLimits(1_000, 3), Clock.systemUTC())) {
            int[] statuses = new int[4];
            for (int i = 0; i < 4; i++) {
                statuses[i] = hub.registerWith("exr_guessed-token-" + "x".repeat(30), TestAgent.newKeyPair())
                        .status();
            }
            var other = hub.registerWith("exr_another-token-" + "y".repeat(30), TestAgent.newKeyPair());

            assertThat(statuses).containsExactly(401, 401, 401, 429);
            assertThat(other.status()).as("another token is not held back").isEqualTo(401);
        }
    }
}
