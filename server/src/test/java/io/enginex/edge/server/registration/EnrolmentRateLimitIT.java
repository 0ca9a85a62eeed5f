package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrolment budgets on a real hub with the product's default limits (10 per minute per address):
 * every request here comes from 127.0.0.1, as a fleet behind one NAT address would. The hub's clock
 * stands still, so a budget cannot refill while a slow machine runs a test: each count is exact.
 */
class EnrolmentRateLimitIT {
    @TempDir
    Path dir;

    TestHub hub;
    String tenant;

    @BeforeEach
    void start() {
        hub = TestHub.start(
                dir,
                b -> b.rateLimits(10, 600).enrolmentRate(EnrolmentRate.DEFAULT_PER_MINUTE),
                new FakeClock(Instant.now()));
        tenant = hub.newTenant();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** The setting docs/INSTALL.md gives for 1,000 machines behind one NAT address. */
    @Test
    void thousandMachinesBehindOneAddressEnrolWithTheDocumentedTokenSetting() {
        String token = hub.newToken(tenant, Map.of("maxUses", 1000, "ttlSeconds", 86_400, "ratePerMinute", 1000));

        List<Integer> refused = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int status = hub.registerWith(token, TestAgent.newKeyPair()).status();
            if (status != 201) {
                refused.add(status);
            }
        }

        assertThat(refused).as("statuses other than 201").isEmpty();
        var agents = hub.api().get("/api/v1/tenants/" + tenant + "/agents", hub.platformKey());
        assertThat(agents.body().size()).isEqualTo(1000);
    }

    @Test
    void theDefaultStillLimitsAndTheRefusalNamesTheSettingToChange() {
        String token = hub.newToken(tenant, Map.of("maxUses", 50));

        for (int i = 0; i < 10; i++) {
            assertThat(hub.registerWith(token, TestAgent.newKeyPair()).status()).isEqualTo(201);
        }
        Response refused = hub.registerWith(token, TestAgent.newKeyPair());

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 60L));
        assertThat(refused.message())
                .contains("10/min, the hub's default")
                .contains("engine tokens create --tenant " + tenant + " --rate-limit")
                .contains("engine tenants update " + tenant + " --enrolment-rate-limit")
                .contains("engine serve --enrolment-rate-limit");
    }

    @Test
    void aTenantSettingRaisesTheBudgetOfItsTokensButNotOfOtherTenants() {
        var set = hub.api()
                .exchange(
                        "PATCH",
                        "/api/v1/tenants/" + tenant,
                        hub.tenantKey(tenant, "admin"),
                        Map.of(),
                        Map.of("enrolmentRatePerMinute", 30));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        String other = hub.newTenant();
        String token = hub.newToken(tenant, Map.of("maxUses", 50));
        String otherToken = hub.newToken(other, Map.of("maxUses", 50));

        for (int i = 0; i < 30; i++) {
            assertThat(hub.registerWith(token, TestAgent.newKeyPair()).status()).isEqualTo(201);
        }
        Response thirtyFirst = hub.registerWith(token, TestAgent.newKeyPair());
        for (int i = 0; i < 10; i++) {
            assertThat(hub.registerWith(otherToken, TestAgent.newKeyPair()).status())
                    .isEqualTo(201);
        }
        Response otherEleventh = hub.registerWith(otherToken, TestAgent.newKeyPair());

        assertThat(thirtyFirst.status()).isEqualTo(429);
        assertThat(thirtyFirst.message()).contains("30/min, set for tenant " + tenant);
        assertThat(otherEleventh.status()).isEqualTo(429);
    }

    @Test
    void unknownTokensStayLimitedPerAddressWhateverTheTenantAllowsAndDoNotBlockValidOnes() {
        hub.api()
                .exchange(
                        "PATCH",
                        "/api/v1/tenants/" + tenant,
                        hub.platformKey(),
                        Map.of(),
                        Map.of("enrolmentRatePerMinute", 10_000));
        String token = hub.newToken(tenant, Map.of("maxUses", 5, "ratePerMinute", 10_000));

        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            guesses.add(hub.registerWith("exr_guess-" + i + "-" + "x".repeat(30), TestAgent.newKeyPair())
                    .status());
        }
        Response twelfth = hub.registerWith("exr_guess-12-" + "x".repeat(30), TestAgent.newKeyPair());
        Response valid = hub.registerWith(token, TestAgent.newKeyPair());

        assertThat(guesses.subList(0, 10)).containsOnly(401);
        assertThat(guesses.get(10)).isEqualTo(429);
        assertThat(twelfth.status()).isEqualTo(429);
        assertThat(twelfth.message()).contains("guards against guessing tokens");
        assertThat(valid.status())
                .as("a valid token is not held back by guesses")
                .isEqualTo(201);
    }

    @Test
    void aRateOutOfRangeIsRefusedWithTheRange() {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/registration-tokens",
                        hub.platformKey(),
                        Map.of("ratePerMinute", 0));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("ratePerMinute must be between 1/min and 100000/min");
    }
}
