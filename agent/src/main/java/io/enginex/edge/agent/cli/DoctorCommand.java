package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.doctor.Check;
import io.enginex.edge.agent.doctor.Doctor;
import io.enginex.edge.agent.doctor.ServiceStateCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent doctor}: every check between this agent and its hub, each failure with its fix. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Checks the config file, the identity, proxy settings, DNS, TCP, TLS (chain, expiry, pin or CA), clock"
                    + " skew against the hub, the credential (asks the hub for an access token) and the service, and"
                    + " prints the fix for each failure (all of them: docs/TROUBLESHOOTING.md).",
            "Exit code 0 when nothing failed (warnings allowed), 1 otherwise."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent doctor",
            "  sudo enginex-agent doctor --state-dir /var/lib/enginex-agent --config /etc/enginex-agent/agent.conf"
        })
final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "The agent's state directory (default: as for run).")
    Path stateDir;

    @Option(names = "--config", paramLabel = "FILE", description = "The admin config file to check, if any.")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Doctor doctor = new Doctor(StateDirectory.resolve(stateDir), config, System.getenv(), Clock.systemUTC());
        List<Check> checks = doctor.run(DoctorCommand::serviceState);
        boolean failed = false;
        for (Check check : checks) {
            out.printf(
                    "%-10s %-10s %s%n",
                    "[" + check.result().name().toLowerCase(Locale.ROOT) + "]", check.id(), check.detail());
            if (!check.fix().isEmpty()) {
                out.printf("%21s fix: %s%n", "", check.fix());
            }
            failed |= check.result() == Check.Result.FAIL;
        }
        out.println(failed ? "Some checks failed; fixes above (docs/TROUBLESHOOTING.md)." : "No failures.");
        out.flush();
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /**
     * The service's state: systemd on Linux, the Service Control Manager on Windows, launchd on macOS
     * ({@link ServiceStateCheck}); skipped elsewhere or without systemd.
     */
    static Check serviceState() {
        Optional<Check> other = ServiceStateCheck.current(System.getProperty("os.name", ""));
        if (other.isPresent()) {
            return other.get();
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || !Files.isDirectory(Path.of("/run/systemd/system"))) {
            return Check.skipped("service", "no systemd here (see enginex-agent service status)");
        }
        try {
            Process process = new ProcessBuilder("systemctl", "is-active", "enginex-agent")
                    .redirectErrorStream(true)
                    .start();
            String state = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                return Check.skipped("service", "systemctl did not answer");
            }
            return switch (state) {
                case "active" -> Check.ok("service", "enginex-agent is active");
                case "activating" ->
                    Check.warn(
                            "service",
                            "enginex-agent is (re)starting",
                            "journalctl -u enginex-agent -n 50 shows why it restarts");
                case "inactive", "unknown" ->
                    Check.warn(
                            "service",
                            "enginex-agent service is " + state,
                            "sudo systemctl enable --now enginex-agent (if this machine should run it as a service)");
                default ->
                    Check.fail(
                            "service",
                            "enginex-agent service is " + state,
                            "systemctl status enginex-agent and journalctl -u enginex-agent -n 50 show why;"
                                    + " after fixing: sudo systemctl reset-failed enginex-agent && sudo systemctl start enginex-agent");
            };
        } catch (IOException e) {
            return Check.skipped("service", "cannot run systemctl: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.skipped("service", "interrupted");
        }
    }
}
