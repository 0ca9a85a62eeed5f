package io.enginex.edge.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload through the real API: a hub started with {@code --max-concurrent-jobs 4} whose database
 * writer is held, so creates stay in progress. Creates over capacity are refused at once with 503,
 * {@code Retry-After} and code {@code overloaded}; the capacity is shared between tenants; and once the
 * writer goes on, every admitted create completes and exists exactly once.
 */
class JobAdmissionIT {
    private static final Pattern CREATING = Pattern.compile("(?m)^enginex_jobs_creating(?:\\{[^}]*})? ([0-9.]+)$");

    @TempDir
    Path dir;

    private TestHub hub;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        hub = TestHub.start(dir, b -> b.maxConcurrentJobs(4), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        release.countDown();
        callers.close();
        hub.close();
    }

    private record Tenant(String id, String session, TestAgent agent) {}

    private Tenant tenant() {
        String id = hub.newTenant();
        return new Tenant(id, hub.newSession(id), hub.register(id));
    }

    private ApiClient.Response create(Tenant t) {
        return hub.api()
                .post(
                        "/api/v1/tenants/" + t.id() + "/sessions/" + t.session() + "/jobs",
                        hub.platformKey(),
                        Map.of(
                                "agentId",
                                t.agent().agentId(),
                                "tool",
                                "fs.list",
                                "args",
                                Map.of(),
                                "timeoutSeconds",
                                60));
    }

    private void holdTheWriter() {
        CountDownLatch held = new CountDownLatch(1);
        hub.hub().stores().groupCommit().submit(() -> {
            held.countDown();
            try {
                return release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> held.getCount() == 0);
    }

    private double creating() {
        Matcher m = CREATING.matcher(hub.api().get("/metrics", null).text());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Starts {@code n} creates of {@code t} and waits until they are all in progress. */
    private List<CompletableFuture<ApiClient.Response>> startCreates(Tenant t, int n, int inProgressAfter) {
        List<CompletableFuture<ApiClient.Response>> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(CompletableFuture.supplyAsync(() -> create(t), callers));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> creating() == inProgressAfter);
        return started;
    }

    @Test
    void createsOverCapacityAreRefusedAtOnceAndTheAdmittedOnesComplete() {
        Tenant acme = tenant();
        holdTheWriter();
        var admitted = startCreates(acme, 4, 4);

        ApiClient.Response refused = create(acme);

        assertThat(refused.status()).as(refused.text()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("overloaded");
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.message()).contains("--max-concurrent-jobs");
        assertThat(hub.api().get("/metrics", null).text()).containsPattern("(?m)^enginex_jobs_overloaded_total 1\\.0$");

        release.countDown();
        List<String> ids = admitted.stream()
                .map(CompletableFuture::join)
                .peek(r -> assertThat(r.status()).as(r.text()).isEqualTo(201))
                .map(r -> r.get("id"))
                .toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(4);
        var listed = hub.api()
                .get("/api/v1/tenants/" + acme.id() + "/sessions/" + acme.session(), hub.platformKey())
                .body()
                .path("jobs");
        assertThat(listed).hasSize(4);
        await().atMost(Duration.ofSeconds(30)).until(() -> creating() == 0);
        assertThat(create(acme).status()).as("room again once they finished").isEqualTo(201);
    }

    @Test
    void oneTenantsBurstDoesNotStarveAnother() {
        Tenant acme = tenant();
        Tenant other = tenant();
        holdTheWriter();
        var acmeFirst = startCreates(acme, 2, 2);

        // two tenants want in: each may hold half the capacity
        var otherAdmitted = startCreates(other, 2, 4);
        ApiClient.Response acmeOver = create(acme);
        ApiClient.Response otherOver = create(other);

        assertThat(acmeOver.status()).as(acmeOver.text()).isEqualTo(503);
        assertThat(otherOver.status()).as(otherOver.text()).isEqualTo(503);
        release.countDown();
        assertThat(acmeFirst).allSatisfy(f -> assertThat(f.join().status()).isEqualTo(201));
        assertThat(otherAdmitted).allSatisfy(f -> assertThat(f.join().status()).isEqualTo(201));
    }
}
