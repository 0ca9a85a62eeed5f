package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.exec.CommandException;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.usersession.SessionRouter;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tools that act in a signed-in user's desktop session: {@code app.list}, {@code app.launch},
 * {@code app.open} and {@code desktop.notify}. Each checks its call against the effective policy
 * here, in the service, then sends it to the user's session part ({@link SessionRouter}), which runs
 * it with that user's rights after checking it again against the machine policy. Every one takes an
 * optional {@code user}: whose session (needed when several users are signed in).
 */
public final class DesktopTools {
    public static final String APP_LIST = "app.list";
    public static final String APP_LAUNCH = "app.launch";
    public static final String APP_OPEN = "app.open";
    public static final String NOTIFY = "desktop.notify";

    /** Every desktop tool's name. */
    public static final Set<String> NAMES = Set.of(APP_LIST, APP_LAUNCH, APP_OPEN, NOTIFY);

    private static final String USER =
            "\"user\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,\"pattern\":\"^[A-Za-z0-9._][A-Za-z0-9._-]*$\"}";

    private DesktopTools() {}

    /** The four tools over {@code policy}, talking to sessions through {@code sessions}. */
    public static List<Tool> create(Policy policy, SessionRouter sessions) {
        return List.of(
                new AppList(policy, sessions),
                new AppLaunch(policy, sessions),
                new AppOpen(policy, sessions),
                new Notify(sessions));
    }

    private static String user(JsonNode args) {
        return args.hasNonNull("user") ? args.get("user").asText() : null;
    }

    private static final class AppList implements Tool {
        private final Policy policy;
        private final SessionRouter sessions;
        private final ToolDescriptor descriptor;

        AppList(Policy policy, SessionRouter sessions) {
            this.policy = policy;
            this.sessions = sessions;
            this.descriptor = new ToolDescriptor(
                    APP_LIST,
                    "List desktop applications",
                    "Lists the applications installed for the signed-in user (.desktop files of the XDG data"
                            + " folders), each with allowed: whether app.launch may start it under this machine's policy.",
                    Schemas.parse("{\"type\":\"object\",\"properties\":{" + USER + "},\"additionalProperties\":false}"),
                    "low",
                    null,
                    ToolAnnotations.READ_ONLY);
        }

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            JsonNode listed = sessions.call(user(args), "list-apps", JsonNodeFactory.instance.objectNode(), context);
            ObjectNode out = JsonNodeFactory.instance
                    .objectNode()
                    .put("user", listed.path("user").asText());
            var apps = out.putArray("apps");
            for (JsonNode app : listed.path("apps")) {
                apps.addObject()
                        .put("id", app.path("id").asText())
                        .put("name", app.path("name").asText())
                        .put("hidden", app.path("hidden").asBoolean())
                        .put("allowed", policy.apps().containsKey(app.path("id").asText()));
            }
            return out;
        }
    }

    private static final class AppLaunch implements Tool {
        private final Policy policy;
        private final SessionRouter sessions;
        private final ToolDescriptor descriptor;

        AppLaunch(Policy policy, SessionRouter sessions) {
            this.policy = policy;
            this.sessions = sessions;
            this.descriptor = new ToolDescriptor(
                    APP_LAUNCH,
                    "Start a desktop application",
                    "Starts one of the applications this machine's policy allows ("
                            + String.join(", ", new TreeSet<>(policy.apps().keySet()))
                            + ") in the signed-in user's session, as that user, with arguments only from the"
                            + " policy's template for it (params fill its {placeholders}). Returns the process id.",
                    Schemas.parse("{\"type\":\"object\",\"properties\":{"
                            + "\"app\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":128},"
                            + "\"params\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":4096}},"
                            + USER + "},\"required\":[\"app\"],\"additionalProperties\":false}"),
                    "high",
                    null,
                    new ToolAnnotations(false, false, false, false));
        }

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            String app = args.path("app").asText();
            CommandTemplate template = policy.apps().get(app);
            if (template == null) {
                throw new ToolException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "the application \"" + app + "\" is not in the apps of the effective policy; apps: "
                                + (policy.apps().isEmpty()
                                        ? "none"
                                        : String.join(
                                                ", ",
                                                new TreeSet<>(policy.apps().keySet()))));
            }
            Map<String, String> params = new LinkedHashMap<>();
            args.path("params")
                    .properties()
                    .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            try {
                CommandRunner.argv(template, params);
            } catch (CommandException e) {
                throw new ToolException(e.code(), e.getMessage().replace("command ", "application "));
            }
            ObjectNode forward = JsonNodeFactory.instance.objectNode().put("app", app);
            forward.set(
                    "params",
                    args.path("params").isObject() ? args.get("params") : JsonNodeFactory.instance.objectNode());
            return sessions.call(user(args), "launch", forward, context);
        }
    }

    private static final class AppOpen implements Tool {
        private final Policy policy;
        private final SessionRouter sessions;
        private final ToolDescriptor descriptor;

        AppOpen(Policy policy, SessionRouter sessions) {
            this.policy = policy;
            this.sessions = sessions;
            this.descriptor = new ToolDescriptor(
                    APP_OPEN,
                    "Open a file or URL on the desktop",
                    "Opens a file inside the allowed roots (a folder of the user's home written ~/…, e.g."
                            + " ~/Downloads/q3.pdf, when the policy shares one), or a URL the policy's urls rules"
                            + " allow, with the signed-in user's default application (xdg-open), as that user.",
                    Schemas.parse("{\"type\":\"object\",\"properties\":{"
                            + "\"path\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":4096},"
                            + "\"url\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":4096},"
                            + USER + "},\"oneOf\":[{\"required\":[\"path\"]},{\"required\":[\"url\"]}],"
                            + "\"additionalProperties\":false}"),
                    "medium",
                    null,
                    new ToolAnnotations(false, false, false, false));
        }

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            ObjectNode forward = JsonNodeFactory.instance.objectNode();
            if (args.hasNonNull("url")) {
                String url = args.get("url").asText();
                if (policy.urls().stream().noneMatch(u -> u.allows(url))) {
                    throw new ToolException(
                            ErrorCodes.BLOCKED_BY_POLICY,
                            "the URL " + url + " is under no urls rule of the effective policy; rules: "
                                    + (policy.urls().isEmpty()
                                            ? "none"
                                            : String.join(
                                                    ", ",
                                                    policy.urls().stream()
                                                            .map(u -> u.rule())
                                                            .toList())));
                }
                forward.put("url", url);
            } else if (args.path("path").asText().startsWith("~")) {
                return openInHome(args, forward, context);
            } else {
                String given = args.path("path").asText();
                Path path = Path.of(given);
                if (!path.isAbsolute() || !path.normalize().equals(path) || given.indexOf('\0') >= 0) {
                    throw new ToolException(
                            ErrorCodes.INVALID_ARGUMENTS,
                            "path must be absolute and normalised (no . or ..), got " + given);
                }
                List<Path> roots = policy.roots().stream()
                        .filter(r -> !r.home())
                        .map(RootRule::path)
                        .toList();
                if (roots.stream().noneMatch(path::startsWith)) {
                    throw new ToolException(
                            ErrorCodes.PATH_OUTSIDE_ROOT,
                            "the file " + given + " is under no root of the effective policy; roots: "
                                    + (roots.isEmpty() ? "none" : roots.toString()));
                }
                forward.put("path", given);
                var list = forward.putArray("roots");
                roots.forEach(r -> list.add(r.toString()));
            }
            return sessions.call(user(args), "open", forward, context);
        }

        /**
         * A file in the signed-in user's home ({@code ~/Downloads/q3.pdf}, or {@code ~alice/…}): it must lie
         * under a home root of the effective policy; the session part resolves it in its own home, under
         * those roots and the machine policy's, as that user.
         */
        private JsonNode openInHome(JsonNode args, ObjectNode forward, ToolContext context) {
            String given = args.path("path").asText();
            java.util.regex.Matcher m = HomeFileTool.HOME_PATH.matcher(given);
            if (!m.matches() || given.indexOf('\0') >= 0) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        "path " + given + " is not a path in a user's home: write ~/FOLDER/FILE or ~USER/FOLDER/FILE");
            }
            String rest = m.group(2) == null ? "" : m.group(2);
            Path relative;
            try {
                relative = Path.of(rest);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, "path " + given + " is not a valid path");
            }
            if (!relative.normalize().equals(relative) || relative.isAbsolute()) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS, "path must be normalised (no . or ..), got " + given);
            }
            List<RootRule> homeRoots =
                    policy.roots().stream().filter(RootRule::home).toList();
            if (homeRoots.stream().noneMatch(r -> relative.startsWith(r.path()))) {
                throw new ToolException(
                        ErrorCodes.PATH_OUTSIDE_ROOT,
                        "the file " + given + " is outside the folders of the user's home the policy shares ("
                                + (homeRoots.isEmpty()
                                        ? "none"
                                        : String.join(
                                                ", ",
                                                homeRoots.stream()
                                                        .map(RootRule::label)
                                                        .toList()))
                                + ")");
            }
            String named = m.group(1);
            String asked = user(args);
            if (named != null && asked != null && !named.equals(asked)) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        "path " + given + " is in the home of " + named + ", but the call names user " + asked);
            }
            forward.put("path", RootRule.HOME_PREFIX + relative);
            var list = forward.putArray("roots");
            homeRoots.forEach(r -> list.add(r.label()));
            return sessions.call(named != null ? named : asked, "open", forward, context);
        }
    }

    private static final class Notify implements Tool {
        private final SessionRouter sessions;
        private final ToolDescriptor descriptor;

        Notify(SessionRouter sessions) {
            this.sessions = sessions;
            this.descriptor = new ToolDescriptor(
                    NOTIFY,
                    "Show a desktop notification",
                    "Shows a notification to the signed-in user (org.freedesktop.Notifications on the session bus).",
                    Schemas.parse("{\"type\":\"object\",\"properties\":{"
                            + "\"summary\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
                            + "\"body\":{\"type\":\"string\",\"maxLength\":2000},"
                            + USER + "},\"required\":[\"summary\"],\"additionalProperties\":false}"),
                    "low",
                    null,
                    new ToolAnnotations(false, false, false, false));
        }

        @Override
        public ToolDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            ObjectNode forward = JsonNodeFactory.instance
                    .objectNode()
                    .put("summary", args.path("summary").asText());
            forward.put("body", args.path("body").asText(""));
            return sessions.call(user(args), "notify", forward, context);
        }
    }
}
