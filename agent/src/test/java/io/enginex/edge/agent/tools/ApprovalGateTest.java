package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approval-required tools and templates run only in a job the hub says a person approved. */
class ApprovalGateTest {
    @TempDir
    Path temp;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        executor.close();
    }

    private ToolRegistry registry(Set<String> approvalTools) throws Exception {
        Map<String, CommandTemplate> commands = Map.of(
                "export", template("export", true),
                "where", template("where", false));
        Policy policy = new Policy(
                List.of(),
                List.of(),
                Limits.DEFAULT,
                Map.of("exec", "p", "sys.ping", "p"),
                commands,
                List.of(),
                Map.of());
        ExecTool exec = new ExecTool(
                policy,
                Optional.of(FileSandbox.of(new FileRoot(temp))),
                new CommandRunner(executor, Clock.systemUTC(), 1000));
        return new ToolRegistry(List.of(exec, new PingTool(Clock.systemUTC())), Map.of(), approvalTools);
    }

    private static CommandTemplate template(String name, boolean approval) {
        return new CommandTemplate(
                name, List.of("/bin/pwd"), Map.of(), null, Duration.ofSeconds(5), approval, "machine policy p.json");
    }

    private static ToolContext context(String approvedBy) {
        return new ToolContext(
                "j", Instant.now().plusSeconds(10), Clock.systemUTC(), (m, f) -> {}, () -> false, approvedBy);
    }

    private static JsonNode command(String name) {
        return JsonNodeFactory.instance.objectNode().put("command", name);
    }

    @Test
    void anApprovalTemplateIsRefusedWithoutApprovedByAndRunsWithIt() throws Exception {
        ToolRegistry tools = registry(Set.of());

        ToolException refused =
                catchThrowableOfType(ToolException.class, () -> tools.call("exec", command("export"), context(null)));
        JsonNode ran = tools.call("exec", command("export"), context("usr_controller"));

        assertThat(refused.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(refused.getMessage()).contains("approval").contains("was not run");
        assertThat(ran.path("exitCode").asInt()).isZero();
    }

    @Test
    void aTemplateWithoutTheMarkRunsUnapproved() throws Exception {
        assertThat(registry(Set.of())
                        .call("exec", command("where"), context(null))
                        .path("exitCode")
                        .asInt())
                .isZero();
    }

    @Test
    void aToolNeedingApprovalAsAWholeIsRefusedUnapprovedAndRunsApproved() throws Exception {
        ToolRegistry tools = registry(Set.of("sys.ping"));
        JsonNode none = JsonNodeFactory.instance.objectNode();

        ToolException refused =
                catchThrowableOfType(ToolException.class, () -> tools.call("sys.ping", none, context(null)));

        assertThat(refused.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(tools.call("sys.ping", none, context("usr_admin"))).isNotNull();
    }

    @Test
    void descriptorsAnnounceWhatNeedsApproval() throws Exception {
        Map<String, ToolApproval> approvals = new java.util.HashMap<>();
        for (ToolDescriptor d : registry(Set.of("sys.ping")).descriptors()) {
            approvals.put(d.name(), d.approval());
        }

        assertThat(approvals.get("exec")).isEqualTo(new ToolApproval(false, List.of("export")));
        assertThat(approvals.get("sys.ping")).isEqualTo(new ToolApproval(true, List.of()));
    }
}
