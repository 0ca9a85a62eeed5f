package io.enginex.edge.server.store;

import io.enginex.edge.server.HubException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which agents of a tenant a tenant policy applies to: all of them ({@code tenant}), those carrying a
 * label ({@code label:team=finance}) or one agent ({@code agent:agt_…}). {@link #wire()} is how the
 * API, the CLI and the protocol write it.
 *
 * @param kind {@code tenant}, {@code label} or {@code agent}
 * @param value empty for {@code tenant}, the label, or the agent id
 */
public record PolicyScope(String kind, String value) {
    public static final String TENANT = "tenant";
    public static final String LABEL = "label";
    public static final String AGENT = "agent";

    private static final Pattern LABEL_TEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:=-]{0,62}");
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * Parses {@code tenant}, {@code label:LABEL} or {@code agent:AGENT_ID}.
     *
     * @throws HubException.BadRequest naming the accepted forms
     */
    public static PolicyScope parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.toLowerCase(Locale.ROOT).equals(TENANT)) {
            return new PolicyScope(TENANT, "");
        }
        if (t.startsWith(LABEL + ":") && LABEL_TEXT.matcher(t.substring(6)).matches()) {
            return new PolicyScope(LABEL, t.substring(6));
        }
        if (t.startsWith(AGENT + ":") && AGENT_ID.matcher(t.substring(6)).matches()) {
            return new PolicyScope(AGENT, t.substring(6));
        }
        throw new HubException.BadRequest(
                "invalid_scope",
                "scope must be \"tenant\", \"label:LABEL\" (e.g. label:team=finance) or \"agent:AGENT_ID\"; got "
                        + (text == null ? "nothing" : '"' + text + '"'));
    }

    /** {@code tenant}, {@code label:…} or {@code agent:…}. */
    public String wire() {
        return kind.equals(TENANT) ? TENANT : kind + ":" + value;
    }

    /** How specific the scope is: agent 2, label 1, tenant 0. The most specific matching scope wins. */
    public int specificity() {
        return switch (kind) {
            case AGENT -> 2;
            case LABEL -> 1;
            default -> 0;
        };
    }

    /** True when the scope covers an agent with this id and these labels. */
    public boolean covers(String agentId, List<String> labels) {
        return switch (kind) {
            case AGENT -> value.equals(agentId);
            case LABEL -> labels.contains(value);
            default -> true;
        };
    }
}
