package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tools this agent offers, by name, each with its input schema. {@link #call} checks the arguments
 * against the schema before the tool sees them.
 *
 * <p>A tool's schema is compiled at its first call, not when the registry is built: the validator (on
 * Jackson 3, about 700 classes) is then not loaded at all by an agent that starts and waits for work,
 * which keeps the packaged agent's start and idle memory down (docs/BENCHMARKS.md). Plugins' schemas are
 * checked when they are loaded ({@link #checkSchema}); the built-ins' by their tests.
 *
 * <p>Thread-safe once built.
 */
public final class ToolRegistry {
    /** At most this many validation messages are sent back; the rest are counted. */
    static final int MAX_MESSAGES = 10;

    private final Map<String, Entry> tools;
    private final Map<String, String> blocked;
    private final Set<String> approvalRequired;
    private final Set<String> consentRequired;

    /** A registry where nothing is blocked by policy. */
    public ToolRegistry(List<? extends Tool> tools) {
        this(tools, Map.of());
    }

    /** A registry where no tool as a whole needs approval. */
    public ToolRegistry(List<? extends Tool> tools, Map<String, String> blocked) {
        this(tools, blocked, Set.of());
    }

    /**
     * @param blocked tools the policy removed, by name, each with the reason a call is refused
     * @param approvalRequired tool names whose every call needs a person's approval: announced in
     *     their descriptors, and refused {@code blocked_by_policy} in a job that was not approved
     * @throws IllegalArgumentException for two tools with the same name
     */
    public ToolRegistry(List<? extends Tool> tools, Map<String, String> blocked, Set<String> approvalRequired) {
        this(tools, blocked, approvalRequired, Set.of());
    }

    /**
     * @param consentRequired tool names whose every call needs the consent of the person at the
     *     machine: the job runner asks first ({@code ToolConsent}); {@link #call} refuses them
     */
    public ToolRegistry(
            List<? extends Tool> tools,
            Map<String, String> blocked,
            Set<String> approvalRequired,
            Set<String> consentRequired) {
        this.blocked = Map.copyOf(blocked);
        this.approvalRequired = Set.copyOf(approvalRequired);
        this.consentRequired = Set.copyOf(consentRequired);
        Map<String, Entry> byName = new LinkedHashMap<>();
        tools.stream().sorted(Comparator.comparing(t -> t.descriptor().name())).forEach(tool -> {
            if (byName.putIfAbsent(tool.descriptor().name(), new Entry(tool)) != null) {
                throw new IllegalArgumentException(
                        "two tools are named " + tool.descriptor().name());
            }
        });
        this.tools = Map.copyOf(byName);
    }

    /**
     * Checks that {@code descriptor}'s input schema compiles, as the first call of the tool will.
     *
     * @throws IllegalArgumentException naming the tool and the validator's message
     */
    public static void checkSchema(ToolDescriptor descriptor) {
        compile(descriptor);
    }

    private static Schema compile(ToolDescriptor descriptor) {
        try {
            // The validator is built on Jackson 3, the protocol on Jackson 2: JSON text bridges them.
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(descriptor.inputSchema().toString(), InputFormat.JSON);
            schema.initializeValidators();
            return schema;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "tool " + descriptor.name() + " has an invalid input schema: " + e.getMessage(), e);
        }
    }

    /**
     * The offered tools' descriptors, sorted by name (as sent in {@code hello}); a tool that needs
     * approval as a whole says so in its {@code approval}.
     */
    public List<ToolDescriptor> descriptors() {
        return tools.values().stream()
                .map(e -> e.tool().descriptor())
                .map(d -> approvalRequired.contains(d.name())
                        ? d.withApproval(new ToolApproval(
                                true,
                                d.approval() == null ? List.of() : d.approval().templates()))
                        : d)
                .sorted(Comparator.comparing(ToolDescriptor::name))
                .toList();
    }

    /** The offered tools' names, sorted. */
    public List<String> names() {
        return tools.keySet().stream().sorted().toList();
    }

    /**
     * Validates {@code args} and calls the tool.
     *
     * @throws IllegalArgumentException when the tool's input schema does not compile (a bug of the tool)
     * @throws ToolException {@code blocked_by_policy} for a tool the policy removed or one that needs
     *     approval in a job nobody approved ({@link ToolContext#approved()}), {@code
     *     unknown_tool} (naming the offered tools), {@code invalid_arguments}
     *     (with the validator's messages), or whatever the tool throws
     */
    public JsonNode call(String name, JsonNode args, ToolContext context) {
        return callConsented(name, args, context, false);
    }

    /** True when every call of {@code name} needs the consent of the person at the machine first. */
    public boolean needsConsent(String name) {
        return consentRequired.contains(name);
    }

    /**
     * As {@link #call}, for a caller that asked the person at the machine first when {@link
     * #needsConsent} ({@code consented}); without it such a tool is refused {@code blocked_by_policy}.
     */
    public JsonNode callConsented(String name, JsonNode args, ToolContext context, boolean consented) {
        Entry entry = entry(name);
        if (consentRequired.contains(name) && !consented) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the tool " + name + " needs the consent of the person at the machine (consentRequired in the"
                            + " policy) and this call came without it; it was not run. Run it as a job of its own");
        }
        if (approvalRequired.contains(name) && !context.approved()) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the tool " + name + " needs a person's approval under this machine's policy and this job came "
                            + "without one; it was not run. Approve the job on the hub (engine jobs approve)");
        }
        validate(entry, args);
        return entry.tool().call(args, context);
    }

    /** Checks {@code args} against the named tool's schema without calling it. */
    public void validate(String name, JsonNode args) {
        validate(entry(name), args);
    }

    private Entry entry(String name) {
        Entry entry = tools.get(name);
        if (entry == null && blocked.containsKey(name)) {
            throw new ToolException(ErrorCodes.BLOCKED_BY_POLICY, blocked.get(name));
        }
        if (entry == null) {
            throw new ToolException(
                    ErrorCodes.UNKNOWN_TOOL,
                    "this agent does not offer the tool \"" + name + "\"; it offers: "
                            + (tools.isEmpty() ? "none" : String.join(", ", names())));
        }
        return entry;
    }

    private static void validate(Entry entry, JsonNode args) {
        List<Error> errors = entry.schema().validate(args.toString(), InputFormat.JSON);
        if (errors.isEmpty()) {
            return;
        }
        List<String> messages = new ArrayList<>();
        for (Error error : errors.subList(0, Math.min(MAX_MESSAGES, errors.size()))) {
            String location = error.getInstanceLocation() == null
                    ? ""
                    : error.getInstanceLocation().toString();
            messages.add(location.isEmpty() ? error.getMessage() : location + ": " + error.getMessage());
        }
        String more = errors.size() > MAX_MESSAGES ? "; and " + (errors.size() - MAX_MESSAGES) + " more" : "";
        throw new ToolException(
                ErrorCodes.INVALID_ARGUMENTS,
                "arguments for " + entry.tool().descriptor().name() + " do not match its input schema: "
                        + messages.stream().collect(Collectors.joining("; ")) + more);
    }

    /** A tool and its schema, compiled once at the first call that needs it. */
    private static final class Entry {
        private final Tool tool;
        private volatile Schema schema;

        Entry(Tool tool) {
            this.tool = tool;
        }

        Tool tool() {
            return tool;
        }

        Schema schema() {
            Schema compiled = schema;
            if (compiled == null) {
                synchronized (this) {
                    compiled = schema;
                    if (compiled == null) {
                        compiled = compile(tool.descriptor());
                        schema = compiled;
                    }
                }
            }
            return compiled;
        }
    }
}
