package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules a policy document (the machine policy file's JSON shape, also used for tenant policies)
 * must follow, checked without a file system: known fields only, {@code version} 1, roots with an
 * absolute path (POSIX {@code /…} or Windows {@code C:\…}) and mode {@code read}/{@code write},
 * valid deny globs, non-negative limits, positive concurrency caps, tool names, command templates
 * whose program is absolute and whose parameters are declared with a compiling {@code pattern} or a
 * non-empty {@code enum} and whose {@code env} names are environment variables a job may set (to a
 * vault secret), {@code host:port} network rules, {@code secrets} granted per tool by name.
 *
 * <p>The hub checks a tenant policy with this before storing it, so it never accepts what an agent
 * would refuse. The agent's own parser ({@code PolicyFile}) applies the same rules; {@code
 * PolicyRulesAgreeTest} in the agent runs both over the same bad documents.
 *
 * <p>Stateless and thread-safe.
 */
public final class PolicyDocument {
    /** The fields a policy document may have. */
    public static final Set<String> FIELDS = Set.of(
            "version",
            "roots",
            "denyGlobs",
            "defaultDenyGlobs",
            "limits",
            "tools",
            "commands",
            "network",
            "approvalRequired",
            "secrets",
            "apps",
            "urls",
            "consentRequired",
            "localGraphDecisions");

    /**
     * The field that lets the person at the machine decide a graph's approval steps while the agent runs
     * ({@code true}); it applies only when the machine policy and the tenant policy both set it.
     */
    public static final String LOCAL_GRAPH_DECISIONS = "localGraphDecisions";

    /** The fields of {@code limits}. */
    public static final Set<String> LIMIT_FIELDS = Set.of(
            "maxReadBytes",
            "maxWriteBytes",
            "maxSearchFiles",
            "concurrency",
            "graphBytes",
            "graphsTotalBytes",
            "graphRetentionDays");

    /** The longest {@code limits.graphRetentionDays}: ten years. */
    public static final int MAX_RETENTION_DAYS = 3650;

    /** The key of {@code limits.concurrency} that applies to tools not named there. */
    public static final String DEFAULT_CONCURRENCY = "default";

    /**
     * A vault secret's name, as the policy's {@code secrets} field and the agent's vault spell it:
     * 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit.
     */
    public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** An environment variable a command template lets a job set (to a secret): {@code API_TOKEN}. */
    public static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");

    /** Environment variables a template may not hand to a job: the scrubbed environment's own and the loader's. */
    private static final Pattern RESERVED_ENV = Pattern.compile("PATH|LANG|LC_.*|LD_.*|DYLD_.*|HOME|SHELL|IFS");

    /** An application id {@code app.launch} takes: a desktop file's id without {@code .desktop}. */
    public static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Set<String> APP_FIELDS = Set.of("id", "argv", "params");
    private static final Set<String> COMMAND_FIELDS =
            Set.of("name", "argv", "params", "workdir", "timeoutSeconds", "approvalRequired", "env");
    private static final Pattern TOOL_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final Pattern WINDOWS_ABSOLUTE = Pattern.compile("[A-Za-z]:\\\\.*");

    private PolicyDocument() {}

    /**
     * Checks {@code document}.
     *
     * @return what is wrong, one message per problem naming the field (empty when valid)
     */
    public static List<String> problems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        if (document == null || !document.isObject()) {
            problems.add("a policy must be a JSON object");
            return problems;
        }
        for (Iterator<String> it = document.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add("unknown field \"" + field + "\"; known fields: "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        JsonNode version = document.get("version");
        if (version != null && !(version.isIntegralNumber() && version.asInt() == 1)) {
            problems.add("version must be 1");
        }
        for (JsonNode root : array(document, "roots", problems)) {
            String path = root.path("path").asText("");
            if (!root.path("path").isTextual() || path.isBlank()) {
                problems.add("roots[]: \"path\" is required (a string)");
            } else if (!absolute(path)) {
                problems.add("root " + path + " must be an absolute path (/… or C:\\…)");
            }
            JsonNode mode = root.get("mode");
            if (mode != null && !("read".equalsIgnoreCase(mode.asText()) || "write".equalsIgnoreCase(mode.asText()))) {
                problems.add("root " + path + ": mode must be \"read\" or \"write\", got \"" + mode.asText() + "\"");
            }
        }
        JsonNode defaults = document.get("defaultDenyGlobs");
        if (defaults != null && !defaults.isBoolean()) {
            problems.add("defaultDenyGlobs must be true or false");
        }
        for (JsonNode glob : array(document, "denyGlobs", problems)) {
            if (!glob.isTextual() || glob.asText().isBlank()) {
                problems.add("denyGlobs[] must be non-empty strings");
                continue;
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob.asText().toLowerCase(java.util.Locale.ROOT));
            } catch (RuntimeException e) {
                problems.add("deny glob \"" + glob.asText() + "\" is not a valid glob: " + e.getMessage());
            }
        }
        limits(document.get("limits"), problems);
        JsonNode local = document.get(LOCAL_GRAPH_DECISIONS);
        if (local != null && !local.isBoolean()) {
            problems.add(LOCAL_GRAPH_DECISIONS + " must be true or false");
        }
        for (String list : List.of("tools", "approvalRequired", "consentRequired")) {
            for (JsonNode name : array(document, list, problems)) {
                String text = name.asText("");
                String tool = list.equals("approvalRequired") && text.startsWith("exec:") ? "exec" : text;
                if (!name.isTextual() || !TOOL_NAME.matcher(tool).matches()) {
                    problems.add(list + "[]: \"" + text + "\" is not a tool name like fs.read"
                            + (list.equals("approvalRequired") ? " or exec:TEMPLATE" : ""));
                }
            }
        }
        for (JsonNode command : array(document, "commands", problems)) {
            command(command, problems);
        }
        for (JsonNode rule : array(document, "network", problems)) {
            network(rule, problems);
        }
        checkSecrets(document.get("secrets"), problems);
        for (JsonNode app : array(document, "apps", problems)) {
            app(app, problems);
        }
        for (JsonNode url : array(document, "urls", problems)) {
            String problem = urlProblem(url.asText(""));
            if (!url.isTextual() || problem != null) {
                problems.add("urls[]: \"" + url.asText("") + "\" " + (problem == null ? "must be a string" : problem));
            }
        }
        return problems;
    }

    /**
     * What is wrong with a {@code urls} rule, or null: it must be an {@code http} or {@code https} URL
     * with a host, no user name, query or fragment; a URL is allowed when it has the same scheme, host
     * and port and its path starts with the rule's path ({@code https://intranet.example.com/wiki/}).
     */
    public static String urlProblem(String rule) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(rule);
        } catch (java.net.URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            return "must start with https:// or http://";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "must name a host (and no user name)";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "must not have a query or fragment (a rule is a prefix: scheme, host, port and path)";
        }
        return null;
    }

    private static void app(JsonNode app, List<String> problems) {
        if (!app.isObject()) {
            problems.add("apps[] must be objects");
            return;
        }
        String id = app.path("id").asText("");
        if (!app.path("id").isTextual() || !APP_ID.matcher(id).matches()) {
            problems.add("apps[]: \"id\" is required: an application id like org.gnome.TextEditor (letters, digits,"
                    + " '.', '_', '-')");
        }
        String where = "app " + id;
        for (Iterator<String> it = app.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!APP_FIELDS.contains(field)) {
                problems.add(where + ": unknown field \"" + field + "\"; known fields: "
                        + String.join(", ", APP_FIELDS.stream().sorted().toList()));
            }
        }
        argvAndParams(app, where, problems);
    }

    /** True when {@code path} is absolute on POSIX or on Windows (drive letter). */
    public static boolean absolute(String path) {
        return path.startsWith("/") || WINDOWS_ABSOLUTE.matcher(path).matches();
    }

    private static void limits(JsonNode limits, List<String> problems) {
        if (limits == null || limits.isNull()) {
            return;
        }
        if (!limits.isObject()) {
            problems.add("limits must be a JSON object");
            return;
        }
        for (Map.Entry<String, JsonNode> e : limits.properties()) {
            if (!LIMIT_FIELDS.contains(e.getKey())) {
                problems.add("limits: unknown field \"" + e.getKey() + "\"; known fields: "
                        + String.join(", ", LIMIT_FIELDS.stream().sorted().toList()));
            } else if (e.getKey().equals("concurrency")) {
                concurrency(e.getValue(), problems);
            } else if (!e.getValue().canConvertToLong()
                    || !e.getValue().isIntegralNumber()
                    || e.getValue().asLong() < 0) {
                problems.add("limits." + e.getKey() + " must be a whole number of at least 0");
            } else if (e.getKey().equals("maxSearchFiles") && !e.getValue().canConvertToInt()) {
                problems.add("limits.maxSearchFiles must be at most " + Integer.MAX_VALUE);
            } else if (e.getKey().equals("graphRetentionDays")
                    && (e.getValue().asLong() < 1 || e.getValue().asLong() > MAX_RETENTION_DAYS)) {
                problems.add(
                        "limits.graphRetentionDays must be a whole number of days from 1 to " + MAX_RETENTION_DAYS);
            }
        }
    }

    private static void concurrency(JsonNode caps, List<String> problems) {
        if (!caps.isObject()) {
            problems.add("limits.concurrency must be an object of tool name → cap, e.g. {\"default\":4,\"exec\":1}");
            return;
        }
        for (Map.Entry<String, JsonNode> cap : caps.properties()) {
            String name = cap.getKey();
            if (!name.equals(DEFAULT_CONCURRENCY) && !TOOL_NAME.matcher(name).matches()) {
                problems.add("limits.concurrency: \"" + name + "\" is not a tool name like exec, or \"default\"");
            }
            JsonNode value = cap.getValue();
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
                problems.add("limits.concurrency." + name + " must be a whole number of at least 1");
            }
        }
    }

    private static void command(JsonNode command, List<String> problems) {
        if (!command.isObject()) {
            problems.add("commands[] must be objects");
            return;
        }
        String name = command.path("name").asText("");
        if (!command.path("name").isTextual() || name.isBlank()) {
            problems.add("commands[]: \"name\" is required (a string)");
        }
        String where = "command " + name;
        for (Iterator<String> it = command.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!COMMAND_FIELDS.contains(field)) {
                problems.add(where + ": unknown field \"" + field + "\"; known fields: "
                        + String.join(", ", COMMAND_FIELDS.stream().sorted().toList()));
            }
        }
        argvAndParams(command, where, problems);
        JsonNode timeout = command.get("timeoutSeconds");
        if (timeout != null && (!timeout.isIntegralNumber() || timeout.asLong() < 1)) {
            problems.add(where + ": timeoutSeconds must be a whole number of at least 1");
        }
        JsonNode approval = command.get("approvalRequired");
        if (approval != null && !approval.isBoolean()) {
            problems.add(where + ": approvalRequired must be true or false");
        }
        checkEnv(command.get("env"), where, problems);
    }

    private static void argvAndParams(JsonNode command, String where, List<String> problems) {
        JsonNode argv = command.path("argv");
        if (!argv.isArray()
                || argv.isEmpty()
                || !argv.get(0).isTextual()
                || !absolute(argv.get(0).asText())) {
            problems.add(where + ": argv[0] must be the program's absolute path");
        }
        JsonNode params = command.path("params");
        if (!params.isMissingNode() && !params.isObject()) {
            problems.add(where + ": params must be an object of name → {\"pattern\":…} or {\"enum\":[…]}");
        }
        for (Map.Entry<String, JsonNode> p : params.properties()) {
            JsonNode rule = p.getValue();
            boolean hasEnum = rule.path("enum").isArray() && !rule.path("enum").isEmpty();
            if (rule.has("pattern")) {
                try {
                    Pattern.compile(rule.get("pattern").asText());
                } catch (PatternSyntaxException e) {
                    problems.add(where + ": parameter " + p.getKey() + " has a bad pattern");
                }
            } else if (!hasEnum) {
                problems.add(where + ": parameter " + p.getKey()
                        + ": a command parameter needs a pattern or a list of values");
            }
        }
        if (argv.isArray()) {
            for (JsonNode a : argv) {
                String arg = a.asText();
                if (arg.startsWith("{") && arg.endsWith("}") && !params.has(arg.substring(1, arg.length() - 1))) {
                    problems.add(where + " uses " + arg + " but declares no parameter of that name");
                }
            }
        }
    }

    /**
     * {@code "secrets": {"exec:erp-export": ["erp-db"], "http.request": ["erp-token"]}}: which vault
     * secrets each tool (or {@code exec:TEMPLATE}) may use.
     */
    public static void checkSecrets(JsonNode secrets, List<String> problems) {
        if (secrets == null || secrets.isNull()) {
            return;
        }
        if (!secrets.isObject()) {
            problems.add("secrets must be an object of tool name → [secret names], e.g."
                    + " {\"http.request\":[\"erp-token\"],\"exec:erp-export\":[\"erp-db\"]}");
            return;
        }
        for (Map.Entry<String, JsonNode> grant : secrets.properties()) {
            String key = grant.getKey();
            String tool = key.startsWith("exec:") ? "exec" : key;
            if (!TOOL_NAME.matcher(tool).matches() || key.equals("exec:")) {
                problems.add("secrets: \"" + key + "\" is not a tool name like http.request or exec:TEMPLATE");
            }
            if (!grant.getValue().isArray()) {
                problems.add("secrets." + key + " must be a JSON array of secret names");
                continue;
            }
            for (JsonNode name : grant.getValue()) {
                if (!name.isTextual() || !SECRET_NAME.matcher(name.asText()).matches()) {
                    problems.add("secrets." + key + ": \"" + name.asText("") + "\" is not a secret name (1 to 64"
                            + " letters, digits, '.', '_' or '-', starting with a letter or digit)");
                }
            }
        }
    }

    public static void checkEnv(JsonNode env, String where, List<String> problems) {
        if (env == null || env.isNull()) {
            return;
        }
        if (!env.isArray()) {
            problems.add(where + ": env must be a JSON array of environment variable names, e.g. [\"API_TOKEN\"]");
            return;
        }
        for (JsonNode name : env) {
            String text = name.asText("");
            if (!name.isTextual() || !ENV_NAME.matcher(text).matches()) {
                problems.add(where + ": env: \"" + text + "\" is not an environment variable name like API_TOKEN");
            } else if (RESERVED_ENV.matcher(text).matches()) {
                problems.add(where + ": env: " + text + " cannot be set by a job (the agent sets it, or it changes how"
                        + " programs load)");
            }
        }
    }

    private static void network(JsonNode rule, List<String> problems) {
        String text = rule.asText("");
        int colon = text.lastIndexOf(':');
        if (!rule.isTextual() || colon <= 0 || colon == text.length() - 1) {
            problems.add("network rule \"" + text + "\" must be host:port");
            return;
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                problems.add("network rule \"" + text + "\": port " + port + " is not in 1..65535");
            }
        } catch (NumberFormatException e) {
            problems.add("network rule \"" + text + "\" has no numeric port");
        }
    }

    private static List<JsonNode> array(JsonNode document, String field, List<String> problems) {
        JsonNode node = document.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.add(field + " must be a JSON array");
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }
}
