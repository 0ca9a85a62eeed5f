package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.enrolment.ConfigException;
import io.enginex.edge.agent.identity.IdentityException;
import io.enginex.edge.agent.policy.PolicyException;
import io.enginex.edge.agent.registration.RegistrationException;
import io.enginex.edge.common.cli.WrappedHelp;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code enginex-agent}: the root command. */
@Command(
        name = "enginex-agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "The EngineX Edge agent: connects this machine to an EngineX hub over one outbound, encrypted"
                    + " connection and runs the local tools the hub asks for, within the folder you share.",
            ""
        },
        subcommands = {
            RegisterCommand.class,
            RunCommand.class,
            IdentityCommand.class,
            StatusCommand.class,
            UiCommand.class,
            PauseCommand.Pause.class,
            PauseCommand.Resume.class,
            DeregisterCommand.class,
            ServiceCommand.class,
            DoctorCommand.class,
            PolicyCommand.class,
            AuditCommand.class,
            SecretsCommand.class,
            GraphCommand.class,
            SessionCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent register --server https://hub.example.com --token exr_…",
            "  enginex-agent run --root ~/Documents/shared",
            "  enginex-agent identity show",
            "  enginex-agent status",
            "  enginex-agent ui                (the status page, with the pause switch)",
            "  enginex-agent pause | resume",
            "  enginex-agent deregister",
            "  enginex-agent doctor",
            "  sudo enginex-agent service install",
            "  enginex-agent policy show --root ~/Documents/shared",
            "  enginex-agent secrets set erp-token   (the local vault; the value is typed, never an argument)",
            "  enginex-agent session                (in a user's desktop session; started at login)",
            "  enginex-agent graph run nightly.json --root ~/Documents/shared   (an offline graph of tool calls)",
            "",
            "Exit codes: 0 ok, 1 failure, 2 usage or not registered, 3 credential revoked (re-register)."
        })
public final class AgentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, for {@link #main} and for tests that run commands in-process; its
     * help follows the terminal's width ({@link WrappedHelp}).
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new AgentCommand());
        commandLine.setExecutionExceptionHandler(AgentCommand::handle);
        return WrappedHelp.apply(commandLine);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints an error a person can act on; a stack trace only for what is a bug. */
    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        var err = commandLine.getErr();
        if (e instanceof RegistrationException
                || e instanceof ConfigException
                || e instanceof IdentityException
                || e instanceof PolicyException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UncheckedIOException) {
            err.println("error: " + e.getMessage());
        } else {
            err.println("error: unexpected failure, please report it: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.FAILURE;
    }
}
