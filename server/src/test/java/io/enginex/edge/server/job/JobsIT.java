package io.enginex.edge.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs service on a real H2 store: it authorises the caller for the tenant, validates with the
 * status in the error, writes the job and its one {@code job.created} event in the transaction of
 * an idempotent create, and tells live views.
 */
class JobsIT {
    private static final Caller OPERATOR = new Caller("key_op", "acme", Role.OPERATOR);
    private static final JobRequest PING = new JobRequest("agt_1", "sys.ping", null, Duration.ofSeconds(30));

    @TempDir
    Path dir;

    private TestServices services;
    private JdbcStores stores;
    private IdempotentCreates creates;
    private List<String> changed;
    private Jobs jobs;

    @BeforeEach
    void open() {
        services = new TestServices(dir);
        stores = services.stores;
        creates = services.creates;
        changed = services.changed;
        jobs = services.jobs();
        stores.agents()
                .create(new Agent(
                        "agt_1",
                        "acme",
                        "key",
                        "host",
                        "Linux",
                        "amd64",
                        "1",
                        List.of(),
                        "[{\"name\":\"sys.ping\",\"inputSchema\":{}},"
                                + "{\"name\":\"exec\",\"inputSchema\":{},\"approval\":{\"templates\":[\"erp\"]}}]",
                        null,
                        services.clock.instant(),
                        null,
                        null,
                        null));
        stores.sessions().create(new Session("ses_1", "acme", "s", "key_op", services.clock.instant()));
    }

    @AfterEach
    void close() {
        services.close();
    }

    @Test
    void aJobIsWrittenWithExactlyOneCreatedEventAndLiveViewsAreTold() {
        var job = jobs.create(OPERATOR, "acme", "ses_1", PING);

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(events("job.created")).singleElement().satisfies(e -> {
            assertThat(e.targetId()).isEqualTo(job.id());
            assertThat(e.actorId()).isEqualTo("key_op");
        });
        assertThat(changed).containsExactly("acme");
    }

    @Test
    void aCallerOfAnotherTenantIsRefusedAsNotFoundAndNothingIsWritten() {
        Caller stranger = new Caller("key_x", "other", Role.ADMIN);

        assertThatThrownBy(() -> jobs.create(stranger, "acme", "ses_1", PING))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> jobs.decide(stranger, "acme", "job_x", true, null, Origin.api(null)))
                .isInstanceOf(HubException.NotFound.class);
        assertThat(stores.jobs().listBySession("acme", "ses_1")).isEmpty();
        assertThat(events("job.created")).isEmpty();
    }

    @Test
    void aViewerMayNotCreateAJob() {
        Caller viewer = new Caller("key_v", "acme", Role.VIEWER);

        assertThatThrownBy(() -> jobs.create(viewer, "acme", "ses_1", PING))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThat(stores.jobs().listBySession("acme", "ses_1")).isEmpty();
    }

    @Test
    void validationErrorsCarryTheirStatus() {
        assertThatThrownBy(() ->
                        jobs.create(OPERATOR, "acme", "ses_1", new JobRequest("agt_nope", "sys.ping", null, null)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThatThrownBy(() -> jobs.create(OPERATOR, "acme", "ses_1", new JobRequest("agt_1", "fs.nope", null, null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.code()).isEqualTo("unknown_tool");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
        assertThatThrownBy(() -> jobs.create(
                        OPERATOR, "acme", "ses_1", new JobRequest("agt_1", "sys.ping", TextNode.valueOf("x"), null)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThatThrownBy(() -> jobs.createSession(OPERATOR, "acme", "n".repeat(201)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(events("job.created")).isEmpty();
    }

    @Test
    void aRolledBackIdempotentCreateLeavesNeitherTheJobNorItsCreatedEvent() {
        var request = new IdempotentRequest(
                "acme", "key_op", "key-1", "POST", "/jobs", "{}".getBytes(StandardCharsets.UTF_8));
        var creation = jobs.newJob(OPERATOR, "acme", "ses_1", PING, job -> {
            throw new IllegalStateException("the answer cannot be written");
        });

        assertThatThrownBy(() -> creates.create(request, creation)).hasMessageContaining("answer cannot be written");

        assertThat(stores.jobs().listBySession("acme", "ses_1")).isEmpty();
        assertThat(events("job.created")).isEmpty();
        assertThat(stores.audit().heads("acme")).isEmpty();
    }

    @Test
    void aDecisionIsAuditedOnceWithWhereItWasMade() {
        var held = jobs.create(
                OPERATOR,
                "acme",
                "ses_1",
                new JobRequest(
                        "agt_1", "exec", services.mapper.createObjectNode().put("command", "erp"), null));
        assertThat(held.state()).isEqualTo(JobState.AWAITING_APPROVAL);

        assertThatThrownBy(() -> jobs.decide(OPERATOR, "acme", held.id(), false, "x".repeat(1001), null))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        var denied = jobs.decide(OPERATOR, "acme", held.id(), false, " no ", new Origin("10.0.0.1", "dashboard"));

        assertThat(denied.state()).isEqualTo(JobState.CANCELLED);
        assertThat(events("job.denied")).singleElement().satisfies(e -> {
            assertThat(e.sourceIp()).isEqualTo("10.0.0.1");
            assertThat(e.detailsJson()).contains("\"reason\":\"no\"").contains("\"via\":\"dashboard\"");
        });
        assertThatThrownBy(() -> jobs.decide(OPERATOR, "acme", held.id(), true, null, Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.Conflict.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(409));
        assertThat(events("job.approved")).isEmpty();
    }

    private List<AuditEvent> events(String type) {
        return services.events("acme", type);
    }
}
