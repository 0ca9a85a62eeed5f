package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.CredentialStore.AccessGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

interface CredentialContract extends StoreFixture {
    @Test
    default void aReplayedAssertionIdIsRefused() {
        String agent = StoreFixture.id("agt");
        String jti = StoreFixture.id("jti");
        Instant expires = now().plusSeconds(300);

        assertThat(stores().credentials().rememberAssertion(agent, jti, expires))
                .isTrue();
        assertThat(stores().credentials().rememberAssertion(agent, jti, expires))
                .isFalse();
        assertThat(stores().credentials().rememberAssertion(StoreFixture.id("agt"), jti, expires))
                .as("the same jti from another agent is that agent's first use")
                .isTrue();
    }

    @Test
    default void anAccessTokenIsValidOnce() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        String hash = StoreFixture.id("sha256");
        Instant now = now();
        stores().credentials().saveAccessToken(hash, tenant, agent.id(), now.plusSeconds(60));

        assertThat(stores().credentials().consumeAccessToken(hash, now)).contains(new AccessGrant(tenant, agent.id()));
        assertThat(stores().credentials().consumeAccessToken(hash, now)).isEmpty();
        assertThat(stores().credentials().consumeAccessToken(StoreFixture.id("sha256"), now))
                .isEmpty();
    }

    @Test
    default void anAccessTokenIsInvalidFromItsExpiry() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        String hash = StoreFixture.id("sha256");
        Instant expiry = now().plusSeconds(60);
        stores().credentials().saveAccessToken(hash, tenant, agent.id(), expiry);

        assertThat(stores().credentials().consumeAccessToken(hash, expiry)).isEmpty();
        assertThat(stores().credentials().consumeAccessToken(hash, expiry.plusSeconds(1)))
                .isEmpty();
    }

    @Test
    default void concurrentUsesOfOneAccessTokenHaveOneWinner() throws Exception {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        String hash = StoreFixture.id("sha256");
        stores().credentials().saveAccessToken(hash, tenant, agent.id(), now().plusSeconds(60));
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<AccessGrant>>> grants = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                grants.add(pool.submit(() -> {
                    go.await();
                    return stores().credentials().consumeAccessToken(hash, now());
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Optional<AccessGrant>> f : grants) {
                winners += f.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        }
    }

    @Test
    default void purgingDeletesOnlyExpiredCredentials() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Instant now = now();
        String oldJti = StoreFixture.id("jti");
        String freshJti = StoreFixture.id("jti");
        String oldToken = StoreFixture.id("sha256");
        String freshToken = StoreFixture.id("sha256");
        stores().credentials().rememberAssertion(agent.id(), oldJti, now.minusSeconds(1));
        stores().credentials().rememberAssertion(agent.id(), freshJti, now.plusSeconds(300));
        stores().credentials().saveAccessToken(oldToken, tenant, agent.id(), now.minusSeconds(1));
        stores().credentials().saveAccessToken(freshToken, tenant, agent.id(), now.plusSeconds(60));

        assertThat(stores().credentials().purgeExpired(now)).isGreaterThanOrEqualTo(2);

        assertThat(stores().credentials().rememberAssertion(agent.id(), oldJti, now.plusSeconds(300)))
                .as("a purged jti is forgotten")
                .isTrue();
        assertThat(stores().credentials().rememberAssertion(agent.id(), freshJti, now.plusSeconds(300)))
                .isFalse();
        assertThat(stores().credentials().consumeAccessToken(freshToken, now)).isPresent();
    }
}
