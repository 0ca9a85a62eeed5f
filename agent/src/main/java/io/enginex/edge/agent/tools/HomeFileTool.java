package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.usersession.SessionRouter;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file tool ({@code fs.*}) of a policy with home roots ({@code ~/Downloads}): a call whose paths are
 * written {@code ~/…} (the only signed-in user's home) or {@code ~USER/…} is checked here against the
 * effective policy's home roots and sent to that user's session part (action {@code fs}), which runs
 * the same tool there, with that user's rights, over the same roots narrowed by the machine policy it
 * reads itself; any other call goes to the service's own tool (or is refused when the policy shares no
 * folder of the machine). The service's job runner audits both like any call. Thread-safe.
 */
public final class HomeFileTool implements Tool {
    /** {@code ~}, an optional user name, then {@code /} and the rest (or nothing). */
    static final Pattern HOME_PATH = Pattern.compile("~([A-Za-z0-9._][A-Za-z0-9._-]{0,63})?(?:/(.*))?");

    private final String name;
    private final Tool local;
    private final Policy policy;
    private final SessionRouter sessions;
    private final ToolDescriptor descriptor;

    /**
     * @param local the service's own tool of that name, or null when the policy shares no folder of the
     *     machine
     * @param policy the effective policy (its home roots decide what is routed)
     */
    public HomeFileTool(String name, Tool local, Policy policy, SessionRouter sessions) {
        this.name = name;
        this.local = local;
        this.policy = policy;
        this.sessions = sessions;
        ToolDescriptor base = local != null
                ? local.descriptor()
                : FileTools.of(name, null).orElseThrow().descriptor();
        this.descriptor = new ToolDescriptor(
                base.name(),
                base.title(),
                base.description() + " A path written ~/… (or ~USER/… when several users are signed in) is in the"
                        + " signed-in user's home, under "
                        + String.join(
                                ", ", homeRoots().stream().map(RootRule::label).toList())
                        + ", and is used there with that user's own rights.",
                base.inputSchema(),
                base.risk(),
                base.outputSchema(),
                base.annotations(),
                base.approval());
    }

    @Override
    public ToolDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        List<String> keys = FileTools.PATH_ARGUMENTS.stream()
                .filter(k -> args.path(k).isTextual())
                .toList();
        long home =
                keys.stream().filter(k -> args.get(k).asText().startsWith("~")).count();
        if (home == 0) {
            if (local == null) {
                throw new ToolException(
                        ErrorCodes.PATH_OUTSIDE_ROOT,
                        "the policy shares only folders in the signed-in user's home (" + roots()
                                + "); write the path as ~/FOLDER/FILE, e.g. ~/"
                                + homeRoots().get(0).path());
            }
            return local.call(args, context);
        }
        if (home != keys.size()) {
            throw new ToolException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    "a call cannot mix a path in the user's home (~/…) with one outside it; use two calls");
        }
        String user = null;
        ObjectNode forwarded = ((ObjectNode) args).deepCopy();
        for (String key : keys) {
            String given = args.get(key).asText();
            Matcher m = HOME_PATH.matcher(given);
            if (!m.matches()) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        key + " " + given
                                + " is not a path in a user's home: write ~/FOLDER/FILE or ~USER/FOLDER/FILE");
            }
            if (user != null && !Objects.equals(user, m.group(1))) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS, "a call cannot use the homes of two users (" + given + ")");
            }
            user = m.group(1);
            Path relative = relative(key, given, m.group(2) == null ? "" : m.group(2));
            forwarded.put(key, RootRule.HOME_PREFIX + relative);
        }
        ObjectNode call = JsonNodeFactory.instance.objectNode().put("tool", name);
        call.set("args", forwarded);
        ArrayNode roots = call.putArray("roots");
        homeRoots()
                .forEach(r -> roots.addObject()
                        .put("path", r.path().toString())
                        .put("mode", r.mode().label()));
        ArrayNode deny = call.putArray("deny");
        policy.deny().forEach(d -> deny.add(d.glob()));
        Limits limits = policy.limits();
        call.putObject("limits")
                .put("maxReadBytes", limits.maxReadBytes())
                .put("maxWriteBytes", limits.maxWriteBytes())
                .put("maxSearchFiles", limits.maxSearchFiles());
        call.put("jobId", context.jobId()).put("deadline", context.deadline().toEpochMilli());
        return sessions.call(user, "fs", call, context);
    }

    /** The part after {@code ~/}, normalised; it must lie under a home root of the effective policy. */
    private Path relative(String key, String given, String rest) {
        Path path;
        try {
            path = Path.of(rest).normalize();
        } catch (InvalidPathException e) {
            throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, key + " " + given + " is not a valid path");
        }
        if (rest.indexOf('\0') >= 0
                || path.isAbsolute()
                || homeRoots().stream().noneMatch(r -> path.startsWith(r.path()))) {
            throw new ToolException(
                    ErrorCodes.PATH_OUTSIDE_ROOT,
                    key + " " + given + " is outside the folders of the user's home the policy shares (" + roots()
                            + ")");
        }
        return path;
    }

    private List<RootRule> homeRoots() {
        return policy.roots().stream().filter(RootRule::home).toList();
    }

    private String roots() {
        return String.join(", ", homeRoots().stream().map(RootRule::label).toList());
    }
}
