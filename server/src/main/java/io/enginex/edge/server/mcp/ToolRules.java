package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Role;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which MCP tools each role of a tenant may see and call: per role, {@code allow} and {@code deny}
 * lists of patterns, matched against a tool's own name ({@code fs.read}) and its MCP name ({@code
 * laptop-07__fs_read}). A tool is the role's when no deny pattern matches it and, if the role has an
 * allow list, one of those does. A role without rules, and every role of a tenant without any, may use
 * every tool (the agents' policies and approvals still apply to each call). A pattern is a tool or MCP
 * name with {@code *} for any run of characters and {@code ?} for one.
 *
 * <pre>{@code {"roles": {"viewer": {"allow": ["sys.*"]}, "operator": {"deny": ["exec", "*__fs_write"]}}}}</pre>
 *
 * <p>Immutable.
 */
public final class ToolRules {
    /** The most patterns in one list. */
    public static final int MAX_PATTERNS = 100;

    /** The longest pattern. */
    public static final int MAX_PATTERN_LENGTH = 128;

    private static final Pattern PATTERN_TEXT = Pattern.compile("[A-Za-z0-9._*?-]+");

    /** No rules: every role may use every tool. */
    public static final ToolRules NONE = new ToolRules(Map.of());

    private record RoleRules(List<Pattern> allow, List<Pattern> deny, List<String> allowText, List<String> denyText) {}

    private final Map<Role, RoleRules> roles;

    private ToolRules(Map<Role, RoleRules> roles) {
        this.roles = roles;
    }

    /** Whether {@code role} may see and call the tool named {@code tool} that MCP names {@code mcpName}. */
    public boolean allows(Role role, String tool, String mcpName) {
        RoleRules rules = roles.get(role);
        if (rules == null) {
            return true;
        }
        if (matchesAny(rules.deny(), tool, mcpName)) {
            return false;
        }
        return rules.allow().isEmpty() || matchesAny(rules.allow(), tool, mcpName);
    }

    private static boolean matchesAny(List<Pattern> patterns, String tool, String mcpName) {
        for (Pattern p : patterns) {
            if (p.matcher(tool).matches() || p.matcher(mcpName).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The rules as a document, in the form {@link #parse} reads (roles in order of privilege). */
    public JsonNode document(ObjectMapper mapper) {
        ObjectNode doc = mapper.createObjectNode();
        ObjectNode byRole = doc.putObject("roles");
        roles.forEach((role, rules) -> {
            ObjectNode r = byRole.putObject(role.wire());
            if (!rules.allowText().isEmpty()) {
                rules.allowText().forEach(r.putArray("allow")::add);
            }
            if (!rules.denyText().isEmpty()) {
                rules.denyText().forEach(r.putArray("deny")::add);
            }
        });
        return doc;
    }

    /**
     * Reads and checks a rules document.
     *
     * @throws HubException.BadRequest {@code invalid_tool_rules}, naming the field and the fix
     */
    public static ToolRules parse(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            throw invalid("the body must be an object like {\"roles\": {\"viewer\": {\"allow\": [\"sys.*\"]}}}");
        }
        for (Iterator<String> fields = doc.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("roles")) {
                throw invalid("unknown field \"" + field + "\"; the rules have one field, roles");
            }
        }
        JsonNode byRole = doc.path("roles");
        if (!byRole.isObject()) {
            throw invalid("roles must be an object from a role (owner, admin, operator, viewer) to its allow and"
                    + " deny lists");
        }
        Map<Role, RoleRules> roles = new EnumMap<>(Role.class);
        for (Map.Entry<String, JsonNode> entry : byRole.properties()) {
            Role role;
            try {
                role = Role.parseTenantRole(entry.getKey());
            } catch (HubException.BadRequest e) {
                throw invalid(
                        "roles." + entry.getKey() + ": not a role of a tenant; use owner, admin, operator or viewer");
            }
            JsonNode lists = entry.getValue();
            if (!lists.isObject()) {
                throw invalid("roles." + role.wire() + " must be an object with allow and/or deny lists");
            }
            for (Iterator<String> fields = lists.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!field.equals("allow") && !field.equals("deny")) {
                    throw invalid("roles." + role.wire() + "." + field + ": unknown; a role has allow and deny lists");
                }
            }
            List<String> allow = patterns(lists.path("allow"), "roles." + role.wire() + ".allow");
            List<String> deny = patterns(lists.path("deny"), "roles." + role.wire() + ".deny");
            roles.put(role, new RoleRules(compile(allow), compile(deny), allow, deny));
        }
        return new ToolRules(roles);
    }

    private static List<String> patterns(JsonNode list, String where) {
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw invalid(where + " must be a list of patterns, e.g. [\"fs.*\", \"exec\"]");
        }
        if (list.size() > MAX_PATTERNS) {
            throw invalid(where + " has " + list.size() + " patterns; at most " + MAX_PATTERNS);
        }
        List<String> patterns = new ArrayList<>();
        for (JsonNode p : list) {
            String text = p.isTextual() ? p.asText() : null;
            if (text == null
                    || text.isEmpty()
                    || text.length() > MAX_PATTERN_LENGTH
                    || !PATTERN_TEXT.matcher(text).matches()) {
                throw invalid(where + ": " + (p.isTextual() ? "\"" + abbreviated(text) + "\"" : p.toString())
                        + " is not a pattern; use 1-" + MAX_PATTERN_LENGTH
                        + " characters of letters, digits, . _ - and the wildcards * and ?");
            }
            patterns.add(text);
        }
        return List.copyOf(patterns);
    }

    private static String abbreviated(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static List<Pattern> compile(List<String> patterns) {
        return patterns.stream()
                .map(p -> Pattern.compile(
                        Pattern.quote(p).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")))
                .toList();
    }

    private static HubException.BadRequest invalid(String message) {
        return new HubException.BadRequest("invalid_tool_rules", message);
    }
}
