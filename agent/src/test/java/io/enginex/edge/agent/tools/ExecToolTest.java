package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecToolTest {
    @TempDir
    Path temp;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        executor.close();
    }

    private static CommandTemplate template(String name, String workdir, boolean approval) {
        return new CommandTemplate(
                name, List.of("/bin/pwd"), Map.of(), workdir, Duration.ofSeconds(5), approval, "machine policy p.json");
    }

    private JsonNode exec(Optional<FileSandbox> sandbox, Map<String, CommandTemplate> commands, String command) {
        Policy policy =
                new Policy(List.of(), List.of(), Limits.DEFAULT, Map.of("exec", "p"), commands, List.of(), Map.of());
        ExecTool tool = new ExecTool(policy, sandbox, new CommandRunner(executor, Clock.systemUTC(), 1000));
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", command);
        return new ToolRegistry(List.of(tool))
                .call("exec", args, ToolContext.detached("j", Instant.now().plusSeconds(10), Clock.systemUTC()));
    }

    private String refusal(Optional<FileSandbox> sandbox, Map<String, CommandTemplate> commands, String command) {
        ToolException e = catchThrowableOfType(ToolException.class, () -> exec(sandbox, commands, command));
        return e.code() + ": " + e.getMessage();
    }

    @Test
    void aTemplateRunsInItsWorkingFolderInsideARoot() throws Exception {
        Path sub = Files.createDirectories(temp.resolve("out"));
        Optional<FileSandbox> sandbox = Optional.of(FileSandbox.of(new FileRoot(temp)));

        JsonNode result = exec(sandbox, Map.of("where", template("where", "out", false)), "where");

        assertThat(result.path("stdout").asText().strip())
                .isEqualTo(sub.toRealPath().toString());
        assertThat(result.path("exitCode").asInt()).isZero();
    }

    @Test
    void anythingButAnUsableTemplateIsBlockedByPolicy() throws Exception {
        Optional<FileSandbox> sandbox = Optional.of(FileSandbox.of(new FileRoot(temp)));
        Files.createDirectories(temp.resolve(".ssh"));

        assertThat(refusal(sandbox, Map.of(), "rm"))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("no command template named \"rm\"");
        assertThat(refusal(sandbox, Map.of("x", template("x", null, true)), "x"))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("approval");
        assertThat(refusal(Optional.empty(), Map.of("x", template("x", null, false)), "x"))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("working folder");
        assertThat(refusal(sandbox, Map.of("x", template("x", "../..", false)), "x"))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(refusal(sandbox, Map.of("x", template("x", ".ssh", false)), "x"))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY);
    }
}
