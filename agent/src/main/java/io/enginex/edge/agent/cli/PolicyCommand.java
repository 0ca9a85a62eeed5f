package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
                        + " read-only default when there is none) intersected with --root and, once the hub sends"
                        + " one, the tenant policy. Each rule names where it came from.",
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

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            EffectivePolicy effective = PolicySetup.effective(
                    machinePolicy, root, StateDirectory.resolve(stateDir), new MessageCodec().mapper());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new MessageCodec()
                        .mapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(effective.toJson()));
            } else {
                effective.describe().forEach(out::println);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
