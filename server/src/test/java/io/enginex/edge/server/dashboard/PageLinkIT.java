package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session page links: one per session and holder, stable, revocable at once, expiring, tenant-scoped. */
class PageLinkIT {
    @TempDir
    static Path dir;

    static final ShiftableClock clock = new ShiftableClock();
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir, b -> b.sessionLinkTtl(Duration.ofHours(2)), clock);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String pathOf(String pageUrl) {
        URI uri = URI.create(pageUrl);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static String linkId(String pageUrl) {
        return URI.create(pageUrl).getQuery().split("\\.")[1];
    }

    private static String newSession(String tenant, String key) {
        var r = hub.api().post("/api/v1/tenants/" + tenant + "/sessions", key, Map.of("name", "s"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("id");
    }

    private static String pageUrl(String tenant, String session, String key) {
        var r = hub.api().get("/api/v1/tenants/" + tenant + "/sessions/" + session, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.get("pageUrl");
    }

    @Test
    void twoGetsGiveTheSameLinkAndAnotherKeyItsOwn() {
        String t = hub.newTenant();
        String key = hub.tenantKey(t, "operator");
        String other = hub.tenantKey(t, "viewer");
        String sid = newSession(t, key);

        String first = pageUrl(t, sid, key);
        String second = pageUrl(t, sid, key);
        String others = pageUrl(t, sid, other);

        assertThat(second).isEqualTo(first);
        assertThat(others).isNotEqualTo(first);
        assertThat(hub.api().get(pathOf(first), null).status()).isEqualTo(200);
        var links = hub.api().get("/api/v1/tenants/" + t + "/sessions/" + sid + "/links", key);
        assertThat(links.status()).isEqualTo(200);
        assertThat(links.body()).hasSize(2);
        assertThat(links.text()).doesNotContain(URI.create(first).getQuery().split("\\.")[2]);
    }

    @Test
    void aRevokedLinkIsRefusedAtOnceAndTheNextGetGivesANewOne() {
        String t = hub.newTenant();
        String key = hub.tenantKey(t, "operator");
        String sid = newSession(t, key);
        String url = pageUrl(t, sid, key);
        assertThat(hub.api().get(pathOf(url), null).status()).isEqualTo(200);

        var revoked = hub.api()
                .post("/api/v1/tenants/" + t + "/sessions/" + sid + "/links/" + linkId(url) + "/revoke", key, Map.of());

        assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
        assertThat(revoked.body().path("revokedAt").isTextual()).isTrue();
        var refused = hub.api().get(pathOf(url), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).contains("revoked");
        String renewed = pageUrl(t, sid, key);
        assertThat(renewed).isNotEqualTo(url);
        assertThat(hub.api().get(pathOf(renewed), null).status()).isEqualTo(200);
    }

    @Test
    void anExpiredLinkIsRefused() {
        String t = hub.newTenant();
        String key = hub.tenantKey(t, "operator");
        String sid = newSession(t, key);
        String url = pageUrl(t, sid, key);

        clock.shift(Duration.ofHours(2).plusMinutes(1));

        assertThat(hub.api().get(pathOf(url), null).status()).isEqualTo(403);
        assertThat(pageUrl(t, sid, key)).isNotEqualTo(url);
    }

    @Test
    void anotherTenantCannotListOrRevokeTheLink() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String keyA = hub.tenantKey(a, "operator");
        String keyB = hub.tenantKey(b, "admin");
        String sid = newSession(a, keyA);
        String url = pageUrl(a, sid, keyA);
        String sidB = newSession(b, keyB);

        var viaOwnPath = hub.api()
                .post(
                        "/api/v1/tenants/" + b + "/sessions/" + sidB + "/links/" + linkId(url) + "/revoke",
                        keyB,
                        Map.of());
        var viaSessionOfA = hub.api()
                .post(
                        "/api/v1/tenants/" + b + "/sessions/" + sid + "/links/" + linkId(url) + "/revoke",
                        keyB,
                        Map.of());
        var viaPathOfA = hub.api()
                .post(
                        "/api/v1/tenants/" + a + "/sessions/" + sid + "/links/" + linkId(url) + "/revoke",
                        keyB,
                        Map.of());
        var list = hub.api().get("/api/v1/tenants/" + a + "/sessions/" + sid + "/links", keyB);

        assertThat(viaOwnPath.status()).isEqualTo(404);
        assertThat(viaSessionOfA.status()).isEqualTo(404);
        assertThat(viaPathOfA.status()).isEqualTo(404); // another tenant's things are not revealed
        assertThat(list.status()).isEqualTo(404);
        assertThat(hub.api().get(pathOf(url), null).status()).isEqualTo(200);
    }

    @Test
    void viewersCannotRevoke() {
        String t = hub.newTenant();
        String key = hub.tenantKey(t, "operator");
        String viewer = hub.tenantKey(t, "viewer");
        String sid = newSession(t, key);
        String url = pageUrl(t, sid, key);

        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + t + "/sessions/" + sid + "/links/" + linkId(url) + "/revoke",
                        viewer,
                        Map.of());

        assertThat(r.status()).isEqualTo(403);
    }
}
