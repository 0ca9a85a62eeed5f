package io.enginex.edge.agent.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code service} check on Windows ({@code sc.exe query enginex-agent}) and macOS ({@code launchctl
 * print system/io.enginex.agent}); Linux's is {@code systemctl is-active} in DoctorCommand. The
 * parsers take the tools' text as they print it.
 */
public final class ServiceStateCheck {
    private ServiceStateCheck() {}

    /** Asks this OS's service manager; skipped where there is none this check knows. */
    public static Optional<Check> current(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return Optional.of(output(List.of("sc.exe", "query", "enginex-agent"))
                    .map(ServiceStateCheck::windows)
                    .orElse(Check.skipped("service", "sc.exe did not answer")));
        }
        if (os.startsWith("mac")) {
            return Optional.of(output(List.of("launchctl", "print", "system/io.enginex.agent"))
                    .map(ServiceStateCheck::macos)
                    .orElse(Check.skipped("service", "launchctl did not answer")));
        }
        return Optional.empty();
    }

    /** {@code sc.exe query enginex-agent}. */
    static Check windows(String text) {
        if (text.contains("1060")) {
            return Check.warn(
                    "service",
                    "the Windows service enginex-agent is not installed",
                    "install the MSI, or run enginex-agent service install in an elevated prompt (if this machine"
                            + " should run it as a service)");
        }
        String state = field(text, "STATE", "(\\d+)\\s+(\\w+)", 2).orElse("unknown");
        int win32 = field(text, "WIN32_EXIT_CODE", "(\\d+)", 1)
                .map(Integer::parseInt)
                .orElse(0);
        int own = field(text, "SERVICE_EXIT_CODE", "(\\d+)", 1)
                .map(Integer::parseInt)
                .orElse(0);
        return switch (state) {
            case "RUNNING" -> Check.ok("service", "the Windows service enginex-agent is running");
            case "START_PENDING", "STOP_PENDING" ->
                Check.warn(
                        "service",
                        "the Windows service enginex-agent is " + state,
                        "wait a few seconds; if it stays so, see %ProgramData%\\EngineX\\Agent\\state\\enginex-agent.log");
            case "STOPPED" ->
                win32 == 0
                        ? Check.warn(
                                "service",
                                "the Windows service enginex-agent is stopped (it ended cleanly)",
                                "Start-Service enginex-agent (or sc.exe start enginex-agent)")
                        : Check.fail(
                                "service",
                                "the Windows service enginex-agent stopped with "
                                        + (win32 == 1066 ? "the agent's exit code " + own : "Windows error " + win32),
                                exitFix(win32 == 1066 ? own : -1)
                                        + "; the log: %ProgramData%\\EngineX\\Agent\\state\\enginex-agent.log");
            default ->
                Check.warn(
                        "service",
                        "the Windows service enginex-agent is " + state,
                        "sc.exe queryex enginex-agent and the System event log (Service Control Manager) show more");
        };
    }

    /** {@code launchctl print system/io.enginex.agent} (its output also when it exits non-zero). */
    static Check macos(String text) {
        if (text.contains("Could not find service")) {
            return Check.warn(
                    "service",
                    "the LaunchDaemon io.enginex.agent is not loaded",
                    "sudo enginex-agent service install (or reinstall the pkg) if this Mac should run it");
        }
        Matcher state = Pattern.compile("(?m)^\\s*state = (.+)$").matcher(text);
        String s = state.find() ? state.group(1).strip() : "unknown";
        Matcher exit = Pattern.compile("(?m)^\\s*last exit code = (-?\\d+)").matcher(text);
        int last = exit.find() ? Integer.parseInt(exit.group(1)) : 0;
        if (s.equals("running")) {
            return Check.ok("service", "the LaunchDaemon io.enginex.agent is running");
        }
        if (last != 0) {
            return Check.fail(
                    "service",
                    "the LaunchDaemon io.enginex.agent is " + s + "; its last exit code was " + last,
                    exitFix(last) + "; the log: /Library/Logs/EngineX/enginex-agent.log");
        }
        return Check.warn(
                "service",
                "the LaunchDaemon io.enginex.agent is " + s,
                "sudo launchctl kickstart system/io.enginex.agent; the log: /Library/Logs/EngineX/enginex-agent.log");
    }

    private static String exitFix(int agentExitCode) {
        return switch (agentExitCode) {
            case 2 -> "exit code 2: not registered: put server and token into agent.conf (or reinstall with them)";
            case 3 ->
                "exit code 3: the hub revoked this agent: re-enrol with a new token (server and token in"
                        + " agent.conf, then delete identity.json in the state folder and start the service)";
            default -> "see the log for the error";
        };
    }

    private static Optional<String> field(String text, String name, String value, int group) {
        Matcher m = Pattern.compile("(?m)^\\s*" + name + "\\s*:\\s*" + value).matcher(text);
        return m.find() ? Optional.of(m.group(group)) : Optional.empty();
    }

    /** What a command printed, whatever its exit code; empty when it is missing or hangs. */
    private static Optional<String> output(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException | ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
