package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs for tools and exec templates the agent marks approval-required wait for a person. */
class ApprovalIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;
    static String session;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
        session = hub.newSession(tenant);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static ToolDescriptor tool(String name, ToolApproval approval) {
        return new ToolDescriptor(name, name, "test tool", TestHub.MAPPER.createObjectNode(), "low")
                .withApproval(approval);
    }

    static AgentSocket connect(TestAgent agent) {
        AgentSocket socket = hub.connect(agent);
        socket.helloWith(List.of(
                tool("exec", new ToolApproval(false, List.of("erp-export"))),
                tool("fs.delete", new ToolApproval(true, List.of())),
                tool("fs.list", null)));
        // welcome goes out just before the hub marks the connection active; a job created in between
        // is sent by the post-hello redelivery instead of by create, so wait for the active connection.
        org.awaitility.Awaitility.await()
                .until(() -> hub.hub().connections().isConnected(agent.tenant(), agent.agentId()));
        return socket;
    }

    static String path(String jobId, String action) {
        return "/api/v1/tenants/" + tenant + "/jobs/" + jobId + "/" + action;
    }

    /** Creates a plain job and returns the next dispatch, proving nothing was sent before it. */
    static Dispatch nextDispatchIsPlainJob(AgentSocket socket, TestAgent agent) {
        String plain = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 30)
                .get("id")
                .asText();
        Dispatch next = socket.expect(Dispatch.class);
        assertThat(next.jobId()).as("the first job sent is the plain one").isEqualTo(plain);
        return next;
    }

    @Test
    void anApprovalTemplateWaitsUnsentUntilApprovedThenRunsWithApprovedBy() {
        TestAgent agent = hub.register(tenant);
        String operator = hub.tenantKey(tenant, "operator");
        try (AgentSocket socket = connect(agent)) {
            JsonNode created = hub.dispatch(
                    tenant,
                    session,
                    agent.agentId(),
                    "exec",
                    Map.of("command", "erp-export", "params", Map.of("period", "2026-10")),
                    60);
            String jobId = created.get("id").asText();
            assertThat(created.get("state").asText()).isEqualTo("awaiting_approval");
            assertThat(created.get("approval").get("state").asText()).isEqualTo("pending");
            assertThat(created.get("attempt").asInt()).isZero();
            assertThat(nextDispatchIsPlainJob(socket, agent).approvedBy()).isNull();
            var waiting = hub.api().get("/api/v1/tenants/" + tenant + "/jobs?state=awaiting_approval", operator);
            assertThat(waiting.body().findValuesAsText("id")).contains(jobId);

            var approved = hub.api().post(path(jobId, "approve"), operator, Map.of("reason", "month end"));

            assertThat(approved.status()).as(approved.text()).isEqualTo(200);
            assertThat(approved.body().get("approval").get("state").asText()).isEqualTo("approved");
            assertThat(approved.body().get("approval").get("reason").asText()).isEqualTo("month end");
            assertThat(approved.body().get("approval").get("by").asText()).isNotBlank();
            assertThat(approved.body().get("approval").get("at").asText()).isNotBlank();
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(jobId);
            assertThat(dispatch.approvedBy())
                    .isEqualTo(approved.body().get("approval").get("by").asText());
            socket.send(new Result(
                    socket.nextId(),
                    jobId,
                    TestHub.MAPPER.createObjectNode().put("exitCode", 0),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            JsonNode done = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=10", operator)
                    .body();
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(hub.api()
                            .post(path(jobId, "approve"), operator, Map.of())
                            .code())
                    .isEqualTo("job_not_awaiting_approval");
            var audit = hub.api().get("/api/v1/tenants/" + tenant + "/audit", hub.platformKey());
            assertThat(audit.text()).contains("job.approved").contains(jobId);
        }
    }

    @Test
    void aDeniedJobIsCancelledWithApprovalDeniedAndNeverSent() {
        TestAgent agent = hub.register(tenant);
        String admin = hub.tenantKey(tenant, "admin");
        try (AgentSocket socket = connect(agent)) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", Map.of("path", "x"), 60)
                    .get("id")
                    .asText();

            var denied = hub.api().post(path(jobId, "deny"), admin, Map.of("reason", "not this month"));

            assertThat(denied.status()).as(denied.text()).isEqualTo(200);
            assertThat(denied.body().get("state").asText()).isEqualTo("cancelled");
            assertThat(denied.body().get("error").get("code").asText()).isEqualTo("approval_denied");
            assertThat(denied.body().get("error").get("message").asText()).contains("not this month");
            assertThat(denied.body().get("approval").get("state").asText()).isEqualTo("denied");
            nextDispatchIsPlainJob(socket, agent);
        }
    }

    @Test
    void theDeadlineKeepsRunningWhileAJobAwaitsApproval() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = connect(agent)) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", Map.of("path", "x"), 1)
                    .get("id")
                    .asText();

            JsonNode done = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=10", hub.platformKey())
                    .body();

            assertThat(done.get("state").asText()).isEqualTo("timed_out");
            assertThat(hub.api()
                            .post(path(jobId, "approve"), hub.platformKey(), Map.of())
                            .code())
                    .isEqualTo("job_not_awaiting_approval");
            nextDispatchIsPlainJob(socket, agent);
        }
    }

    @Test
    void aTemplateWithoutTheMarkIsSentAtOnce() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = connect(agent)) {
            JsonNode created = hub.dispatch(tenant, session, agent.agentId(), "exec", Map.of("command", "where"), 60);

            assertThat(created.get("state").asText()).isEqualTo("dispatched");
            assertThat(created.path("approval").isMissingNode()).isTrue();
            assertThat(socket.expect(Dispatch.class).jobId())
                    .isEqualTo(created.get("id").asText());
        }
    }

    @Test
    void anApprovedJobOfAnAbsentAgentIsSentAtItsNextHello() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket first = connect(agent)) {
            assertThat(first.isClosed()).isFalse(); // hello recorded the tools; the agent then goes away
        }
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", Map.of("path", "x"), 60)
                .get("id")
                .asText();
        assertThat(hub.api()
                        .post(path(jobId, "approve"), hub.platformKey(), Map.of())
                        .status())
                .isEqualTo(200);

        try (AgentSocket socket = connect(agent)) {
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(jobId);
            assertThat(dispatch.approvedBy()).isNotBlank();
        }
    }

    @Test
    void aViewerCannotApproveAndAnotherTenantDoesNotSeeTheJob() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = connect(agent)) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", Map.of("path", "x"), 60)
                    .get("id")
                    .asText();
            String other = hub.newTenant();

            var byViewer = hub.api().post(path(jobId, "approve"), hub.tenantKey(tenant, "viewer"), Map.of());
            var byOtherTenant = hub.api()
                    .post(
                            "/api/v1/tenants/" + other + "/jobs/" + jobId + "/approve",
                            hub.tenantKey(other, "operator"),
                            Map.of());
            var crossTenant = hub.api().post(path(jobId, "approve"), hub.tenantKey(other, "operator"), Map.of());

            assertThat(byViewer.status()).isEqualTo(403);
            assertThat(byOtherTenant.status()).isEqualTo(404);
            assertThat(crossTenant.status()).isEqualTo(404);
            assertThat(hub.job(tenant, jobId).get("state").asText()).isEqualTo("awaiting_approval");
            nextDispatchIsPlainJob(socket, agent);
        }
    }
}
