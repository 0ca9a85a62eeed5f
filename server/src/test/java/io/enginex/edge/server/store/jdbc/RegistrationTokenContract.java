package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.RegistrationTokenStore.Outcome;
import io.enginex.edge.server.store.RegistrationTokenStore.Redemption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

interface RegistrationTokenContract extends StoreFixture {
    default RegistrationToken newToken(String tenantId, String hash, int maxUses, Instant expiresAt) {
        return stores().registrationTokens()
                .create(
                        StoreFixture.id("rt"),
                        tenantId,
                        hash,
                        "laptops",
                        List.of("office"),
                        maxUses,
                        expiresAt,
                        "alice",
                        null);
    }

    @Test
    default void tokenAndTenantKeepTheirEnrolmentRatesAndTheTokenIsFoundByItsHash() {
        String tenant = newTenant();
        String hash = StoreFixture.id("h");
        RegistrationToken token = stores().registrationTokens()
                .create(
                        StoreFixture.id("rt"),
                        tenant,
                        hash,
                        "nat rollout",
                        List.of(),
                        1000,
                        now().plus(Duration.ofHours(1)),
                        "alice",
                        1000);

        assertThat(stores().registrationTokens().findByHash(hash)).contains(token);
        assertThat(token.ratePerMinute()).isEqualTo(1000);
        assertThat(stores().registrationTokens().findByHash(StoreFixture.id("nothing")))
                .isEmpty();
        assertThat(stores().tenants().find(tenant).orElseThrow().enrolmentRatePerMinute())
                .isNull();
        assertThat(stores().tenants().setEnrolmentRate(tenant, 200)).isTrue();
        assertThat(stores().tenants().find(tenant).orElseThrow().enrolmentRatePerMinute())
                .isEqualTo(200);
        assertThat(stores().tenants().setEnrolmentRate(tenant, null)).isTrue();
        assertThat(stores().tenants().find(tenant).orElseThrow().enrolmentRatePerMinute())
                .isNull();
        assertThat(stores().tenants().setEnrolmentRate("no-such-tenant", 5)).isFalse();
    }

    @Test
    default void createdTokenIsFoundAndListedInItsTenantOnly() {
        String tenant = newTenant();
        String other = newTenant();
        RegistrationToken token = newToken(tenant, StoreFixture.id("h"), 1, now().plus(Duration.ofHours(1)));

        assertThat(token.uses()).isZero();
        assertThat(token.labels()).containsExactly("office");
        assertThat(stores().registrationTokens().find(tenant, token.id())).contains(token);
        assertThat(stores().registrationTokens().list(tenant)).containsExactly(token);
        assertThat(stores().registrationTokens().find(other, token.id())).isEmpty();
        assertThat(stores().registrationTokens().list(other)).isEmpty();
    }

    @Test
    default void twoTokensCannotShareASecretHash() {
        String tenant = newTenant();
        String hash = StoreFixture.id("h");
        newToken(tenant, hash, 1, now().plus(Duration.ofHours(1)));

        assertThatThrownBy(() -> newToken(tenant, hash, 1, now().plus(Duration.ofHours(1))))
                .isInstanceOf(DuplicateException.class);
    }

    @Test
    default void redeemingSpendsAUseUntilNoneAreLeft() {
        String tenant = newTenant();
        String hash = StoreFixture.id("h");
        newToken(tenant, hash, 2, now().plus(Duration.ofHours(1)));
        Instant now = now();

        Redemption first = stores().registrationTokens().redeem(hash, now);
        Redemption second = stores().registrationTokens().redeem(hash, now);
        Redemption third = stores().registrationTokens().redeem(hash, now);

        assertThat(first.outcome()).isEqualTo(Outcome.REDEEMED);
        assertThat(first.token().uses()).isEqualTo(1);
        assertThat(first.token().lastUsedAt()).isEqualTo(now);
        assertThat(first.token().tenantId()).isEqualTo(tenant);
        assertThat(second.outcome()).isEqualTo(Outcome.REDEEMED);
        assertThat(second.token().uses()).isEqualTo(2);
        assertThat(third.outcome()).isEqualTo(Outcome.USED_UP);
        assertThat(third.token().uses()).isEqualTo(2);
    }

    @Test
    default void redeemingAnUnknownTokenSaysUnknown() {
        Redemption r = stores().registrationTokens().redeem(StoreFixture.id("nothing"), now());

        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.token()).isNull();
    }

    @Test
    default void redeemingAnExpiredTokenSaysExpiredAndSpendsNothing() {
        String hash = StoreFixture.id("h");
        Instant expiry = now();
        RegistrationToken token = newToken(newTenant(), hash, 1, expiry);

        Redemption atExpiry = stores().registrationTokens().redeem(hash, expiry);

        assertThat(atExpiry.outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(atExpiry.token().uses()).isZero();
        assertThat(stores().registrationTokens()
                        .redeem(hash, expiry.minusMillis(1))
                        .outcome())
                .as("one millisecond before expiry of %s", token.id())
                .isEqualTo(Outcome.REDEEMED);
    }

    @Test
    default void revokedTokenCannotBeRedeemedAndRevokesOnce() {
        String tenant = newTenant();
        String hash = StoreFixture.id("h");
        RegistrationToken token = newToken(tenant, hash, 5, now().plus(Duration.ofHours(1)));
        Instant now = now();

        assertThat(stores().registrationTokens().revoke(tenant, token.id(), now))
                .isTrue();
        assertThat(stores().registrationTokens().revoke(tenant, token.id(), now))
                .isFalse();

        Redemption r = stores().registrationTokens().redeem(hash, now);
        assertThat(r.outcome()).isEqualTo(Outcome.REVOKED);
        assertThat(r.token().revokedAt()).isEqualTo(now);
    }

    @Test
    default void anotherTenantCannotRevokeAToken() {
        String tenant = newTenant();
        String hash = StoreFixture.id("h");
        RegistrationToken token = newToken(tenant, hash, 1, now().plus(Duration.ofHours(1)));

        assertThat(stores().registrationTokens().revoke(newTenant(), token.id(), now()))
                .isFalse();
        assertThat(stores().registrationTokens().redeem(hash, now()).outcome()).isEqualTo(Outcome.REDEEMED);
    }

    @Test
    default void concurrentRedemptionsOfAOneUseTokenHaveOneWinner() throws Exception {
        String hash = StoreFixture.id("h");
        newToken(newTenant(), hash, 1, now().plus(Duration.ofHours(1)));
        int threads = 8;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return stores().registrationTokens().redeem(hash, now()).outcome();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<Outcome> results = new ArrayList<>();
            for (Future<Outcome> f : outcomes) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(results).containsOnlyOnce(Outcome.REDEEMED);
            assertThat(results).filteredOn(o -> o == Outcome.USED_UP).hasSize(threads - 1);
        }
    }
}
