package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.policy.TenantPolicyCache;
import io.enginex.edge.agent.runtime.AgentTools;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.tools.Toolbox;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent policy show}: the effective policy and where each rule came from. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Shows what this agent may do on this machine.",
        subcommands = {PolicyCommand.Show.class},
        footerHeading = "%nExamples:%n",
        footer = {"  enginex-agent policy show --root ~/Documents/shared", "  enginex-agent policy show --json"})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the effective policy: the machine policy (the administrator's file, or the built-in"
                        + " read-only default when there is none) intersected with --root and with the tenant policy"
                        + " the hub last sent (cached in the state folder; which policy, from which hub and when is"
                        + " printed). Each rule names where it came from; the tools offered, the tools the policy"
                        + " removed (and which policy removed them) and the plug-ins follow.",
                "Give the same --root and --machine-policy as to run to see what run will enforce."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent policy show --root ~/Documents/shared",
                "  enginex-agent policy show --machine-policy ./trial-policy.json --root /srv/exports --json"
            })
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--root", paramLabel = "DIR", description = "The folder run would share.")
        Path root;

        @Option(
                names = "--machine-policy",
                paramLabel = "FILE",
                description = "A machine policy file to use instead of the administrator's (for trials and tests;"
                        + " it must not be writable by group or others).")
        Path machinePolicy;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The agent's state folder (always denied).")
        Path stateDir;

        @Option(
                names = "--plugins",
                paramLabel = "DIR",
                description = "The plug-in folder run would use (default: plugins beside the machine policy file).")
        Path plugins;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = new MessageCodec().mapper();
            Path dir = StateDirectory.resolve(stateDir);
            PolicySetup.Machine machine = PolicySetup.machine(machinePolicy, root, mapper);
            Clock clock = Clock.systemUTC();
            AgentTools tools = new AgentTools(
                    machine,
                    dir,
                    HostInfo.current(),
                    clock,
                    Optional.of(new CommandRunner(Executors.newVirtualThreadPerTaskExecutor(), clock, 1 << 20)),
                    PluginTools.load(
                            plugins != null ? plugins : machine.defaultPlugins(),
                            plugins != null,
                            FileTrust.forCurrentUser(),
                            BuiltinTools.NAMES),
                    "",
                    mapper);
            Toolbox box = tools.current().get();
            Optional<TenantPolicyCache.Cached> cached = tools.cached();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode summary = box.summary().deepCopy();
                cached.ifPresent(c -> summary.putObject("tenantPolicyReceived")
                        .put("at", c.receivedAt().toString())
                        .put("hub", c.hub())
                        .put("file", new TenantPolicyCache(dir, mapper).path().toString())
                        .set("policies", mapper.valueToTree(c.policies())));
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            } else {
                List<String> lines = box.policy().describe();
                int at = 2;
                if (cached.isPresent()) {
                    lines.add(
                            at++,
                            "  received from " + cached.get().hub() + " at "
                                    + cached.get().receivedAt()
                                    + " (" + cached.get().policies().size() + " polic"
                                    + (cached.get().policies().size() == 1 ? "y" : "ies") + ", cached in "
                                    + new TenantPolicyCache(dir, mapper).path() + ")");
                } else {
                    lines.add(at++, "  (this agent has not received a tenant policy from a hub yet)");
                }
                lines.forEach(out::println);
                out.println("Offered tools: "
                        + (box.registry().names().isEmpty()
                                ? "none"
                                : String.join(", ", box.registry().names())));
                if (!box.blocked().isEmpty()) {
                    out.println("Removed by policy:");
                    new java.util.TreeMap<>(box.blocked())
                            .forEach((name, reason) -> out.println("  " + name + ": " + reason));
                }
                box.summary()
                        .path("plugins")
                        .forEach(p ->
                                out.println("Plug-in tool " + p.path("tool").asText() + " from "
                                        + p.path("jar").asText()));
                box.summary()
                        .path("pluginProblems")
                        .forEach(p -> out.println(
                                "Plug-in problem: " + p.path("problem").asText()));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
