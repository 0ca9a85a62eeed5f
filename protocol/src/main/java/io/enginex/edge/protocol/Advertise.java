package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Agent → hub: the tools this agent offers now and the effective policy behind them (added in
 * protocol 1.0 without a version change). Sent after a {@code welcome} that carried {@code
 * tenantPolicies} and after every {@link PolicyUpdate}; it replaces what {@code hello} said. An agent
 * sends it only to a hub whose {@code welcome} had {@code tenantPolicies}, so an older hub never sees
 * it.
 *
 * <pre>{@code
 * {"type":"advertise","id":"a-3","tools":[{"name":"fs.list",…}],"policyHash":"sha256:…",
 *  "effectivePolicy":{"machinePolicy":"…","tenantPolicy":"…","tools":[{"name":"fs.list","source":"…"}],…}}
 * }</pre>
 *
 * @param tools the effective tools' descriptors, as in {@code hello}
 * @param policyHash as in {@code hello}
 * @param effectivePolicy the effective policy with the source of every rule, as {@code enginex-agent
 *     policy show --json} prints it (for people; the hub stores and shows it, and does not interpret
 *     it beyond {@code blockedTools})
 */
public record Advertise(String id, List<ToolDescriptor> tools, String policyHash, JsonNode effectivePolicy)
        implements Message {
    public static final String TYPE = "advertise";

    public Advertise {
        Messages.requireText(id, "id");
        tools = tools == null ? List.of() : List.copyOf(tools);
        policyHash = policyHash == null ? "" : policyHash;
    }
}
