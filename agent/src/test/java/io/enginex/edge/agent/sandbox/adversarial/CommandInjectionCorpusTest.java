package io.enginex.edge.agent.sandbox.adversarial;

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
import io.enginex.edge.agent.tools.ExecTool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.tools.ToolRegistry;
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
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Command-injection strings as {@code exec} parameters. Against a strict pattern each is refused
 * ({@code blocked_by_policy}); against a template that accepts anything, each reaches the program as
 * one literal argument (echoed back unchanged) and no shell runs it: no file appears and the canary
 * tree is unchanged.
 */
class CommandInjectionCorpusTest {
    @TempDir
    Path temp;

    private ExecutorService executor;
    private ToolRegistry tools;
    private CanaryTree canary;
    private Path root;

    @BeforeEach
    void policy() throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        canary = new CanaryTree(temp.resolve("outside"));
        root = Files.createDirectories(temp.resolve("root"));
        Map<String, CommandTemplate> commands = Map.of(
                "strict",
                        new CommandTemplate(
                                "strict",
                                List.of("/bin/echo", "{name}"),
                                Map.of(
                                        "name",
                                        new CommandTemplate.Param(Pattern.compile("[A-Za-z0-9_-]{1,32}"), List.of())),
                                null,
                                Duration.ofSeconds(10),
                                false,
                                "test policy"),
                "loose",
                        new CommandTemplate(
                                "loose",
                                List.of("/bin/echo", "-n", "{any}"),
                                Map.of("any", new CommandTemplate.Param(Pattern.compile("(?s).*"), List.of())),
                                null,
                                Duration.ofSeconds(10),
                                false,
                                "test policy"));
        Policy policy =
                new Policy(List.of(), List.of(), Limits.DEFAULT, Map.of("exec", "test"), commands, List.of(), Map.of());
        tools = new ToolRegistry(List.of(new ExecTool(
                policy,
                Optional.of(FileSandbox.of(new FileRoot(root))),
                new CommandRunner(executor, Clock.systemUTC(), 1 << 16))));
    }

    @AfterEach
    void close() {
        executor.close();
    }

    private JsonNode exec(String command, String param, String value) {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", command);
        args.putObject("params").put(param, value);
        return tools.call(
                "exec", args, ToolContext.detached("job_x", Instant.now().plusSeconds(30), Clock.systemUTC()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "; touch PWNED",
                "&& touch PWNED",
                "| touch PWNED",
                "`touch PWNED`",
                "$(touch PWNED)",
                "a\ntouch PWNED",
                "a\rtouch PWNED",
                "'; touch PWNED; '",
                "\"; touch PWNED; \"",
                "> PWNED",
                ">> PWNED",
                "< /etc/passwd",
                "a & touch PWNED &",
                "|| touch PWNED",
                "$IFS$9touch$IFS$9PWNED",
                "${PATH:0:1}bin/touch PWNED",
                "../../outside/secret.txt",
                "--help; touch PWNED",
                "-e 'touch PWNED'",
                "*",
                "~root",
                "a\0touch",
                "%0atouch PWNED",
                "a;cat${IFS}../outside/secret.txt",
                "$(cat ../outside/secret.txt)"
            })
    void injectionIsRefusedByAStrictTemplateAndInertInALooseOne(String hostile) throws Exception {
        ToolException refused = catchThrowableOfType(ToolException.class, () -> exec("strict", "name", hostile));
        assertThat(refused.code()).isIn(ErrorCodes.BLOCKED_BY_POLICY, ErrorCodes.INVALID_ARGUMENTS);

        if (hostile.indexOf('\0') < 0) {
            JsonNode echoed = exec("loose", "any", hostile);
            assertThat(echoed.path("stdout").asText()).isEqualTo(hostile);
            assertThat(echoed.path("exitCode").asInt()).isZero();
            CanaryTree.assertNotLeaked(echoed.toString());
        }
        try (var files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
        assertThat(Files.exists(Path.of("PWNED"))).isFalse();
        canary.assertUnchanged();
    }
}
