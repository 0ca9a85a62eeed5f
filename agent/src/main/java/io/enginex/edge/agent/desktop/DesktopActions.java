package io.enginex.edge.agent.desktop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.exec.CommandException;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The session part's actions, run with the signed-in user's rights and environment (DISPLAY, the
 * session bus), each checked against the machine policy (the administrator's upper bound) whatever
 * the service already checked:
 *
 * <ul>
 *   <li>{@code list-apps}: the applications the system lists ({@link DesktopPlatform#apps()}: {@link
 *       DesktopEntries}, {@link AppBundles}, {@link StartMenuShortcuts});
 *   <li>{@code launch} {@code {"app":ID,"params":{…}}}: the machine policy's template for that
 *       application, its parameters checked like {@code exec}'s; started detached, its pid returned;
 *   <li>{@code open} {@code {"path":…,"roots":[…]}} or {@code {"url":…}}: a file whose real path lies
 *       under a machine policy root and one of the service's effective {@code roots} and no deny rule,
 *       or a URL under a machine {@code urls} rule, with the system's opener ({@code xdg-open}, {@code
 *       open}, ShellExecute); an opener still running after {@value #HELPER_SECONDS} s runs the
 *       application itself ({@code xdg-open} in a session without a desktop environment's opener) and
 *       is left running, answered {@code "running":true};
 *   <li>{@code notify} {@code {"summary":…,"body":…}}: a desktop notification ({@code notify-send},
 *       {@code osascript}, a PowerShell toast);
 *   <li>{@code consent} {@code {"secret":…,"tool":…,"jobId":…}}: asks the user with a dialog ({@code
 *       zenity --question}, {@code osascript}'s {@code display dialog}, {@code WScript.Shell.Popup}; Allow
 *       / Deny, {@value #CONSENT_SECONDS} s) whether a job may use a vault
 *       secret defined with {@code use: consent}; answers {@code consented} true only for Allow, and
 *       {@code answer} {@code allowed}, {@code denied}, {@code closed} (see {@code consent-close}) or why
 *       there was no answer. With {@code "request":ID,"seconds":N} the dialog waits at most N s. With
 *       {@code "details":TEXT} instead of {@code secret} it asks whether the job may run the tool (one
 *       the policy marks {@code consentRequired}) with those arguments, shown as plain text. With
 *       {@code "requestedBy":TEXT} the dialog says who asked for the job on the hub;
 *   <li>{@code consent-close} {@code {"request":ID}}: closes that dialog (answered on the status page);
 *   <li>{@code fs} {@code {"tool":"fs.read","args":{"path":"~/Downloads/q3.csv"},"roots":[…],…}}: a
 *       file tool in this user's home ({@link HomeFiles}).
 * </ul>
 *
 * <p>What differs between Linux, macOS and Windows is the {@link DesktopPlatform}'s; the checks here are
 * the same on all three. Thread-safe: each call starts its own processes.
 */
public final class DesktopActions {
    private static final long HELPER_SECONDS = 15;

    /** Helpers read nothing: their standard input is the system's empty device. */
    private static final File NULL_FILE = new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");

    /** A consent helper says a line; more is not read. */
    private static final int MAX_ANSWER_BYTES = 4096;

    /** How long the consent dialog waits for the person before it counts as "no". */
    static final int CONSENT_SECONDS = 60;

    private final Policy machine;
    private final String machineSource;
    private final Map<String, String> env;
    private final Path home;
    private final DesktopPlatform platform;
    private final HomeFiles files;
    /** Consent dialogs showing, by request id, and the ones closed because answered elsewhere. */
    private final Map<String, Process> dialogs = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.Set<String> closed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param env the session's environment (children inherit it, with the platform's variables added)
     * @param platform this system's catalog and helpers ({@link DesktopPlatform#forOs})
     */
    public DesktopActions(
            Policy machine, String machineSource, Map<String, String> env, Path home, DesktopPlatform platform) {
        this.machine = machine;
        this.machineSource = machineSource;
        this.env = Map.copyOf(env);
        this.home = home;
        this.platform = platform;
        this.files = new HomeFiles(machine, machineSource, home, java.time.Clock.systemUTC());
    }

    /**
     * Runs {@code action}.
     *
     * @throws ToolException {@code blocked_by_policy} for what the machine policy does not allow,
     *     {@code invalid_arguments}, {@code not_found}, {@code tool_failed}
     */
    public JsonNode handle(String action, JsonNode args) {
        return switch (action) {
            case "list-apps" -> listApps();
            case "launch" -> launch(args);
            case "open" -> open(args);
            case "notify" -> notify(args);
            case "consent" -> consent(args);
            case "consent-close" -> closeConsent(args);
            case "fs" -> files.handle(args);
            default ->
                throw new ToolException(
                        ErrorCodes.UNKNOWN_TOOL, "this session part does not know the action \"" + action + "\"");
        };
    }

    private JsonNode listApps() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        var apps = out.putArray("apps");
        for (DesktopPlatform.App app : platform.apps()) {
            apps.addObject()
                    .put("id", app.id())
                    .put("name", app.name())
                    .put("hidden", app.hidden())
                    .put("file", app.file().toString());
        }
        return out;
    }

    private JsonNode launch(JsonNode args) {
        String app = args.path("app").asText("");
        CommandTemplate template = machine.apps().get(app);
        if (template == null) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the application " + app + " is not among the apps of " + machineSource + "; it lists: "
                            + (machine.apps().isEmpty()
                                    ? "none"
                                    : String.join(
                                            ", ", new TreeSet<>(machine.apps().keySet()))));
        }
        Map<String, String> params = new LinkedHashMap<>();
        args.path("params")
                .properties()
                .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        List<String> argv;
        try {
            argv = CommandRunner.argv(template, params);
        } catch (CommandException e) {
            throw new ToolException(e.code(), e.getMessage().replace("command ", "application "));
        }
        Process process = start(new DesktopPlatform.Command(argv, Map.of()), false);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("app", app);
        out.put("pid", process.pid());
        return out;
    }

    private JsonNode open(JsonNode args) {
        String target;
        if (args.hasNonNull("url")) {
            target = args.get("url").asText();
            if (machine.urls().stream().noneMatch(u -> u.allows(target))) {
                throw new ToolException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "the URL " + target + " is under no urls rule of " + machineSource);
            }
        } else {
            Path real = realFile(args.path("path").asText(""), args.path("roots"));
            if (platform.runsWhenOpened(real)) {
                throw new ToolException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "the file " + real + " is a program or a shortcut, which the system's opener would run or"
                                + " follow; app.open opens documents only (start applications with app.launch)");
            }
            target = real.toString();
        }
        DesktopPlatform.Command command = platform.open(target);
        Process opener = start(command, false);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put(args.hasNonNull("url") ? "url" : "path", target);
        if (!finished(opener, command.program(), HELPER_SECONDS)) {
            // Without a desktop environment's opener (gio, kde-open, exo-open) xdg-open runs the
            // application itself and waits for it to close: still running, it has started it. Left running.
            out.put("running", true);
            return out;
        }
        int exit = opener.exitValue();
        out.put("exitCode", exit);
        if (exit != 0) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    command.program() + " " + target + " exited with " + exit
                            + " (no application for that kind of file?)");
        }
        return out;
    }

    /** {@code ~/rest} in this user's home; any other path as it is. */
    private Path inHome(String path) {
        return path.startsWith(RootRule.HOME_PREFIX)
                ? home.resolve(path.substring(RootRule.HOME_PREFIX.length()))
                : Path.of(path);
    }

    private Path realFile(String given, JsonNode roots) {
        if (!given.startsWith(RootRule.HOME_PREFIX) && !absolute(given)) {
            throw new ToolException(
                    ErrorCodes.INVALID_ARGUMENTS, "path must be absolute or in this home (~/…), got " + given);
        }
        Path real;
        try {
            real = inHome(given).toRealPath();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ToolException(ErrorCodes.NOT_FOUND, "no file " + given + " that this user can see");
        }
        boolean underMachine =
                machine.roots().stream().map(r -> r.resolve(home)).anyMatch(r -> under(real, r));
        boolean underService = false;
        for (JsonNode root : roots) {
            underService |= under(real, inHome(root.asText("/nonexistent")));
        }
        if (!underMachine || !underService) {
            throw new ToolException(
                    ErrorCodes.PATH_OUTSIDE_ROOT,
                    "the file " + given + " (really " + real + ") is outside the allowed roots of "
                            + (underMachine ? "the effective policy" : machineSource));
        }
        machine.denied(real).ifPresent(rule -> {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the file " + given + " matches the deny rule " + rule.glob() + " of " + rule.source());
        });
        return real;
    }

    /** {@code /…} on Linux and macOS, {@code C:\…} or {@code \\server\share\…} on Windows. */
    private static boolean absolute(String path) {
        try {
            return Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static boolean under(Path real, Path root) {
        try {
            return real.startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode notify(JsonNode args) {
        String summary = args.path("summary").asText("");
        String body = args.path("body").asText("");
        if (summary.isBlank() || summary.length() > 200 || body.length() > 2000) {
            throw new ToolException(
                    ErrorCodes.INVALID_ARGUMENTS, "summary must be 1 to 200 characters and body at most 2000");
        }
        DesktopPlatform.Command command = platform.notify(summary, body);
        int exit = runHelper(command);
        if (exit != 0) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED, command.program() + " exited with " + exit + "; " + platform.notifyHint());
        }
        return JsonNodeFactory.instance.objectNode().put("shown", true);
    }

    private JsonNode consent(JsonNode args) {
        String secret = args.path("secret").asText("");
        String tool = args.path("tool").asText("");
        String jobId = args.path("jobId").asText("");
        String request = args.path("request").asText("");
        String details = args.path("details").asText("");
        if (secret.isEmpty() && !details.isEmpty() && details.length() <= 2000) {
            secret = null; // a tool call the policy marks consentRequired: its arguments are shown
        } else if (!secret.matches("[A-Za-z0-9._-]{1,64}")
                || !tool.matches("[A-Za-z0-9._:-]{1,200}")
                || !jobId.matches("[A-Za-z0-9._-]{0,100}")
                || !request.matches("[A-Za-z0-9-]{0,64}")) {
            throw new ToolException(
                    ErrorCodes.INVALID_ARGUMENTS, "consent needs a secret name, a tool name and a job id");
        }
        int seconds = Math.clamp(args.path("seconds").asLong(CONSENT_SECONDS), 1, CONSENT_SECONDS);
        // Who asked for the job on the hub, when the service knows: free text, kept printable and short.
        String requester = Dispatch.requester(args.path("requestedBy").asText(""));
        String job = "job " + jobId + (requester == null ? "" : ", asked by " + requester);
        String question = secret == null
                ? "A job from your organisation's hub (" + job + ") wants to run " + tool + " with:\n\n" + details
                        + "\n\nAllow it this once? (You can also answer on the agent's status page.)"
                : "A job from your organisation's hub wants to use the secret \"" + secret + "\" in " + tool + " ("
                        + job + ").\n\nAllow it this once? (You can also answer on the agent's status page.)";
        DesktopPlatform.Command command = platform.consent(question, seconds);
        Process dialog = start(command, true);
        if (!request.isEmpty()) {
            dialogs.put(request, dialog);
        }
        int exit;
        String output;
        try {
            exit = waitFor(dialog, command.program(), seconds + 5L);
            output = said(dialog);
        } finally {
            if (!request.isEmpty()) {
                dialogs.remove(request, dialog);
            }
        }
        if (!request.isEmpty() && closed.remove(request)) {
            return JsonNodeFactory.instance.objectNode().put("consented", false).put("answer", "closed");
        }
        DesktopPlatform.Answer said = platform.answer(exit, output);
        String answer = switch (said) {
            case ALLOWED -> "allowed";
            case DENIED -> "denied";
            case NO_ANSWER -> "no answer within " + seconds + " s";
            case NOT_SHOWN -> "the dialog could not be shown (" + command.program() + " exited with " + exit + ")";
        };
        return JsonNodeFactory.instance
                .objectNode()
                .put("consented", said == DesktopPlatform.Answer.ALLOWED)
                .put("answer", answer);
    }

    /** The request was answered elsewhere (the status page) or timed out: its dialog goes away. */
    private JsonNode closeConsent(JsonNode args) {
        String request = args.path("request").asText("");
        Process dialog = dialogs.get(request);
        if (dialog != null) {
            closed.add(request);
            dialog.destroy();
        }
        return JsonNodeFactory.instance.objectNode().put("closed", dialog != null);
    }

    /** Starts {@code command} in the home folder with the session's environment and its variables. */
    private Process start(DesktopPlatform.Command command, boolean readOutput) {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
                .redirectOutput(readOutput ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(command.env());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED, "cannot start " + command.argv().getFirst() + ": " + e.getMessage());
        }
    }

    /** What an ended process printed, its first {@value #MAX_ANSWER_BYTES} bytes. */
    private static String said(Process process) {
        try (var in = process.getInputStream()) {
            return new String(in.readNBytes(MAX_ANSWER_BYTES), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private int runHelper(DesktopPlatform.Command command) {
        return waitFor(start(command, false), command.program(), HELPER_SECONDS);
    }

    /** Whether {@code process} ended within {@code seconds}; it is left running if not. */
    private static boolean finished(Process process, String program, long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ToolException(ErrorCodes.CANCELLED, "stopped while " + program + " ran");
        }
    }

    /** {@code process}'s exit code; one still running after {@code seconds} is killed and fails. */
    private static int waitFor(Process process, String program, long seconds) {
        if (!finished(process, program, seconds)) {
            process.destroyForcibly();
            throw new ToolException(ErrorCodes.TOOL_FAILED, program + " did not finish within " + seconds + " s");
        }
        return process.exitValue();
    }
}
