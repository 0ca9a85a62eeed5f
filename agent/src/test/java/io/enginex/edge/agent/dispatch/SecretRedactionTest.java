package io.enginex.edge.agent.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.testing.RecordingOutbox;
import io.enginex.edge.agent.tools.ExecTool;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's vault secret through the real runner, exec tool, vault, journal and audit log: resolved only
 * where the policy grants it, and its value in none of the result, the journal or the audit log, even
 * when the command or a tool echoes it back.
 */
class SecretRedactionTest {
    private static final String VALUE = "tok-51f0c9e2d7a84b3e";

    @TempDir
    Path state;

    @TempDir
    Path root;

    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private JobJournal journal;
    private RecordingOutbox outbox;
    private JobRunner runner;

    @BeforeEach
    void start() {
        Policy policy = new PolicyFile(mapper, FileSystems.getDefault())
                .parse("""
                {"version":1,"tools":["exec"],
                 "commands":[
                   {"name":"show-token","argv":["/bin/sh","-c","printf 'token=%s' \\"$API_TOKEN\\"; printf 'err %s' \\"$API_TOKEN\\" >&2"],
                    "env":["API_TOKEN"]},
                   {"name":"other","argv":["/bin/sh","-c","printf %s \\"$API_TOKEN\\""],"env":["API_TOKEN"]}],
                 "secrets":{"exec:show-token":["api-token","missing"],"leaky":["api-token"]}}
                """.getBytes(StandardCharsets.UTF_8), "machine policy test.json");
        Vault vault = new Vault(
                state, KeyStores.forThisMachine(state), Clock.systemUTC(), new SecureRandom(), mapper, n -> {});
        vault.set("api-token", VALUE, null, "file");
        AuditLog audit = new AuditLog(state, 1 << 20, 2, Clock.systemUTC(), mapper);
        ExecTool exec = new ExecTool(
                policy,
                Optional.of(FileSandbox.of(new FileRoot(root))),
                new CommandRunner(executor, Clock.systemUTC(), 4096));
        journal = JobJournal.open(state, mapper, JournalLimits.DEFAULT, Clock.systemUTC());
        outbox = new RecordingOutbox();
        runner = JobRunner.builder(journal, outbox, executor, Clock.systemUTC())
                .tools(new ToolRegistry(List.of(exec, new LeakyTool(policy))))
                .audit(audit)
                .vault(Optional.of(vault))
                .build();
    }

    @AfterEach
    void stop() {
        runner.close();
        executor.close();
        journal.close();
    }

    @Test
    void aSecretInAnExecEnvironmentIsRedactedFromTheResultJournalAndAudit() throws Exception {
        JobOutcome outcome = run("job_env", "exec", """
                {"command":"show-token","env":{"API_TOKEN":"secret:api-token"}}""");

        assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
        assertThat(outcome.output().path("stdout").asText()).isEqualTo("token=[secret:api-token]");
        assertThat(outcome.output().path("stderr").asText()).isEqualTo("err [secret:api-token]");
        String journalText = Files.readString(state.resolve(JobJournal.FILE_NAME));
        assertThat(journalText).contains("[secret:api-token]").doesNotContain(VALUE);
        String auditText = Files.readString(state.resolve(AuditLog.FILE));
        assertThat(auditText)
                .doesNotContain(VALUE)
                .contains("\"event\":\"secret.used\",\"jobId\":\"job_env\",\"tool\":\"exec:show-token\","
                        + "\"secret\":\"api-token\",\"outcome\":\"revealed\"");
    }

    @Test
    void aSecretThePolicyDoesNotGrantToTheTemplateIsRefusedAndAudited() throws Exception {
        JobOutcome outcome = run("job_other", "exec", """
                {"command":"other","env":{"API_TOKEN":"secret:api-token"}}""");

        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(outcome.error().message())
                .contains("the secret api-token may not be used by exec:other")
                .contains("\"secrets\": {\"exec:other\": [\"api-token\"]}");
        assertThat(Files.readString(state.resolve(AuditLog.FILE)))
                .contains("\"tool\":\"exec:other\",\"secret\":\"api-token\",\"outcome\":\"refused\"");
    }

    @Test
    void aMissingSecretALiteralValueAndAnUndeclaredVariableAreRefused() {
        assertThat(run("job_missing", "exec", """
                        {"command":"show-token","env":{"API_TOKEN":"secret:missing"}}""").error().message())
                .contains("has no secret missing", "enginex-agent secrets set missing");
        assertThat(run("job_literal", "exec", """
                        {"command":"show-token","env":{"API_TOKEN":"plain"}}""").error().code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS);
        assertThat(run("job_undeclared", "exec", """
                        {"command":"show-token","env":{"LD_PRELOAD":"secret:api-token"}}""").error().message())
                .contains("does not take the environment variable LD_PRELOAD");
    }

    @Test
    void aToolThatEchoesTheValueInProgressAndItsErrorIsRedacted() {
        JobOutcome outcome = run("job_leak", LeakyTool.NAME, "{}");

        assertThat(outcome.error().message()).isEqualTo("upstream said: bad token [secret:api-token]");
        assertThat(outbox.of("progress", "job_leak"))
                .extracting(RecordingOutbox.Sent::message)
                .containsExactly("using [secret:api-token]");
    }

    private JobOutcome run(String jobId, String tool, String args) {
        JsonNode json;
        try {
            json = mapper.readTree(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        runner.dispatch(new Dispatch("h-1", jobId, tool, json, Instant.now().plusSeconds(10), 1));
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> outbox.results(jobId), list -> !list.isEmpty())
                .getFirst()
                .outcome();
    }

    /** A tool that does what a careless plug-in might: reports and fails with the value it was given. */
    private static final class LeakyTool implements Tool {
        static final String NAME = "leaky";
        private final Policy policy;

        LeakyTool(Policy policy) {
            this.policy = policy;
        }

        @Override
        public ToolDescriptor descriptor() {
            return new ToolDescriptor(
                    NAME,
                    "Leaky",
                    "Echoes a secret",
                    mapper().createObjectNode().put("type", "object"),
                    "low",
                    null,
                    new ToolAnnotations(true, false, true, false));
        }

        private static ObjectMapper mapper() {
            return new ObjectMapper();
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            String value = context.secrets().reveal("api-token", NAME, null, policy.secrets());
            context.progress("using " + value, null);
            throw new ToolException(ErrorCodes.TOOL_FAILED, "upstream said: bad token " + value);
        }
    }
}
