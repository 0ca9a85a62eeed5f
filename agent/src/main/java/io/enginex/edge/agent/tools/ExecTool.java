package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.exec.CommandException;
import io.enginex.edge.agent.exec.CommandResult;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.agent.vault.SecretNames;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code exec}: runs one of the command templates of the effective policy, by name, with parameters
 * checked against the template. There is no way to run anything else. Templates marked
 * approval-required are announced in the descriptor's {@code approval} and run only in a job the hub
 * says a person approved ({@link ToolContext#approvedBy()}); otherwise they are refused.
 */
public final class ExecTool implements Tool {
    public static final String NAME = "exec";

    private final Policy policy;
    private final Optional<FileSandbox> sandbox;
    private final CommandRunner runner;
    private final ToolDescriptor descriptor;

    public ExecTool(Policy policy, Optional<FileSandbox> sandbox, CommandRunner runner) {
        this.policy = policy;
        this.sandbox = sandbox;
        this.runner = runner;
        this.descriptor = new ToolDescriptor(
                        NAME,
                        "Run a named command",
                        "Runs one of the command templates this machine's policy defines ("
                                + String.join(
                                        ", ", new TreeSet<>(policy.commands().keySet()))
                                + ") with its parameters; no shell. env sets the environment variables a template"
                                + " names to vault secrets (\"API_TOKEN\": \"secret:NAME\"), which never appear in"
                                + " the result. Returns exitCode, stdout and stderr (capped).",
                        Schemas.parse("""
                        {"type":"object","properties":{
                           "command":{"type":"string","minLength":1,"maxLength":128},
                           "params":{"type":"object","additionalProperties":{"type":"string","maxLength":4096}},
                           "env":{"type":"object","additionalProperties":{"type":"string","maxLength":80}}},
                         "required":["command"],"additionalProperties":false}
                        """),
                        "high",
                        Schemas.parse("""
                        {"type":"object","properties":{"exitCode":{"type":"integer"},"stdout":{"type":"string"},
                         "stderr":{"type":"string"},"stdoutTruncated":{"type":"boolean"},
                         "stderrTruncated":{"type":"boolean"},"durationMillis":{"type":"integer"}}}
                        """),
                        new ToolAnnotations(false, true, false, true))
                .withApproval(approval(policy));
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String name = args.path("command").asText();
        CommandTemplate template = policy.commands().get(name);
        if (template == null) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "no command template named \"" + name + "\" in the effective policy; templates: "
                            + (policy.commands().isEmpty()
                                    ? "none"
                                    : String.join(
                                            ", ",
                                            new TreeSet<>(policy.commands().keySet()))));
        }
        if (needsApproval(policy, template) && !context.approved()) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "command " + name + " needs a person's approval (" + template.source()
                            + ") and this job came without one; it was not run. Approve the job on the hub "
                            + "(engine jobs approve) so it is sent again as approved");
        }
        Map<String, String> params = new LinkedHashMap<>();
        args.path("params")
                .properties()
                .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        Map<String, String> env = env(args, template, context);
        try {
            Path workdir = workdir(template);
            Duration timeout = Duration.between(context.clock().instant(), context.deadline());
            if (template.timeout().compareTo(timeout) < 0) {
                timeout = template.timeout();
            }
            CommandResult result = runner.run(
                    CommandRunner.argv(template, params),
                    workdir,
                    env,
                    timeout,
                    () -> context.stopRequested().getAsBoolean()
                            || Thread.currentThread().isInterrupted(),
                    tree -> context.processes().started(tree.id(), tree.startedAt()));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("command", name);
            out.put("exitCode", result.exitCode());
            out.put("stdout", result.stdout());
            out.put("stderr", result.stderr());
            out.put("stdoutTruncated", result.stdoutTruncated());
            out.put("stderrTruncated", result.stderrTruncated());
            out.put("durationMillis", result.durationMillis());
            return out;
        } catch (CommandException e) {
            throw new ToolException(e.code(), e.getMessage());
        } catch (SandboxException e) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the working folder of command " + name + " is not usable: " + e.getMessage());
        }
    }

    /**
     * The variables the job sets, each a template's {@code env} name given a {@code secret:NAME} the
     * policy grants to this template; revealed here, as late as the command's start allows.
     */
    private Map<String, String> env(JsonNode args, CommandTemplate template, ToolContext context) {
        Map<String, String> env = new LinkedHashMap<>();
        for (var variable : args.path("env").properties()) {
            String name = variable.getKey();
            String value = variable.getValue().asText();
            if (!template.env().contains(name)) {
                throw new ToolException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "command " + template.name() + " does not take the environment variable " + name
                                + " from a job; its template (" + template.source() + ") names: "
                                + (template.env().isEmpty() ? "none" : String.join(", ", template.env())));
            }
            if (!SecretNames.isReference(value)) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        "env " + name + " must be a vault secret reference like \"secret:NAME\"; pass other values"
                                + " as parameters of the template");
            }
            env.put(name, context.secrets().resolve(value, NAME, template.name(), policy.secrets()));
        }
        return env;
    }

    private Path workdir(CommandTemplate template) {
        FileSandbox s = sandbox.orElseThrow(() -> new ToolException(
                ErrorCodes.BLOCKED_BY_POLICY,
                "command " + template.name() + " needs a working folder inside a shared root, and none is shared"));
        if (template.workdir() == null) {
            return s.roots().get(0).path();
        }
        FileRoot root = s.rootFor(template.workdir());
        Path real = root.resolve(template.workdir());
        if (!Files.isDirectory(real)) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY, "the working folder of " + template.name() + " is not a folder");
        }
        return real;
    }

    private static boolean needsApproval(Policy policy, CommandTemplate template) {
        return template.approvalRequired() || policy.needsApproval(NAME + ":" + template.name());
    }

    private static ToolApproval approval(Policy policy) {
        List<String> templates = policy.commands().values().stream()
                .filter(t -> needsApproval(policy, t))
                .map(CommandTemplate::name)
                .sorted()
                .toList();
        boolean all = policy.needsApproval(NAME);
        return all || !templates.isEmpty() ? new ToolApproval(all, templates) : null;
    }
}
