package io.enginex.edge.server.cli;

import io.enginex.edge.common.cli.WrappedHelp;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.Hub;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code engine}: the hub ({@code engine serve}) and the client commands that manage a running hub. */
@Command(
        name = "engine",
        description = "EngineX Edge hub: run it (serve) and manage tenants, registration tokens, API keys and agents.",
        mixinStandardHelpOptions = true,
        versionProvider = EngineCommand.Version.class,
        subcommands = {
            ServeCommand.class,
            TenantsCommand.class,
            TokensCommand.class,
            ApiKeysCommand.class,
            WebhooksCommand.class,
            UsersCommand.class,
            AdminCommand.class,
            AuditCommand.class,
            AgentsCommand.class,
            TopCommand.class,
            SessionsCommand.class,
            JobsCommand.class,
            DevicesCommand.class,
            PoliciesCommand.class,
            GraphsCommand.class,
            SecretsCommand.class,
            UpdatePinCommand.class,
            McpRulesCommand.class,
            OidcCommand.class,
            PackagesCommand.class,
            ReleaseCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine serve --data-dir /var/lib/enginex",
            "  engine tenants create acme --name \"Acme Corp\"",
            "  engine tokens create --tenant acme --label finance",
            "  engine agents list --tenant acme",
            "  engine top --tenant acme",
            "  engine jobs run --tenant acme --agent agt_… --tool fs.list",
            "  engine packages publish --data-dir /var/lib/enginex enginex-agent_0.1.0_amd64.deb",
            "  engine release publish --channel stable --version 1.4.0 linux-x64=enginex-agent.tar.gz"
        })
public final class EngineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. engine serve");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with error handling ({@link CliException}s print their message and exit code)
     * and help that follows the terminal's width ({@link WrappedHelp}).
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new EngineCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException failure) {
                commandLine.getErr().println("engine: " + failure.getMessage());
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            throw e;
        });
        return WrappedHelp.apply(cli);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"engine " + Hub.version() + " (protocol " + Protocol.VERSION + ")"};
        }
    }
}
