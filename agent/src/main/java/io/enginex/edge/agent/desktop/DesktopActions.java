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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *   <li>{@code list-apps}: the applications of {@link DesktopEntries};
 *   <li>{@code launch} {@code {"app":ID,"params":{…}}}: the machine policy's template for that
 *       application, its parameters checked like {@code exec}'s; started detached, its pid returned;
 *   <li>{@code open} {@code {"path":…,"roots":[…]}} or {@code {"url":…}}: a file whose real path lies
 *       under a machine policy root and one of the service's effective {@code roots} and no deny rule,
 *       or a URL under a machine {@code urls} rule, with {@code xdg-open}; an {@code xdg-open} still
 *       running after {@value #HELPER_SECONDS} s runs the application itself (a session without a desktop
 *       environment's opener) and is left running, answered {@code "running":true};
 *   <li>{@code notify} {@code {"summary":…,"body":…}}: a desktop notification through the session
 *       bus's org.freedesktop.Notifications ({@code notify-send});
 *   <li>{@code consent} {@code {"secret":…,"tool":…,"jobId":…}}: asks the user with a dialog ({@code
 *       zenity --question}, Allow / Deny, {@value #CONSENT_SECONDS} s) whether a job may use a vault
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
 * <p>Thread-safe: each call starts its own processes.
 */
public final class DesktopActions {
    private static final long HELPER_SECONDS = 15;

    /** How long the consent dialog waits for the person before it counts as "no". */
    static final int CONSENT_SECONDS = 60;

    private final Policy machine;
    private final String machineSource;
    private final Map<String, String> env;
    private final Path home;
    private final List<Path> binDirs;
    private final HomeFiles files;
    /** Consent dialogs showing, by request id, and the ones closed because answered elsewhere. */
    private final Map<String, Process> dialogs = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.Set<String> closed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param env the session's environment (children inherit it)
     * @param binDirs where {@code xdg-open} and {@code notify-send} are looked up, in order (the
     *     system's folders; the user's PATH is not used)
     */
    public DesktopActions(
            Policy machine, String machineSource, Map<String, String> env, Path home, List<Path> binDirs) {
        this.machine = machine;
        this.machineSource = machineSource;
        this.env = Map.copyOf(env);
        this.home = home;
        this.binDirs = List.copyOf(binDirs);
        this.files = new HomeFiles(machine, machineSource, home, java.time.Clock.systemUTC());
    }

    /** The system folders helpers are taken from. */
    public static List<Path> systemBinDirs() {
        return List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/local/bin"));
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
        for (DesktopEntries.Entry entry : DesktopEntries.scan(DesktopEntries.dataDirs(env, home))) {
            apps.addObject()
                    .put("id", entry.id())
                    .put("name", entry.name())
                    .put("hidden", entry.noDisplay())
                    .put("file", entry.file().toString());
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
        Process process = start(argv);
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
            target = realFile(args.path("path").asText(""), args.path("roots")).toString();
        }
        List<String> argv = List.of(program("xdg-open").toString(), target);
        Process opener = start(argv);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put(args.hasNonNull("url") ? "url" : "path", target);
        if (!finished(opener, argv.get(0), HELPER_SECONDS)) {
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
                    "xdg-open " + target + " exited with " + exit + " (no application for that kind of file?)");
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
        if (!given.startsWith("/") && !given.startsWith(RootRule.HOME_PREFIX)) {
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
        List<String> argv =
                new ArrayList<>(List.of(program("notify-send").toString(), "--app-name=EngineX Edge", "--", summary));
        if (!body.isEmpty()) {
            argv.add(body);
        }
        int exit = runHelper(argv);
        if (exit != 0) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "notify-send exited with " + exit + "; is a notification daemon running in this session?");
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
        // zenity reads Pango markup in --text: the names are checked above, but the arguments and the
        // requester are free text, so both dialogs are shown with --no-markup.
        List<String> argv = secret == null
                ? List.of(
                        program("zenity").toString(),
                        "--question",
                        "--no-markup",
                        "--title=EngineX Edge",
                        "--ok-label=Allow",
                        "--cancel-label=Deny",
                        "--timeout=" + seconds,
                        "--text=A job from your organisation's hub (" + job + ") wants to run " + tool
                                + " with:\n\n" + details + "\n\nAllow it this once? (You can also answer on the"
                                + " agent's status page.)")
                : List.of(
                        program("zenity").toString(),
                        "--question",
                        "--no-markup",
                        "--title=EngineX Edge",
                        "--ok-label=Allow",
                        "--cancel-label=Deny",
                        "--timeout=" + seconds,
                        "--text=A job from your organisation's hub wants to use the secret \"" + secret + "\" in "
                                + tool
                                + " (" + job
                                + ").\n\nAllow it this once? (You can also answer on the agent's status"
                                + " page.)");
        Process dialog = start(argv);
        if (!request.isEmpty()) {
            dialogs.put(request, dialog);
        }
        int exit;
        try {
            exit = waitFor(dialog, argv.get(0), seconds + 5L);
        } finally {
            if (!request.isEmpty()) {
                dialogs.remove(request, dialog);
            }
        }
        String answer;
        if (!request.isEmpty() && closed.remove(request)) {
            answer = "closed";
        } else {
            answer = switch (exit) {
                case 0 -> "allowed";
                case 1 -> "denied";
                case 5 -> "no answer within " + seconds + " s";
                default -> "the dialog could not be shown (zenity exited with " + exit + ")";
            };
        }
        return JsonNodeFactory.instance.objectNode().put("consented", exit == 0).put("answer", answer);
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

    private Path program(String name) {
        return binDirs.stream()
                .map(d -> d.resolve(name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new ToolException(
                        ErrorCodes.TOOL_FAILED,
                        name + " is not installed in " + binDirs + " (Debian: apt-get install "
                                + switch (name) {
                                    case "notify-send" -> "libnotify-bin";
                                    case "zenity" -> "zenity";
                                    default -> "xdg-utils";
                                }
                                + ")"));
    }

    private Process start(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new ToolException(ErrorCodes.TOOL_FAILED, "cannot start " + argv.get(0) + ": " + e.getMessage());
        }
    }

    private int runHelper(List<String> argv) {
        return runHelper(argv, HELPER_SECONDS);
    }

    private int runHelper(List<String> argv, long seconds) {
        return waitFor(start(argv), argv.get(0), seconds);
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

    private static int waitFor(Process process, String program, long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ToolException(ErrorCodes.TOOL_FAILED, program + " did not finish within " + seconds + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ToolException(ErrorCodes.CANCELLED, "stopped while " + program + " ran");
        }
    }
}
