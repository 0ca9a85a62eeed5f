package io.enginex.edge.agent.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.PolicyDocument;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a policy file (JSON, see docs/POLICY.md) into a {@link Policy}. Unknown fields are errors: a
 * typo in a security rule must not silently grant or drop anything.
 *
 * <p>A machine policy file must be writable only by the machine's administrator ({@link
 * FileTrust}); a tenant policy comes from the hub as JSON of the same shape ({@link #parse}).
 *
 * <p>Thread-safe.
 */
public final class PolicyFile {
    /** The largest policy file read. */
    static final long MAX_BYTES = 1 << 20;

    private static final Set<String> FIELDS = PolicyDocument.FIELDS;

    private final ObjectMapper mapper;
    private final FileSystem fs;

    public PolicyFile(ObjectMapper mapper, FileSystem fs) {
        this.mapper = mapper;
        this.fs = fs;
    }

    /**
     * The machine policy: {@code explicit} when given (it must exist; {@link FileTrust} allows it to
     * be owned by the user running the agent), else the file at {@code defaultPath} (it must be
     * administrator-owned), else {@link DefaultPolicy#machine} when that file does not exist.
     *
     * @throws PolicyException when the file is unreadable, untrusted or malformed
     */
    public Policy loadMachine(Path explicit, Path defaultPath, FileTrust trust) {
        if (explicit != null) {
            return read(explicit, trust, true);
        }
        if (!Files.exists(defaultPath)) {
            return DefaultPolicy.machine(fs);
        }
        return read(defaultPath, trust, false);
    }

    private Policy read(Path file, FileTrust trust, boolean explicit) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new PolicyException("machine policy " + file + " does not exist; check the --machine-policy path");
        } catch (IOException e) {
            throw new PolicyException(
                    "cannot read machine policy " + file + " (" + e.getClass().getSimpleName()
                            + "); check its permissions",
                    e);
        }
        trust.check(real, explicit);
        byte[] bytes;
        try {
            if (Files.size(real) > MAX_BYTES) {
                throw new PolicyException("machine policy " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(real);
        } catch (IOException e) {
            throw new PolicyException(
                    "cannot read machine policy " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
        return parse(bytes, "machine policy " + file);
    }

    /**
     * Parses policy JSON.
     *
     * @param source names the policy in every rule, e.g. {@code machine policy /etc/…/policy.json}
     * @throws PolicyException naming the field that is wrong
     */
    public Policy parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PolicyException(source + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolicyException(source + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException(source + " must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new PolicyException(source + ": unknown field \"" + field + "\"; known fields: "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        if (root.has("version") && root.get("version").asInt() != 1) {
            throw new PolicyException(source + ": version must be 1");
        }
        return new Policy(
                roots(root.path("roots"), source),
                deny(root, source),
                limits(root.path("limits"), source),
                tools(root, source),
                commands(root.path("commands"), source),
                network(root.path("network"), source),
                named(root.path("approvalRequired"), source, "approvalRequired"),
                secrets(root.get("secrets"), source),
                apps(root.path("apps"), source),
                urls(root.path("urls"), source),
                consentRequired(root.path("consentRequired"), source),
                localGraphDecisions(root, source));
    }

    private static Map<String, String> consentRequired(JsonNode node, String source) {
        if (!node.isMissingNode() && !node.isNull()) {
            // The hub checks tenant policies with the same rules (PolicyDocument), so both refuse alike.
            ObjectNode only = JsonNodeFactory.instance.objectNode();
            only.set("consentRequired", node);
            List<String> problems = PolicyDocument.problems(only);
            if (!problems.isEmpty()) {
                throw new PolicyException(source + ": " + problems.get(0));
            }
        }
        return named(node, source, "consentRequired");
    }

    private static boolean localGraphDecisions(JsonNode root, String source) {
        JsonNode node = root.get(PolicyDocument.LOCAL_GRAPH_DECISIONS);
        if (node != null && !node.isBoolean()) {
            throw new PolicyException(source + ": " + PolicyDocument.LOCAL_GRAPH_DECISIONS + " must be true or false");
        }
        return node != null && node.asBoolean();
    }

    private static Map<String, CommandTemplate> apps(JsonNode node, String source) {
        if (!node.isMissingNode() && !node.isNull()) {
            // The hub checks tenant policies with the same rules (PolicyDocument), so both refuse alike.
            ObjectNode only = JsonNodeFactory.instance.objectNode();
            only.set("apps", node);
            List<String> problems = PolicyDocument.problems(only);
            if (!problems.isEmpty()) {
                throw new PolicyException(source + ": " + problems.get(0));
            }
        }
        Map<String, CommandTemplate> apps = new LinkedHashMap<>();
        for (JsonNode a : array(node, source, "apps")) {
            String id = text(a, "id", source + ": apps[]");
            String where = source + ": app " + id;
            List<String> argv = new ArrayList<>();
            array(a.path("argv"), where, "argv").forEach(x -> argv.add(x.asText()));
            apps.put(id, new CommandTemplate(id, argv, params(a, where), null, Duration.ofSeconds(60), false, source));
        }
        return apps;
    }

    private static List<UrlRule> urls(JsonNode node, String source) {
        List<UrlRule> urls = new ArrayList<>();
        for (JsonNode u : array(node, source, "urls")) {
            urls.add(new UrlRule(u.asText(""), source));
        }
        return urls;
    }

    private List<RootRule> roots(JsonNode node, String source) {
        List<RootRule> roots = new ArrayList<>();
        for (JsonNode r : array(node, source, "roots")) {
            String path = text(r, "path", source + ": roots[]");
            roots.add(RootRule.parse(
                    path, AccessMode.parse(r.path("mode").asText("read"), source + ": root " + path), source, fs));
        }
        return roots;
    }

    private List<DenyRule> deny(JsonNode root, String source) {
        List<DenyRule> rules = new ArrayList<>();
        if (root.path("defaultDenyGlobs").asBoolean(true)) {
            rules.addAll(DefaultPolicy.denyRules(fs, DefaultPolicy.SOURCE));
        }
        for (JsonNode g : array(root.path("denyGlobs"), source, "denyGlobs")) {
            rules.add(DenyRule.of(g.asText(), source, fs));
        }
        return rules;
    }

    private static Limits limits(JsonNode node, String source) {
        if (node.isMissingNode()) {
            return Limits.DEFAULT;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!PolicyDocument.LIMIT_FIELDS.contains(field)) {
                throw new PolicyException(source + ": limits: unknown field \"" + field + "\"; known fields: "
                        + String.join(
                                ", ",
                                PolicyDocument.LIMIT_FIELDS.stream().sorted().toList()));
            }
        }
        Map<String, Integer> concurrency = new LinkedHashMap<>();
        JsonNode caps = node.path("concurrency");
        if (!caps.isMissingNode() && !caps.isObject()) {
            throw new PolicyException(source + ": limits.concurrency must be an object of tool name → cap, e.g."
                    + " {\"default\":4,\"exec\":1}");
        }
        for (Map.Entry<String, JsonNode> cap : caps.properties()) {
            if (!cap.getValue().isIntegralNumber()
                    || !cap.getValue().canConvertToInt()
                    || cap.getValue().asInt() < 1) {
                throw new PolicyException(
                        source + ": limits.concurrency." + cap.getKey() + " must be a whole number of at least 1");
            }
            concurrency.put(cap.getKey(), cap.getValue().asInt());
        }
        Limits d = Limits.DEFAULT;
        return new Limits(
                node.path("maxReadBytes").asLong(d.maxReadBytes()),
                node.path("maxWriteBytes").asLong(d.maxWriteBytes()),
                node.path("maxSearchFiles").asInt(d.maxSearchFiles()),
                source,
                concurrency,
                node.path("graphBytes").asLong(d.graphBytes()),
                node.path("graphsTotalBytes").asLong(d.graphsTotalBytes()),
                node.path("graphRetentionDays").asInt(d.graphRetentionDays()));
    }

    private static Map<String, String> tools(JsonNode root, String source) {
        if (!root.has("tools")) {
            return DefaultPolicy.readOnlyTools(source + " (no tools listed: read-only set)");
        }
        return named(root.get("tools"), source, "tools");
    }

    private static Map<String, String> named(JsonNode node, String source, String field) {
        Map<String, String> names = new LinkedHashMap<>();
        for (JsonNode n : array(node, source, field)) {
            names.put(n.asText(), source);
        }
        return names;
    }

    private static Map<String, CommandTemplate> commands(JsonNode node, String source) {
        Map<String, CommandTemplate> commands = new LinkedHashMap<>();
        for (JsonNode c : array(node, source, "commands")) {
            String name = text(c, "name", source + ": commands[]");
            String where = source + ": command " + name;
            List<String> argv = new ArrayList<>();
            array(c.path("argv"), where, "argv").forEach(a -> argv.add(a.asText()));
            if (argv.isEmpty() || !Path.of(argv.get(0)).isAbsolute()) {
                throw new PolicyException(where + ": argv[0] must be the program's absolute path");
            }
            Map<String, CommandTemplate.Param> params = params(c, where);
            List<String> envProblems = new ArrayList<>();
            PolicyDocument.checkEnv(c.get("env"), where, envProblems);
            if (!envProblems.isEmpty()) {
                throw new PolicyException(envProblems.get(0));
            }
            List<String> env = new ArrayList<>();
            c.path("env").forEach(e -> env.add(e.asText()));
            commands.put(
                    name,
                    new CommandTemplate(
                            name,
                            argv,
                            params,
                            c.path("workdir").asText(null),
                            Duration.ofSeconds(c.path("timeoutSeconds").asLong(60)),
                            c.path("approvalRequired").asBoolean(false),
                            source,
                            env));
        }
        return commands;
    }

    private static Map<String, CommandTemplate.Param> params(JsonNode c, String where) {
        Map<String, CommandTemplate.Param> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : c.path("params").properties()) {
            List<String> values = new ArrayList<>();
            p.getValue().path("enum").forEach(v -> values.add(v.asText()));
            Pattern pattern = null;
            if (p.getValue().has("pattern")) {
                try {
                    pattern = Pattern.compile(p.getValue().get("pattern").asText());
                } catch (PatternSyntaxException e) {
                    throw new PolicyException(where + ": parameter " + p.getKey() + " has a bad pattern", e);
                }
            }
            try {
                params.put(p.getKey(), new CommandTemplate.Param(pattern, values));
            } catch (PolicyException e) {
                throw new PolicyException(where + ": parameter " + p.getKey() + ": " + e.getMessage(), e);
            }
        }
        return params;
    }

    private static SecretRules secrets(JsonNode node, String source) {
        List<String> problems = new ArrayList<>();
        PolicyDocument.checkSecrets(node, problems);
        if (!problems.isEmpty()) {
            throw new PolicyException(source + ": " + problems.get(0));
        }
        if (node == null || node.isNull()) {
            return SecretRules.NONE;
        }
        Map<String, java.util.Set<String>> grants = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> grant : node.properties()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            grant.getValue().forEach(n -> names.add(n.asText()));
            grants.put(grant.getKey(), names);
            sources.put(grant.getKey(), source);
        }
        return new SecretRules(grants, sources);
    }

    private static List<NetworkRule> network(JsonNode node, String source) {
        List<NetworkRule> rules = new ArrayList<>();
        for (JsonNode n : array(node, source, "network")) {
            rules.add(NetworkRule.parse(n.asText(), source));
        }
        return rules;
    }

    private static List<JsonNode> array(JsonNode node, String source, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new PolicyException(source + ": " + field + " must be a JSON array");
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new PolicyException(where + ": \"" + field + "\" is required (a string)");
        }
        return value.asText();
    }

    /** The administrator-only location of the machine policy on this operating system. */
    public static Path defaultLocation(String osName, Map<String, String> env) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String data = env.getOrDefault("ProgramData", "C:\\ProgramData");
            return Path.of(data, "EngineX", "Agent", "policy.json");
        }
        if (os.startsWith("mac")) {
            return Path.of("/Library", "Application Support", "EngineX Agent", "policy.json");
        }
        return Path.of("/etc", "enginex-agent", "policy.json");
    }
}
